"""Editors' picks in a real browser (#11): a moderator makes a comment a pick from its page in
the admin; a reader then sees it first, with its badge, and sorts the thread as they like."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from tests.browser.conftest import log_in, open_tab
from tests.factories import ArticleFactory, CommentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def moderator_page(browser):
    yield from open_tab(browser)


def test_a_moderator_picks_a_comment_and_readers_see_it_first(
    live_server, page, moderator_page, moderator, screenshot
):
    article = ArticleFactory(headline="Harbour wall repaired")
    start = timezone.now() - timedelta(hours=5)
    for number, (name, body) in enumerate(
        [
            ("Ada", "First to comment."),
            ("Ben", "The engineers deserve thanks: they worked through three storms."),
            ("Cy", "Latest comment."),
        ]
    ):
        comment = CommentFactory(
            article=article, status=Comment.Status.APPROVED, name=name, body=body
        )
        Comment.objects.filter(pk=comment.pk).update(created_at=start + timedelta(hours=number))
    pick = Comment.objects.get(name="Ben")

    log_in(moderator_page, live_server.url, moderator)
    moderator_page.goto(f"{live_server.url}/admin/comments/comment/{pick.pk}/change/")
    moderator_page.get_by_role("button", name="Make it an editors' pick").click()
    expect(moderator_page.locator(".messagelist")).to_contain_text("is now an editors' pick")

    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    cards = page.locator("[data-comment-list] > li")
    expect(cards.first).to_contain_text("The engineers deserve thanks")
    expect(cards.first.locator(".badge-pick")).to_have_text("Editors' pick")
    expect(cards).to_have_count(3)
    screenshot(page, "editors-pick-1-first")

    page.get_by_role("link", name="Newest first").click()
    expect(cards.first).to_contain_text("Latest comment.")
    page.get_by_role("link", name="Editors' picks only (1)").click()
    expect(cards).to_have_count(1)
    page.get_by_role("link", name="See it in the thread").click()
    expect(page.locator(f"#comment-{pick.pk}")).to_be_visible()
    assert page.url.endswith(f"#comment-{pick.pk}")
