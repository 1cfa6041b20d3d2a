"""A comment's author fixes or takes back their comment from the same browser, for a few minutes
(#11): every check runs again, an approved comment may go back to the queue, the log keeps the
old text, and nobody else can."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from comments.models import (
    ArticleCommentPolicy,
    Comment,
    HoldReason,
    ModerationDecision,
    ModerationRule,
)
from tests.comments.conftest import post_form

pytestmark = pytest.mark.django_db


def edit_url(comment):
    return f"/comments/{comment.pk}/edit/"


@pytest.fixture
def own(article, post_comment):
    """A comment this browser (the test client) wrote, approved by a moderator since."""
    post_comment(article, comment="The wall held, thankfully.")
    comment = Comment.objects.get()
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED, held_reason="")
    return Comment.objects.get(pk=comment.pk)


def test_the_author_sees_an_edit_link_others_do_not(client, own):
    page = client.get(own.article.get_absolute_url()).content.decode()
    assert f'href="{edit_url(own)}"' in page
    assert edit_url(own) not in Client().get(own.article.get_absolute_url()).content.decode()


def test_an_edit_is_checked_again_and_the_old_text_kept(client, own):
    assert "The wall held, thankfully." in client.get(edit_url(own)).content.decode()
    response = post_form(client, edit_url(own), {"comment": "The wall held, thankfully!"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.body == "The wall held, thankfully!"
    # Pre-moderation: the changed comment waits for a moderator again.
    assert (own.status, own.held_reason) == (Comment.Status.PENDING, HoldReason.PRE_MODERATION)
    logged = ModerationDecision.objects.get(comment=own)
    assert logged.action == ModerationDecision.Action.AUTHOR_EDIT
    assert logged.previous_body == "The wall held, thankfully."
    assert (logged.from_status, logged.to_status) == (
        Comment.Status.APPROVED,
        Comment.Status.PENDING,
    )


def test_where_the_author_is_known_a_clean_edit_stays_up(client, own):
    ArticleCommentPolicy.objects.create(article=own.article, mode="known")
    post_form(client, edit_url(own), {"comment": "The wall held. Well done."})
    own.refresh_from_db()
    assert (own.status, own.body) == (Comment.Status.APPROVED, "The wall held. Well done.")


def test_an_edit_that_adds_a_blocked_word_goes_to_spam(client, own):
    ModerationRule.objects.create(kind="blocked_word", value="casino")
    post_form(client, edit_url(own), {"comment": "Visit my casino"})
    own.refresh_from_db()
    assert (own.status, own.held_reason) == (Comment.Status.SPAM, HoldReason.BLOCKED_WORD)


def test_after_the_window_the_comment_stays_as_it_is(client, own):
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert (
            f'href="{edit_url(own)}"'
            not in client.get(own.article.get_absolute_url()).content.decode()
        )
        response = post_form(client, edit_url(own), {"comment": "Too late"})
        assert response.status_code == 400
        assert "can no longer be changed from here" in response.content.decode()
    own.refresh_from_db()
    assert own.body == "The wall held, thankfully."


def test_another_browser_cannot_edit_or_delete_or_even_see_it(own):
    stranger = Client()
    assert stranger.get(edit_url(own)).status_code == 404
    assert post_form(stranger, edit_url(own), {"comment": "Forged"}).status_code == 404
    assert post_form(stranger, edit_url(own), {"delete": "1"}).status_code == 404
    own.refresh_from_db()
    assert (own.body, own.status) == ("The wall held, thankfully.", Comment.Status.APPROVED)


def test_an_edit_from_another_site_is_refused(client, own):
    response = client.post(
        edit_url(own),
        "comment=Changed",
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 400
    own.refresh_from_db()
    assert own.body == "The wall held, thankfully."


def test_the_author_deletes_it_and_moderators_see_who_did(client, own, moderator):
    response = post_form(client, edit_url(own), {"delete": "1"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == Comment.Status.REJECTED
    assert "The wall held" not in Client().get(own.article.get_absolute_url()).content.decode()
    staff = Client()
    staff.force_login(moderator)
    page = staff.get(f"/admin/comments/comment/{own.pk}/change/").content.decode()
    assert "Deleted by its author" in page


def test_an_empty_edit_keeps_the_text_and_says_why(client, own):
    response = post_form(client, edit_url(own), {"comment": "   "})
    assert response.status_code == 400
    assert "Please enter your comment!" in response.content.decode()
    own.refresh_from_db()
    assert own.body == "The wall held, thankfully."
