"""A reader fixes their own comment in a real browser (#11), within the edit window: the link is
under their comment only, the page keeps their text, and the fixed comment waits again."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment, ModerationDecision
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_edits_their_comment_within_the_window(live_server, page, settings, screenshot):
    settings.COMMENTS_MIN_FILL_SECONDS = 0
    article = ArticleFactory(headline="Harbour wall repaired")
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    form = page.locator("form#comment-form")
    form.locator("[name=comment]").fill("The wall held, thankfuly.")
    form.locator("[name=name]").fill("Ada Reader")
    form.locator("[name=email]").fill("ada@example.org")
    form.get_by_role("button", name="Post Comment").click()
    mine = page.locator(".comment-pending")
    expect(mine).to_contain_text("The wall held, thankfuly.")

    page.reload()  # the page as the reader's browser now gets it
    mine.get_by_role("link", name="Edit or delete your comment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your comment")
    text = page.get_by_label("Your comment")
    expect(text).to_have_value("The wall held, thankfuly.")
    text.fill("The wall held, thankfully.")
    screenshot(page, "author-edit-1-form")
    page.get_by_role("button", name="Save changes").click()

    expect(page.locator(".comment-pending")).to_contain_text("The wall held, thankfully.")
    comment = Comment.objects.get()
    assert (comment.body, comment.status) == ("The wall held, thankfully.", Comment.Status.PENDING)
    logged = ModerationDecision.objects.get(comment=comment)
    assert logged.previous_body == "The wall held, thankfuly."
