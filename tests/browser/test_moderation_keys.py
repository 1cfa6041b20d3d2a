"""A moderator works the queue from the keyboard."""

import pytest

from comments.models import Comment
from tests.browser.conftest import log_in
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.browser


def test_one_key_approves_and_opens_the_next_pending_comment(
    page, live_server, moderator, screenshot
):
    """A approves the comment on screen and goes on to the next one; keys in a field type."""
    article = ArticleFactory()
    older = CommentFactory(article=article, status=Comment.Status.PENDING, body="Older pending")
    newer = CommentFactory(article=article, status=Comment.Status.PENDING, body="Newer pending")
    log_in(page, live_server.url, moderator)

    page.goto(f"{live_server.url}/admin/comments/comment/{newer.pk}/change/")
    note = page.locator("input[name=moderation_note]")
    note.press("a")  # typing, not moderating
    assert note.input_value() == "a"
    assert Comment.objects.get(pk=newer.pk).status == Comment.Status.PENDING
    note.fill("Fine by the rules")
    screenshot(page, "moderation-keys-1-comment")

    page.locator("h1").click()  # focus back on the page
    page.keyboard.press("a")
    page.wait_for_url(f"**/admin/comments/comment/{older.pk}/change/")
    approved = Comment.objects.get(pk=newer.pk)
    assert approved.status == Comment.Status.APPROVED
    assert approved.decisions.get().note == "Fine by the rules"

    page.keyboard.press("s")
    page.wait_for_url("**/admin/comments/comment/?status__exact=pending")
    assert Comment.objects.get(pk=older.pk).status == Comment.Status.SPAM
    screenshot(page, "moderation-keys-2-queue-empty")
