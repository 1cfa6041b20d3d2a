"""Telling a comment's author about replies to it (#11): asked for on the form, confirmed from
a mail (double opt-in), then one mail per batch of approved replies, each with a one-click
unsubscribe (List-Unsubscribe and List-Unsubscribe-Post, RFC 8058). No account: every link is
signed, so nobody can sign someone else up or unsubscribe them without the mail.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .conf import setting
from .models import Comment, ReplyOptOut, ReplySubscription

logger = logging.getLogger(__name__)

CONFIRM_SALT = "comments.replies.confirm"
UNSUBSCRIBE_SALT = "comments.replies.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 60 * 60  # a week to confirm; unsubscribing never expires
BATCH_QUEUED = "comments:reply-notification-queued"


def confirm_token(subscription: ReplySubscription) -> str:
    return signing.dumps({"s": subscription.pk}, salt=CONFIRM_SALT)


def unsubscribe_token(subscription: ReplySubscription) -> str:
    return signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=UNSUBSCRIBE_SALT)


def subscription_for(token: str, *, confirming: bool) -> ReplySubscription | None:
    """The subscription a signed link names; None for a link altered, expired or made up."""
    try:
        if confirming:
            data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        else:
            data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    subscription = (
        ReplySubscription.objects.select_related("comment__article")
        .filter(pk=data.get("s"))
        .first()
    )
    if subscription and not confirming and subscription.email != data.get("e"):
        return None
    return subscription


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def subscribe(comment: Comment) -> ReplySubscription | None:
    """The author of `comment` asked for replies: send the confirmation, unless their address
    asked for no more mail from us."""
    email = comment.email.strip().lower()
    if ReplyOptOut.objects.filter(email=email).exists():
        return None
    subscription, _ = ReplySubscription.objects.get_or_create(
        comment=comment, defaults={"email": email}
    )
    transaction.on_commit(lambda: send_confirmation.enqueue(subscription.pk))
    return subscription


@task()
def send_confirmation(subscription_id: int) -> bool:
    subscription = (
        ReplySubscription.objects.select_related("comment__article")
        .filter(pk=subscription_id, confirmed_at__isnull=True)
        .first()
    )
    if subscription is None:
        return False
    link = _absolute(reverse("comments:replies_confirm", args=[confirm_token(subscription)]))
    body = render_to_string(
        "comments/email/confirm_replies.txt",
        {"comment": subscription.comment, "link": link, "site_name": settings.SITE_NAME},
    )
    EmailMessage(
        f"Confirm: replies to your comment on {settings.SITE_NAME}",
        body,
        to=[subscription.email],
    ).send()
    return True


def confirm(subscription: ReplySubscription) -> None:
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])


def unsubscribe(subscription: ReplySubscription, *, everything: bool = False) -> None:
    """No more replies to this comment; with `everything`, no more reply mail at all."""
    now = timezone.now()
    if everything:
        ReplyOptOut.objects.get_or_create(email=subscription.email)
        ReplySubscription.objects.filter(
            email=subscription.email, unsubscribed_at__isnull=True
        ).update(unsubscribed_at=now)
    elif subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = now
        subscription.save(update_fields=["unsubscribed_at"])


def schedule(delay: int | None = None) -> None:
    """Queue one mail run for the replies approved in this window; later ones join it."""
    delay = setting("COMMENTS_REPLY_NOTIFY_DELAY_SECONDS") if delay is None else delay
    now = timezone.now()
    window = int(now.timestamp() // max(delay, 1))
    try:
        first = cache.add(f"{BATCH_QUEUED}:{window}", True, timeout=2 * max(delay, 1))
    except Exception:  # noqa: BLE001 - without the cache, a run per reply rather than none
        logger.exception("Could not check for a queued reply notification")
        first = True
    if first:
        notify_reply_subscribers.using(run_after=now + timedelta(seconds=delay)).enqueue()


def approved_reply(comment: Comment) -> None:
    """Call when `comment` is now approved: its parent's author may be waiting to hear."""
    if comment.parent_id and comment.reply_notified_at is None:
        transaction.on_commit(schedule)


def _waiting_replies():
    return (
        Comment.objects.approved()
        .filter(
            reply_notified_at__isnull=True,
            parent__reply_subscription__confirmed_at__isnull=False,
            parent__reply_subscription__unsubscribed_at__isnull=True,
        )
        .select_related("article", "parent__reply_subscription")
        .order_by("created_at", "pk")
    )


@task()
def notify_reply_subscribers() -> int:
    """One mail to each subscriber with every approved reply they were not told of yet. A mail
    that fails is tried again later: its replies stay untold until it goes."""
    by_subscription: dict[int, list[Comment]] = {}
    for reply in _waiting_replies():
        by_subscription.setdefault(reply.parent.reply_subscription.pk, []).append(reply)
    opted_out = set(ReplyOptOut.objects.values_list("email", flat=True))
    sent, failed = 0, False
    for replies in by_subscription.values():
        subscription = replies[0].parent.reply_subscription
        # Not told: their own replies (to themselves), and anything after "no more mail".
        to_tell = [r for r in replies if r.email.strip().lower() != subscription.email]
        if to_tell and subscription.email not in opted_out:
            try:
                _send(subscription, to_tell)
            except Exception:  # noqa: BLE001 - a mail server down: the rest still go
                logger.exception("Could not send a reply notification")
                failed = True
                continue
            sent += 1
        Comment.objects.filter(pk__in=[r.pk for r in replies]).update(
            reply_notified_at=timezone.now()
        )
    if failed:
        notify_reply_subscribers.using(
            run_after=timezone.now() + timedelta(seconds=setting("COMMENTS_REPLY_RETRY_SECONDS"))
        ).enqueue()
    return sent


def _send(subscription: ReplySubscription, replies: list[Comment]) -> None:
    unsubscribe_link = _absolute(
        reverse("comments:replies_unsubscribe", args=[unsubscribe_token(subscription)])
    )
    comment = subscription.comment
    count = len(replies)
    body = render_to_string(
        "comments/email/replies.txt",
        {
            "comment": comment,
            "replies": [(reply, _absolute(reply.get_absolute_url())) for reply in replies],
            "unsubscribe": unsubscribe_link,
            "site_name": settings.SITE_NAME,
        },
    )
    EmailMessage(
        f"{count} new repl{'ies' if count != 1 else 'y'} to your comment on "
        f"“{comment.article.headline}”",
        body,
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    ).send()
