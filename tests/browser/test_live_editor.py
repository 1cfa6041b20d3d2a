"""The quick editor page of live coverage (#13) in a real browser at 1280 px: an editor types
an update in the body editor, posts it with one click, and finds it on top of the list with
the others (a draft, a scheduled one, a key event, a corrected one), each with its actions."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.live.models import LiveUpdate
from tests.browser.conftest import SCREENSHOTS, log_in, open_tab
from tests.factories import ArticleFactory, ImageFactory, LiveUpdateFactory

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture
def desk(browser):
    yield from open_tab(browser, viewport=VIEWPORT)


@pytest.fixture
def coverage(db):
    article = ArticleFactory(headline="Storm Ida reaches the coast: live", is_live=True)
    now = timezone.now()
    LiveUpdateFactory(
        article=article,
        headline="Ferries cancelled until Monday",
        body="<p>The harbour master has cancelled all sailings until Monday morning.</p>",
        published_at=now - timedelta(minutes=42),
        byline="Ruth Calder",
    )
    LiveUpdateFactory(
        article=article,
        headline="Sea wall breached at the promenade",
        body="<p>Waves broke over the <strong>eastern section</strong> of the sea wall; two "
        "cafés are flooded. Police have closed the promenade.</p>",
        image=ImageFactory(alt_text="Waves over the sea wall"),
        is_key_event=True,
        published_at=now - timedelta(minutes=25),
        edited_at=now - timedelta(minutes=20),
        byline="Ed Harper",
    )
    LiveUpdateFactory(
        article=article,
        body="<p>The council will brief reporters at the town hall.</p>",
        published_at=now + timedelta(hours=1),
        byline="Ruth Calder",
    )
    LiveUpdateFactory(
        article=article,
        body="<p>Unconfirmed: a second breach near the lifeboat station.</p>",
        status=LiveUpdate.Status.DRAFT,
        published_at=now - timedelta(minutes=5),
        byline="Ed Harper",
    )
    return article


def test_an_editor_posts_an_update_in_one_action(live_server, editor, coverage, desk):
    log_in(desk, live_server.url, editor)
    desk.goto(f"{live_server.url}/admin/articles/article/{coverage.pk}/live/")
    body = desk.locator(".live-post-body [contenteditable=true]")
    expect(body).to_be_visible()
    desk.locator("#id_headline").fill("Evacuation centre opens")
    body.click()
    desk.keyboard.type("The sports hall on Mill Road is open for anyone who has to leave home.")
    desk.get_by_role("button", name="Post update").click()

    expect(desk.locator(".messagelist")).to_contain_text("Posted at")
    # The newest public one (a scheduled update, later in time, is above it).
    newest = desk.locator(".live-editor-update.is-public").first
    expect(newest).to_contain_text("Evacuation centre opens")
    expect(newest).to_contain_text("Published")
    update = coverage.live_updates.get(headline="Evacuation centre opens")
    assert update.is_public and "Mill Road" in update.body

    # The list says each update's state, with its actions.
    expect(desk.locator(".live-editor-update.is-draft")).to_contain_text("Draft")
    expect(desk.locator(".live-editor-update.is-scheduled")).to_contain_text("Scheduled for")
    expect(desk.locator(".live-editor-update.is-key-event")).to_contain_text("Updated")
    expect(desk.get_by_role("button", name="Unpin key event")).to_have_count(1)
    # The form is empty again, ready for the next update.
    expect(desk.locator("#id_headline")).to_have_value("")

    desk.screenshot(path=str(SCREENSHOTS / "live-editor-1280.png"), full_page=True)
