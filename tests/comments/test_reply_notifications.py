"""Reply notifications (#11): asked for on the form, confirmed from a mail first, then one mail
per batch of approved replies with a one-click unsubscribe; signed links, no account; a mail
that fails is sent later."""

import re

import pytest
from django.core import mail
from django.test import Client

from comments import replies
from comments.models import Comment, ReplyOptOut, ReplySubscription
from comments.services import comment_moderate
from tests.comments.conftest import post_form
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def link_in(message, path: str) -> str:
    return re.search(rf"https?://[^\s]+{path}[^\s]+/", message.body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def subscribed(article, post_comment, django_capture_on_commit_callbacks):
    """Ada posted with "e-mail me the replies", got the confirmation and confirmed it."""
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(article, comment="Who pays for the wall?", notify_replies="on")
    comment = Comment.objects.get()
    comment_moderate(comment=comment, to_status=Comment.Status.APPROVED)
    replies.send_confirmation.call(comment.reply_subscription.pk)
    confirmation = mail.outbox.pop()
    assert confirmation.to == ["ada@example.org"]
    confirm = path_of(link_in(confirmation, "/comments/replies/confirm/"))
    page = Client().get(confirm).content.decode()
    assert "Yes, e-mail me the replies" in page
    assert not ReplySubscription.objects.get().confirmed_at  # opening the link is not enough
    post_form(Client(), confirm, {})
    assert ReplySubscription.objects.get().active
    return comment


def reply(to, *, status=Comment.Status.APPROVED, **fields):
    return CommentFactory(article=to.article, parent=to, status=status, **fields)


def test_nothing_is_sent_before_the_reader_confirms(article, post_comment):
    post_comment(article, comment="Who pays?", notify_replies="on")
    parent = Comment.objects.get()
    Comment.objects.filter(pk=parent.pk).update(status=Comment.Status.APPROVED)
    reply(parent)
    assert replies.notify_reply_subscribers.call() == 0
    assert mail.outbox == []


def test_approved_replies_arrive_in_one_mail_with_a_one_click_unsubscribe(subscribed):
    first = reply(subscribed, name="Ben", body="The council, in the end.")
    second = reply(subscribed, name="Cy", body="And the port authority.")
    waiting = reply(subscribed, status=Comment.Status.PENDING, body="Not approved yet.")
    assert replies.notify_reply_subscribers.call() == 1
    (message,) = mail.outbox
    assert message.subject == "2 new replies to your comment on “Harbour wall repaired”"
    assert "The council, in the end." in message.body and "And the port authority." in message.body
    assert "Not approved yet." not in message.body
    assert f"/comments/{first.pk}/" in message.body
    unsubscribe = link_in(message, "/comments/replies/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Nobody is told twice; the reply approved later comes in the next mail.
    assert replies.notify_reply_subscribers.call() == 0
    comment_moderate(comment=waiting, to_status=Comment.Status.APPROVED)
    assert replies.notify_reply_subscribers.call() == 1
    assert "Not approved yet." in mail.outbox[-1].body
    assert second.pk


def test_approving_a_reply_queues_the_mail_run(subscribed, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    waiting = reply(subscribed, status=Comment.Status.PENDING)
    before = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        comment_moderate(comment=waiting, to_status=Comment.Status.APPROVED)
    queued = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert DBTaskResult.objects.count() == before + 1
    assert queued.task_path.endswith("notify_reply_subscribers")


def test_ones_own_replies_are_not_sent_to_oneself(subscribed):
    reply(subscribed, email="ADA@example.org", body="Answering myself.")
    assert replies.notify_reply_subscribers.call() == 0
    assert mail.outbox == []


def test_the_one_click_post_unsubscribes_and_nothing_more_arrives(subscribed):
    reply(subscribed)
    replies.notify_reply_subscribers.call()
    unsubscribe = path_of(link_in(mail.outbox[0], "/comments/replies/unsubscribe/"))
    # RFC 8058: the mail client posts this body, with no cookie and no page of ours.
    response = Client().post(
        unsubscribe,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert ReplySubscription.objects.get().unsubscribed_at is not None
    reply(subscribed, body="Too late to tell.")
    assert replies.notify_reply_subscribers.call() == 0


def test_unsubscribing_from_everything_stops_every_subscription(subscribed, article, client):
    other = CommentFactory(article=article, email="ada@example.org", status=Comment.Status.APPROVED)
    ReplySubscription.objects.create(
        comment=other, email="ada@example.org", confirmed_at=subscribed.created_at
    )
    token = replies.unsubscribe_token(subscribed.reply_subscription)
    page = post_form(client, f"/comments/replies/unsubscribe/{token}/", {"all": "1"})
    page = page.content.decode()
    assert "gets no more reply e-mails from us" in page
    assert ReplyOptOut.objects.filter(email="ada@example.org").exists()
    assert not ReplySubscription.objects.filter(unsubscribed_at__isnull=True).exists()
    # And a later "e-mail me the replies" from that address sends nothing, not even a check.
    assert replies.subscribe(other) is None


def test_nobody_is_unsubscribed_or_signed_up_without_the_signed_link(subscribed, client):
    token = replies.unsubscribe_token(subscribed.reply_subscription)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert post_form(client, f"/comments/replies/unsubscribe/{forged}/", {}).status_code == 404
    assert post_form(client, "/comments/replies/unsubscribe/1/", {}).status_code == 404
    assert client.get(f"/comments/replies/confirm/{token}/").status_code == 404  # wrong kind
    assert ReplySubscription.objects.get().unsubscribed_at is None


def test_a_mail_that_fails_is_sent_again_later(subscribed, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    def mail_server_down(self, *args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    reply(subscribed, body="Sent on the second try.")
    monkeypatch.setattr("django.core.mail.EmailMessage.send", mail_server_down)
    assert replies.notify_reply_subscribers.call() == 0
    retry = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert retry.task_path.endswith("notify_reply_subscribers") and retry.run_after
    monkeypatch.undo()
    assert replies.notify_reply_subscribers.call() == 1
    assert "Sent on the second try." in mail.outbox[-1].body
