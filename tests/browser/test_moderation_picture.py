"""The moderation queue's picture of the last 30 days in a real browser (#11): the figures, the
chart the site draws (it loads and shows), and the table behind it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from tests.browser.conftest import log_in
from tests.factories import ArticleFactory, CommentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_queue_opens_on_the_last_30_days(live_server, page, moderator, screenshot):
    article = ArticleFactory()
    outcomes = [Comment.Status.APPROVED] * 3 + [
        Comment.Status.SPAM,
        Comment.Status.REJECTED,
        Comment.Status.PENDING,
    ]
    for days_ago in range(0, 30, 2):
        for number, status in enumerate(outcomes[: 2 + days_ago % 5]):
            comment = CommentFactory(article=article, status=status, body=f"{days_ago}-{number}")
            Comment.objects.filter(pk=comment.pk).update(
                created_at=timezone.now() - timedelta(days=days_ago, minutes=number)
            )
    log_in(page, live_server.url, moderator)
    page.goto(f"{live_server.url}/admin/comments/comment/")
    picture = page.get_by_role("region", name="The last 30 days")
    expect(picture).to_contain_text("Comments received")
    chart = picture.get_by_role("img")
    assert "approved" in chart.get_attribute("alt")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
    )
    screenshot(page, "moderation-picture-1-queue")
    picture.get_by_text("Each day as a table").click()
    rows = picture.locator(".picture-table tbody tr")
    expect(rows).to_have_count(30)
    screenshot(page, "moderation-picture-2-table")
