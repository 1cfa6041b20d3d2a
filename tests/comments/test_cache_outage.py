"""Redis down (#9): the cache is only ever a speed-up. Comments are posted, limited, shown to
their author and moderated as usual; pages are rendered instead of read from the cache."""

import pytest
from django.test import Client

from comments.models import Comment
from comments.services import comment_moderate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def every_cache_on(settings):
    settings.PAGE_CACHE = settings.FRAGMENT_CACHE = True


def test_comments_are_posted_shown_to_their_author_and_moderated_while_the_cache_is_down(
    cache_down, article, post_comment, client
):
    response = post_comment(article, comment="Posted while Redis was down.", follow=True)
    assert response.status_code == 200
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert "Posted while Redis was down." in response.content.decode()  # to its author

    comment_moderate(comment=comment, to_status=Comment.Status.APPROVED)  # purges fail quietly
    assert (
        "Posted while Redis was down." in Client().get(article.get_absolute_url()).content.decode()
    )


def test_the_rate_limit_holds_while_the_cache_is_down(cache_down, article, post_comment, settings):
    """The limit is counted in the database, so losing Redis loosens nothing."""
    settings.COMMENTS_RATE_LIMIT = 2
    for number in range(2):
        assert post_comment(article, comment=f"Comment {number}").status_code == 302
    refused = post_comment(article, comment="One too many")
    assert "faster than we can read" in refused.content.decode()
    assert Comment.objects.count() == 2


def test_the_moderation_queue_opens_and_works_while_the_cache_is_down(cache_down, moderator_client):
    from tests.factories import CommentFactory

    comment = CommentFactory(status=Comment.Status.PENDING, body="Waiting through the outage")
    queue = moderator_client.get("/admin/comments/comment/?status__exact=pending")
    assert queue.status_code == 200
    assert "Waiting through the outage" in queue.content.decode()
    approved = moderator_client.post(
        "/admin/comments/comment/?status__exact=pending",
        {"action": "approve_selected", "_selected_action": [comment.pk]},
    )
    assert approved.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
