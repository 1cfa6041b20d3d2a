"""Live coverage from both ends (#13): an editor posts from the quick editor page while a
reader keeps the live article open in another browser; the reader sees the new updates arrive
behind the "new updates" button, shows them, finds the key event listed at the top, and
follows an update's permalink, which opens at that update."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, log_in, open_tab
from tests.factories import ArticleFactory, LiveUpdateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(browser):
    yield from open_tab(browser, viewport={"width": 1280, "height": 900})


@pytest.fixture
def reader(browser):
    yield from open_tab(browser, viewport={"width": 375, "height": 800})


def post_update(desk, words, *, headline="", key_event=False):
    if headline:
        desk.locator("#id_headline").fill(headline)
    desk.locator(".live-post-body [contenteditable=true]").click()
    desk.keyboard.type(words)
    if key_event:
        desk.get_by_label("Key event").check()
    desk.get_by_role("button", name="Post update").click()
    expect(desk.locator(".messagelist")).to_contain_text("Posted at")


def test_a_reader_watches_updates_an_editor_posts(live_server, editor, desk, reader):
    article = ArticleFactory(headline="Storm Ida reaches the coast", is_live=True)
    LiveUpdateFactory(article=article, body="<p>The storm is an hour offshore.</p>")
    reader.goto(live_server.url + article.get_absolute_url())
    stream = reader.locator("[data-live-stream] > .live-update")
    expect(stream).to_have_count(1)

    log_in(desk, live_server.url, editor)
    desk.goto(f"{live_server.url}/admin/articles/article/{article.pk}/live/")
    post_update(desk, "Ferries are cancelled until Monday.", headline="Ferries cancelled")
    post_update(
        desk, "Waves broke over the eastern section.", headline="Sea wall breached", key_event=True
    )

    # Not slipped in under the reader's eyes: offered, then shown newest first.
    offer = reader.get_by_role("button", name=re.compile("2 new updates"))
    expect(offer).to_be_visible(timeout=5000)
    expect(stream).to_have_count(1)
    offer.click()
    expect(stream).to_have_count(3)
    expect(stream.nth(0)).to_contain_text("Sea wall breached")
    expect(stream.nth(1)).to_contain_text("Ferries cancelled")
    key_events = reader.locator("[data-live-key-events] li")
    expect(key_events).to_have_count(1)
    expect(key_events.first).to_contain_text("Sea wall breached")
    reader.screenshot(path=str(SCREENSHOTS / "live-journey-375.png"), full_page=True)

    # The key event's link is the update's permalink: its own page, opened at the update.
    key_events.first.get_by_role("link").click()
    expect(reader).to_have_url(re.compile(r"/updates/\d+/$"))
    focused = reader.locator("[data-live-stream] [data-live-focus]")
    expect(focused).to_contain_text("Sea wall breached")
    expect(focused).to_be_in_viewport()
    assert "Sea wall breached" in reader.locator('meta[property="og:title"]').get_attribute(
        "content"
    )
