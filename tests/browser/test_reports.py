"""Reporting a comment in a real browser (#11): a reader reports one in place (and another
reader without JavaScript on its own page); the moderator finds them under "Reported"."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment, CommentReport
from tests.browser.conftest import log_in, open_tab
from tests.factories import ArticleFactory, CommentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_js_page(browser):
    yield from open_tab(browser, java_script_enabled=False)


@pytest.fixture
def moderator_page(browser):
    yield from open_tab(browser)


def test_readers_report_a_comment_and_the_moderator_sees_it(
    live_server, page, no_js_page, moderator_page, moderator, screenshot
):
    article = ArticleFactory(headline="Harbour wall repaired")
    rude = CommentFactory(
        article=article, status=Comment.Status.APPROVED, name="Troll", body="Idiots."
    )
    CommentFactory(article=article, status=Comment.Status.APPROVED, name="Ada", body="Good news.")
    url = f"{live_server.url}{article.get_absolute_url()}"

    # With JavaScript: the form opens under the comment and is sent in place.
    page.goto(url)
    card = page.locator(f"#comment-{rude.pk}")
    card.get_by_role("link", name="Report this comment by Troll").click()
    form = card.locator("[data-report-form]")
    expect(form).to_be_visible()
    form.get_by_label("Abusive or hateful").check()
    form.get_by_label("Anything a moderator should know").fill("Insults everyone.")
    screenshot(page, "reports-1-form-in-place")
    form.get_by_role("button", name="Send report").click()
    expect(card.get_by_role("status")).to_have_text(
        "Thank you. A moderator will look at this comment."
    )
    expect(card.get_by_role("link", name="Report this comment by Troll")).to_have_count(0)
    assert page.url == url  # no page load

    # Without JavaScript: the link leads to the same form on a page of its own. The live
    # server sees every tab at one address: this counts as the same reader.
    no_js_page.goto(url)
    no_js_page.locator(f"#comment-{rude.pk}").get_by_role("link", name="Report").click()
    expect(no_js_page.get_by_role("heading", name="Report a comment")).to_be_visible()
    no_js_page.get_by_label("Spam").check()
    no_js_page.get_by_role("button", name="Send report").click()
    expect(no_js_page.get_by_role("alert")).to_contain_text("You have already reported")
    assert CommentReport.objects.filter(comment=rude).count() == 1

    log_in(moderator_page, live_server.url, moderator)
    moderator_page.goto(f"{live_server.url}/admin/comments/comment/")
    moderator_page.get_by_role("link", name="Reported 1").click()
    rows = moderator_page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Idiots.")
    expect(rows.first.locator(".field-reason_column")).to_have_text("1 report: abusive or hateful")
    screenshot(moderator_page, "reports-2-reported-tab")
