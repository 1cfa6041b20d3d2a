"""A reader keeps a live article open while editors post (#13): static/js/live.js asks the
coverage's endpoint about once a second, keeps new updates behind a "N new updates — show"
button on the first page newest first, corrects edited ones in place, removes deleted ones,
refreshes the key events and the time of the latest update, asks nothing from a background tab
and catches up when the reader returns, and opens a permalink at its update."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.live.services import (
    live_coverage_end,
    live_update_delete,
    live_update_edit,
    live_update_post,
)
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENDPOINT = "updates.json"
# Long enough for a page that scrolls, short enough to read.
PARAGRAPH = (
    "Firefighters reached the harbour at dawn, where the water was still rising over the quay; "
    "the council has asked residents of the lower town to stay indoors until the tide turns."
)
HIDE_TAB_JS = """
hidden => {
  const state = hidden ? "hidden" : "visible";
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
  Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event("visibilitychange"));
}
"""


@pytest.fixture
def coverage(editor):
    """A live article with three updates, posted over the last half hour."""
    article = ArticleFactory(headline="Storm reaches the harbour", is_live=True)
    now = timezone.now()
    updates = [
        live_update_post(
            article=article,
            editor=editor,
            body=f"<p>Earlier update {number}.</p><p>{PARAGRAPH}</p>",
            published_at=now - timedelta(minutes=30 - 10 * number),
        )
        for number in range(3)
    ]
    return article, updates


def post(article, editor, words, **fields):
    return live_update_post(article=article, editor=editor, body=f"<p>{words}</p>", **fields)


def open_coverage(page, live_server, path):
    """The page, with every question it asks the endpoint counted."""
    asked = []
    page.on("request", lambda request: ENDPOINT in request.url and asked.append(request.url))
    page.goto(live_server.url + path)
    return asked


def stream_ids(page):
    return page.eval_on_selector_all(
        "[data-live-stream] > .live-update", "items => items.map(item => item.id)"
    )


def test_new_updates_wait_behind_a_button_and_show_newest_first(
    page, live_server, coverage, editor
):
    """Nothing slides in under the reader's eyes: a button says how many, clicking shows them."""
    article, updates = coverage
    open_coverage(page, live_server, article.get_absolute_url())
    before = stream_ids(page)
    assert before == [f"update-{u.pk}" for u in reversed(updates)]

    first = post(article, editor, "Ferries are cancelled until morning.")
    second = post(article, editor, "The bridge is closed to traffic.")
    button = page.locator("button.live-new-updates")
    expect(button).to_have_text("2 new updates — show")
    expect(page.locator(".live-coverage .live-announcements[aria-live='polite']")).to_have_text(
        "2 new updates"
    )
    assert stream_ids(page) == before, "the updates waited for the reader"

    button.click()
    expect(button).to_be_hidden()
    assert stream_ids(page) == [f"update-{second.pk}", f"update-{first.pk}", *before]
    expect(page.locator(f"#update-{second.pk}")).to_be_focused()
    expect(page.locator("[data-live-latest]")).to_have_text(
        timezone.localtime(second.published_at).strftime("%H:%M")
    )


def test_edits_and_deletions_change_the_page_in_place(page, live_server, coverage, editor):
    article, updates = coverage
    open_coverage(page, live_server, article.get_absolute_url())
    corrected, deleted = updates[0], updates[1]
    expect(page.locator(f"#update-{deleted.pk}")).to_be_visible()

    live_update_edit(update=corrected, editor=editor, body="<p>Corrected: the quay held.</p>")
    live_update_delete(update=deleted, editor=editor)

    edited = page.locator(f"#update-{corrected.pk}")
    expect(edited).to_contain_text("Corrected: the quay held.")
    expect(edited.locator(".live-update-edited")).to_contain_text("Updated")
    expect(page.locator(f"#update-{deleted.pk}")).to_have_count(0)
    assert stream_ids(page) == [f"update-{updates[2].pk}", f"update-{corrected.pk}"]
    expect(page.locator("button.live-new-updates")).to_be_hidden()


def test_key_events_refresh_without_moving_what_the_reader_reads(
    page, live_server, coverage, editor
):
    """A new key event lengthens the list at the top; the update being read stays put."""
    article, updates = coverage
    for number in range(6):
        post(article, editor, f"Filler {number}. {PARAGRAPH} {PARAGRAPH}",
             published_at=timezone.now() - timedelta(hours=2, minutes=number))  # fmt: skip
    open_coverage(page, live_server, article.get_absolute_url())
    reading = page.locator(f"#update-{updates[0].pk}")
    reading.scroll_into_view_if_needed()
    page.evaluate("() => window.scrollBy(0, 200)")
    top = reading.evaluate("element => element.getBoundingClientRect().top")

    pinned = post(article, editor, "Evacuation ordered.", headline="Lower town evacuated",
                  is_key_event=True)  # fmt: skip
    item = page.locator(f"[data-live-key-events] li[data-update-id='{pinned.pk}']")
    expect(item).to_contain_text("Lower town evacuated")
    expect(page.locator("nav.live-key-events")).to_be_visible()
    expect(item.locator("a")).to_have_attribute("href", pinned.get_absolute_url())
    after = reading.evaluate("element => element.getBoundingClientRect().top")
    assert abs(after - top) <= 1, f"the update being read moved from {top} to {after}"

    # The button follows the reader down the stream; asked, it takes them up to the new one.
    button = page.locator("button.live-new-updates")
    expect(button).to_be_in_viewport()
    button.click()
    expect(page.locator(f"#update-{pinned.pk}")).to_be_focused()
    expect(page.locator(f"#update-{pinned.pk}")).to_be_in_viewport()


def test_a_background_tab_asks_nothing_and_catches_up_on_return(
    page, live_server, coverage, editor
):
    article, _ = coverage
    asked = open_coverage(page, live_server, article.get_absolute_url())
    page.wait_for_timeout(1500)
    assert asked, "the page asks the endpoint while it is visible"

    page.evaluate(HIDE_TAB_JS, True)
    page.wait_for_timeout(300)  # an answer already on its way
    count = len(asked)
    update = post(article, editor, "Power is back in the upper town.")
    page.wait_for_timeout(2500)
    assert len(asked) == count, "a hidden tab asks nothing"
    expect(page.locator("button.live-new-updates")).to_be_hidden()

    page.evaluate(HIDE_TAB_JS, False)
    expect(page.locator("button.live-new-updates")).to_have_text("1 new update — show", timeout=900)
    page.locator("button.live-new-updates").click()
    expect(page.locator(f"#update-{update.pk}")).to_contain_text("Power is back")


def test_away_longer_than_the_endpoint_covers_offers_a_reload(page, live_server, coverage, editor):
    """More updates than the endpoint carries: the gap cannot be filled in, so the page is offered
    whole again rather than with a hole in it."""
    article, _ = coverage
    open_coverage(page, live_server, article.get_absolute_url())
    page.evaluate(HIDE_TAB_JS, True)
    for number in range(21):
        post(article, editor, f"While you were away, {number}.")
    page.evaluate(HIDE_TAB_JS, False)
    reload = page.locator("button.live-reload")
    expect(reload).to_have_text("Many updates since you left — reload")
    expect(page.locator("button.live-new-updates")).to_be_hidden()
    reload.click()
    expect(page.locator("[data-live-stream] > .live-update").first).to_contain_text(
        "While you were away, 20."
    )


def test_oldest_first_on_the_last_page_new_updates_join_the_end(
    page, live_server, coverage, editor
):
    article, updates = coverage
    open_coverage(page, live_server, f"{article.get_absolute_url()}?updates_order=oldest")
    update = post(article, editor, "The tide has turned.")
    expect(page.locator(f"#update-{update.pk}")).to_be_visible()
    assert stream_ids(page) == [*(f"update-{u.pk}" for u in updates), f"update-{update.pk}"]
    expect(page.locator("button.live-new-updates")).to_be_hidden()


def test_a_permalink_opens_at_its_update_with_focus(page, live_server, coverage):
    article, updates = coverage
    oldest = updates[0]
    page.goto(live_server.url + oldest.get_absolute_url())
    target = page.locator(f"[data-live-stream] #update-{oldest.pk}")
    expect(target).to_be_focused()
    expect(target).to_be_in_viewport()


def test_the_end_of_the_coverage_is_shown_and_the_asking_stops(page, live_server, coverage, editor):
    article, _ = coverage
    asked = open_coverage(page, live_server, article.get_absolute_url())
    live_coverage_end(article=article, editor=editor)
    expect(page.locator(".live-coverage .live-ended")).to_have_text("This live coverage has ended.")
    expect(page.locator(".live-badge")).to_have_count(0)
    count = len(asked)
    page.wait_for_timeout(2500)
    assert len(asked) == count, "an ended coverage is not asked again"
