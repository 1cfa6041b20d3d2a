"""Comments in a real browser: posting with and without JavaScript, moderation, replies, safety."""

import re

import pytest
from playwright.sync_api import expect

from articles.demo.loader import SEED_SLUG
from articles.models import Article
from comments.models import Comment
from tests.browser.conftest import log_in, open_tab
from tests.factories import CommentFactory

pytestmark = pytest.mark.browser

SEED_PATH = f"/news/{SEED_SLUG}/"
AWAITING = "Your comment is awaiting moderation."

# What a reader might paste into any field, hoping the page runs it.
SCRIPT_TAG = "<script>alert(1)</script>"
BROKEN_IMAGE = '"><img src=x onerror=alert(2)>'
JAVASCRIPT_URL = "javascript:alert(3)"
SVG_ONLOAD = "<svg onload=alert(4)>"
CLOSING_TEXTAREA = "</textarea><script>alert(5)</script>"
# A valid web address (URLValidator allows quotes and brackets after the host) that would break
# out of an unescaped href attribute.
QUOTED_URL = 'https://example.org/?q="><svg/onload=alert(6)>'
# Markup that would run if a field's text reached the page unescaped: script elements (other than
# the page's own files) and event handler attributes, anywhere under `root`.
INJECTED_MARKUP_JS = """
root => [...document.querySelectorAll(`${root} *`)]
  .filter(e => (e.tagName === "SCRIPT" && !e.src)
    || [...e.attributes].some(a => a.name.toLowerCase().startsWith("on")))
  .map(e => e.outerHTML.slice(0, 120))
"""
# The same check as test_reader_journey's phone test: the page's width, the window's, and the
# first few elements reaching past the screen's edge.
OVERFLOW_JS = """
screenWidth => ({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  tooWide: [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > screenWidth + 0.5)
    .slice(0, 8)
    .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")),
})
"""


@pytest.fixture(autouse=True)
def _comments_accept_quick_readers(settings):
    """Browsers fill the form in milliseconds and all post from 127.0.0.1."""
    settings.COMMENTS_MIN_FILL_SECONDS = 0
    settings.COMMENTS_MIN_CONFIRM_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT = 1000


@pytest.fixture
def second_page(browser):
    """Another reader: a separate desktop browser context, with JavaScript."""
    yield from open_tab(browser)


@pytest.fixture
def no_js_page(browser):
    """A reader whose browser runs no JavaScript."""
    yield from open_tab(browser, java_script_enabled=False)


@pytest.fixture
def second_no_js_page(browser):
    """Another reader without JavaScript, in a context of their own."""
    yield from open_tab(browser, java_script_enabled=False)


@pytest.fixture
def moderator_page(browser):
    """The moderator's own browser, for the admin."""
    yield from open_tab(browser)


def _seed_article() -> Article:
    return Article.objects.get(slug=SEED_SLUG)


def _approved_count_in_heading(tab) -> int:
    heading = tab.locator("h2#comments-heading").text_content().strip()  # CSS-uppercased
    if heading == "Comments":
        return 0
    match = re.fullmatch(r"(\d+) comments?", heading)
    assert match, f"unexpected comments heading {heading!r}"
    return int(match[1])


def _fill_comment(tab, *, comment, name, email, url=""):
    form = tab.locator("form#comment-form")
    form.locator("[name=comment]").fill(comment)
    form.locator("[name=name]").fill(name)
    form.locator("[name=email]").fill(email)
    form.locator("[name=url]").fill(url)
    return form


def _post(form):
    form.get_by_role("button", name="Post Comment").click()


def _record_dialogs(tab, dialogs):
    def on_dialog(dialog):
        dialogs.append(f"{tab.url}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    tab.on("dialog", on_dialog)


def test_comment_with_javascript_waits_for_moderation_then_appears_after_bulk_approval(
    site, page, second_page, moderator_page, moderator, screenshot
):
    """A comment posted in place waits for a moderator, then every reader sees it once approved."""
    body = "The summit readout leaves out the trade figures entirely."
    page.goto(f"{site}{SEED_PATH}")
    count_before = _approved_count_in_heading(page)
    url_before = page.url
    page.evaluate("window.__marker = 1")  # gone if the page reloads or navigates

    form = _fill_comment(page, comment=body, name="Ada Reader", email="ada@example.org")
    _post(form)
    mine = page.locator("ol[data-comment-list] > li.comment.comment-pending").filter(has_text=body)
    expect(mine).to_contain_text(AWAITING)
    expect(page.locator("[data-form-status]")).to_have_text(
        "Your comment was posted and is awaiting moderation."
    )
    assert page.url == url_before
    assert page.evaluate("window.__marker") == 1, "the page reloaded"
    comment = Comment.objects.get(body=body)
    assert comment.status == Comment.Status.PENDING
    expect(mine).to_have_id(f"comment-{comment.pk}")
    expect(page.locator("form#comment-form [name=comment]")).to_have_value("")
    screenshot(page, "comments-js-1-reader-A-pending")

    second_page.goto(f"{site}{SEED_PATH}")
    expect(second_page.locator("h2#comments-heading")).to_be_visible()
    expect(second_page.locator(f"#comment-{comment.pk}")).to_have_count(0)
    expect(second_page.locator("#comments")).not_to_contain_text(body)
    assert _approved_count_in_heading(second_page) == count_before
    screenshot(second_page, "comments-js-2-reader-B-before")

    log_in(moderator_page, site, moderator)
    expect(moderator_page.locator("#moderation-summary")).to_contain_text(
        "1 comment awaiting moderation"
    )
    moderator_page.locator("#content-main a[href='/admin/comments/comment/']").first.click()
    expect(moderator_page).to_have_url(f"{site}/admin/comments/comment/?status__exact=pending")
    expect(moderator_page.locator(".moderation-tabs a.current")).to_contain_text("Pending")
    row = moderator_page.locator("#result_list tbody tr").filter(has_text=body)
    expect(row).to_have_count(1)
    screenshot(moderator_page, "comments-js-3-admin-queue")

    row.locator(f"input.action-select[value='{comment.pk}']").check()
    moderator_page.locator("select[name=action]").select_option(label="Approve selected comments")
    moderator_page.locator("button[name=index]").click()
    expect(moderator_page.locator(".messagelist .success")).to_have_text("Approved 1 comment.")
    expect(moderator_page.locator("#result_list tbody tr").filter(has_text=body)).to_have_count(0)
    screenshot(moderator_page, "comments-js-4-admin-approved")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED

    second_page.reload()
    approved = second_page.locator(f"li.comment#comment-{comment.pk}")
    expect(approved).to_contain_text(body)
    expect(approved).to_contain_text("Ada Reader")
    expect(approved).not_to_have_class(re.compile(r"\bcomment-pending\b"))
    expect(approved).not_to_contain_text(AWAITING)
    expect(approved.locator("a.comment-reply[data-reply-to]")).to_have_count(1)
    assert _approved_count_in_heading(second_page) == count_before + 1
    screenshot(second_page, "comments-js-5-reader-B-after")


def test_comment_without_javascript_waits_for_moderation(
    site, no_js_page, second_no_js_page, screenshot
):
    """Without JavaScript the form still posts (after one confirming press: the cached page has
    no token for this reader), lands on the pending comment, and keeps mistakes."""
    body = "Posted from a browser that runs no scripts at all."
    no_js_page.goto(f"{site}{SEED_PATH}")
    form = _fill_comment(no_js_page, comment=body, name="Lynx User", email="lynx@example.org")
    _post(form)
    expect(no_js_page.locator("[data-error-summary]")).to_contain_text("One more step")
    expect(no_js_page.locator("form#comment-form [name=comment]")).to_have_value(body)
    screenshot(no_js_page, "comments-nojs-0-confirm")
    _post(no_js_page.locator("form#comment-form"))
    expect(no_js_page).to_have_url(re.compile(rf"{re.escape(SEED_PATH)}#comment-\d+$"))
    comment = Comment.objects.get(body=body)
    assert comment.status == Comment.Status.PENDING
    expect(no_js_page).to_have_url(f"{site}{SEED_PATH}#comment-{comment.pk}")
    mine = no_js_page.locator(f"li.comment.comment-pending#comment-{comment.pk}")
    expect(mine).to_contain_text(body)
    expect(mine).to_contain_text(AWAITING)
    screenshot(no_js_page, "comments-nojs-1-reader-A-pending")

    second_no_js_page.goto(f"{site}{SEED_PATH}")
    expect(second_no_js_page.locator("h2#comments-heading")).to_be_visible()
    expect(second_no_js_page.locator(f"#comment-{comment.pk}")).to_have_count(0)
    expect(second_no_js_page.locator("#comments")).not_to_contain_text(body)
    screenshot(second_no_js_page, "comments-nojs-2-reader-B-before")

    unsigned = "A second thought, which I forgot to sign."
    no_js_page.goto(f"{site}{SEED_PATH}")
    form = _fill_comment(no_js_page, comment=unsigned, name="", email="lynx@example.org")
    _post(form)
    summary = no_js_page.locator("[data-error-summary][role=alert]")
    expect(summary).to_contain_text("Please enter your name here")
    expect(no_js_page.locator("form#comment-form [name=comment]")).to_have_value(unsigned)
    expect(no_js_page.locator("form#comment-form [name=email]")).to_have_value("lynx@example.org")
    assert not Comment.objects.filter(body=unsigned).exists()
    screenshot(no_js_page, "comments-nojs-3-missing-name")


def test_reply_opens_in_place_with_javascript_and_by_link_without(
    site, page, no_js_page, screenshot
):
    """Reply opens the form under the comment with JavaScript, and via a link without it."""
    parent = CommentFactory(
        article=_seed_article(),
        name="Grace Harbour",
        body="Who hosted the call?",
        status=Comment.Status.APPROVED,
    )

    page.goto(f"{site}{SEED_PATH}")
    url_before = page.url
    page.locator(f"#comment-{parent.pk} a.comment-reply[data-reply-to='{parent.pk}']").click()
    form = page.locator(f"li#comment-{parent.pk} form#comment-form")
    expect(form).to_have_count(1)
    expect(page.locator("#respond-heading")).to_have_text("Reply to Grace Harbour")
    expect(form.locator("[name=comment]")).to_be_focused()
    assert page.url == url_before
    screenshot(page, "comments-reply-js-1-form-under-comment")

    _fill_comment(page, comment="Beijing did, by video link.", name="Ada", email="ada@example.org")
    _post(form)
    reply_item = page.locator(f"li#comment-{parent.pk} .comment-replies li.comment-pending")
    expect(reply_item).to_contain_text("Beijing did, by video link.")
    expect(reply_item).to_contain_text(AWAITING)
    expect(page.locator("#respond-heading")).to_have_text("Leave a comment")
    expect(page.locator(f"li#comment-{parent.pk} form#comment-form")).to_have_count(0)
    assert Comment.objects.get(body="Beijing did, by video link.").parent_id == parent.pk
    screenshot(page, "comments-reply-js-2-reply-pending")

    no_js_page.goto(f"{site}{SEED_PATH}")
    no_js_page.locator(f"#comment-{parent.pk} a.comment-reply").click()
    expect(no_js_page).to_have_url(f"{site}{SEED_PATH}?replyto={parent.pk}#respond")
    expect(no_js_page.locator("#respond-heading")).to_have_text("Reply to Grace Harbour")
    expect(no_js_page.locator("form#comment-form [name=parent]")).to_have_value(str(parent.pk))
    screenshot(no_js_page, "comments-reply-nojs-1-reply-form")

    form = _fill_comment(
        no_js_page, comment="It was hosted from Moscow.", name="Lynx", email="lynx@example.org"
    )
    _post(form)
    # The one confirming press a reader without JavaScript makes: still a reply, text kept.
    expect(no_js_page.locator("[data-error-summary]")).to_contain_text("One more step")
    expect(no_js_page.locator("#respond-heading")).to_have_text("Reply to Grace Harbour")
    _post(no_js_page.locator("form#comment-form"))
    expect(no_js_page).to_have_url(re.compile(r"#comment-\d+$"))
    reply = Comment.objects.get(body="It was hosted from Moscow.")
    assert reply.parent_id == parent.pk
    assert reply.status == Comment.Status.PENDING
    expect(no_js_page).to_have_url(f"{site}{SEED_PATH}#comment-{reply.pk}")
    expect(
        no_js_page.locator(f"li#comment-{parent.pk} .comment-replies li#comment-{reply.pk}")
    ).to_contain_text(AWAITING)
    screenshot(no_js_page, "comments-reply-nojs-2-reply-pending")


def test_script_in_every_field_renders_as_text_and_opens_no_dialog(
    site, page, second_page, moderator_page, moderator, screenshot
):
    """Code typed into a comment shows as text to readers and moderators, and never runs."""
    dialogs = []
    for tab in (page, second_page, moderator_page):
        _record_dialogs(tab, dialogs)
    article = _seed_article()
    posted_body = f"{SCRIPT_TAG} {BROKEN_IMAGE} {SVG_ONLOAD} {CLOSING_TEXTAREA}"
    posted_name = f"{BROKEN_IMAGE}{SVG_ONLOAD}"

    # The author posts with JavaScript: a script address is refused, the form comes back
    # (inserted by the page's script) with the payloads as values, and a quoted one is accepted.
    page.goto(f"{site}{SEED_PATH}")
    form = _fill_comment(
        page, comment=posted_body, name=posted_name, email="x@example.org", url=JAVASCRIPT_URL
    )
    _post(form)
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Please enter a web address starting with http:// or https://"
    )
    form = page.locator("form#comment-form")
    expect(form.locator("[name=comment]")).to_have_value(posted_body)
    expect(form.locator("[name=name]")).to_have_value(posted_name)
    expect(form.locator("[name=url]")).to_have_value(JAVASCRIPT_URL)
    assert not Comment.objects.filter(email="x@example.org").exists()
    screenshot(page, "comments-xss-1-script-address-refused")

    form.locator("[name=url]").fill(QUOTED_URL)
    _post(form)
    mine = page.locator("li.comment-pending").filter(has_text=AWAITING)
    expect(mine.locator(".comment-body")).to_have_text(posted_body)
    expect(mine.locator(".comment-author")).to_have_text(posted_name)
    posted = Comment.objects.get(email="x@example.org")
    assert (posted.body, posted.name, posted.url) == (posted_body, posted_name, QUOTED_URL)
    assert page.evaluate(INJECTED_MARKUP_JS, "#comments") == []
    screenshot(page, "comments-xss-2-author-pending")

    # One stored without the form's checks, as an import or a database edit could.
    stored = CommentFactory(
        article=article,
        name=f"{SVG_ONLOAD}{SCRIPT_TAG}",
        body=f"{BROKEN_IMAGE}\n\n{SCRIPT_TAG}",
        url=JAVASCRIPT_URL,
        status=Comment.Status.PENDING,
    )

    log_in(moderator_page, site, moderator)
    moderator_page.goto(f"{site}/admin/comments/comment/?status__exact=pending")
    rows = moderator_page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=posted_name)).to_contain_text(posted_body[:60])
    expect(rows.filter(has_text=stored.name)).to_contain_text(BROKEN_IMAGE)
    assert moderator_page.evaluate(INJECTED_MARKUP_JS, "#content") == []
    screenshot(moderator_page, "comments-xss-3-admin-queue")
    for comment in (posted, stored):
        moderator_page.goto(f"{site}/admin/comments/comment/{comment.pk}/change/")
        expect(moderator_page.locator("textarea[name=body]")).to_have_value(comment.body)
        expect(moderator_page.locator(".field-name .readonly")).to_have_text(comment.name)
        expect(moderator_page.locator(".field-url .readonly")).to_contain_text(comment.url)
        assert moderator_page.evaluate(INJECTED_MARKUP_JS, "#content") == []
    screenshot(moderator_page, "comments-xss-4-admin-change-page")

    Comment.objects.filter(pk__in=[posted.pk, stored.pk]).update(status=Comment.Status.APPROVED)
    for tab, name in ((second_page, "other-reader"), (page, "author")):
        tab.goto(f"{site}{SEED_PATH}")
        for comment in (posted, stored):
            item = tab.locator(f"li#comment-{comment.pk}")
            expect(item.locator(".comment-author")).to_have_text(comment.name)
            expect(item.locator(".comment-body")).to_contain_text(SCRIPT_TAG)
            expect(item.locator(".comment-body")).to_contain_text(BROKEN_IMAGE)
        posted_link = tab.locator(f"li#comment-{posted.pk} .comment-author a")
        expect(posted_link).to_have_attribute("href", QUOTED_URL)
        assert tab.evaluate(INJECTED_MARKUP_JS, "#comments") == [], name
        # The stored script address is rendered as the author link (the template trusts the
        # model's validation); the page's CSP has no 'unsafe-inline', so following it runs nothing.
        tab.locator(f"li#comment-{stored.pk} .comment-author").click()
        expect(tab).to_have_url(f"{site}{SEED_PATH}")
        assert tab.evaluate("document.querySelectorAll('#comments li.comment').length") == 2
        screenshot(tab, f"comments-xss-5-approved-as-{name}")

    assert dialogs == []


def test_draft_survives_a_reload_with_javascript(site, page, screenshot):
    """A half-written comment is still there after a reload, and gone once it is posted."""
    draft = "I was halfway through this when the tab reloaded."
    page.goto(f"{site}{SEED_PATH}")
    textarea = page.locator("form#comment-form [name=comment]")
    textarea.press_sequentially(draft)
    page.reload()
    expect(textarea).to_have_value(draft)
    screenshot(page, "comments-draft-1-restored")

    _fill_comment(page, comment=draft, name="Ada Reader", email="ada@example.org")
    _post(page.locator("form#comment-form"))
    expect(page.locator("li.comment-pending").filter(has_text=draft)).to_be_visible()
    page.reload()
    expect(page.locator("li.comment-pending").filter(has_text=draft)).to_be_visible()
    expect(textarea).to_have_value("")
    assert page.evaluate("Object.keys(localStorage)") == []


def test_comment_form_fits_a_phone(site, phone_page, screenshot):
    """On a phone, the comments and their form fit the screen: no sideways scrolling."""
    article = _seed_article()
    parent = CommentFactory(
        article=article,
        name="A reader with a rather long name indeed",
        body="See https://example.org/reports/2024/russia-china-summit-readout-full-text.html",
    )
    reply = CommentFactory(
        article=article, parent=parent, name="Replier", body="Thanks for the link."
    )
    phone_page.goto(f"{site}{SEED_PATH}#comments")
    phone_page.wait_for_load_state("networkidle")
    expect(phone_page.locator("form#comment-form")).to_be_visible()
    phone_page.locator("#respond").scroll_into_view_if_needed()
    screenshot(phone_page, "comments-phone")
    screen_width = phone_page.viewport_size["width"]
    layout = phone_page.evaluate(OVERFLOW_JS, screen_width)
    assert layout["scrollWidth"] <= layout["innerWidth"] == screen_width, layout

    # Replying to a reply: the form moves in, indented twice, and must still fit.
    phone_page.locator(f"#comment-{reply.pk} a.comment-reply").tap()
    expect(phone_page.locator(f"li#comment-{reply.pk} form#comment-form")).to_be_visible()
    screenshot(phone_page, "comments-phone-reply-to-reply")
    layout = phone_page.evaluate(OVERFLOW_JS, screen_width)
    assert layout["scrollWidth"] <= layout["innerWidth"] == screen_width, layout


@pytest.fixture
def database_fails_on_store(monkeypatch):
    """The database goes away as the comment is being stored (the live server shares this
    process's modules): undo() brings it back."""
    from django.db import OperationalError

    import comments.views

    def fail(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(comments.views, "comment_store", fail)
    return monkeypatch.undo


def test_a_comment_that_met_a_database_outage_is_kept_and_sent_again(
    site, page, no_js_page, database_fails_on_store, screenshot
):
    """With JavaScript the text stays in the form and the reader is told when to retry; without,
    the 503 page shows it back with a button that sends it again."""
    body = "Posted while the database was restarting: still here afterwards."
    page.goto(f"{site}{SEED_PATH}")
    form = _fill_comment(page, comment=body, name="Ada Reader", email="ada@example.org")
    _post(form)
    expect(page.locator("[data-error-summary]")).to_contain_text("try again in 10 seconds")
    expect(page.locator("form#comment-form [name=comment]")).to_have_value(body)
    screenshot(page, "comments-outage-js")

    no_js_page.goto(f"{site}{SEED_PATH}")
    no_js_body = body.replace("Posted", "Sent without scripts")
    form = _fill_comment(no_js_page, comment=no_js_body, name="Lynx User", email="lynx@example.org")
    _post(form)  # the one confirming step of a reader without a token
    _post(no_js_page.locator("form#comment-form"))
    expect(no_js_page.locator("h1")).to_have_text("Back in a moment")
    expect(no_js_page.locator("textarea").first).to_have_value(no_js_body)
    screenshot(no_js_page, "comments-outage-nojs")
    assert not Comment.objects.filter(body__in=[body, no_js_body]).exists()

    database_fails_on_store()  # the database is back
    no_js_page.get_by_role("button", name="Send it again").click()
    expect(no_js_page).to_have_url(re.compile(rf"{re.escape(SEED_PATH)}#comment-\d+$"))
    expect(no_js_page.locator("li.comment.comment-pending")).to_contain_text(no_js_body)
    _post(page.locator("form#comment-form"))
    expect(page.locator("[data-form-status]")).to_have_text(
        "Your comment was posted and is awaiting moderation."
    )
    assert Comment.objects.filter(body__in=[body, no_js_body]).count() == 2
