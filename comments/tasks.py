"""Moderators' mail about new pending comments, batched, sent by Django's task framework."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from .conf import setting
from .models import Comment

logger = logging.getLogger(__name__)


# With the batch's number: present once a notification is queued for it (in the cache every
# worker shares).
BATCH_QUEUED = "comments:moderator-notification-queued"


def schedule_moderator_notification() -> None:
    """Queue one notification for the batch this comment starts; later ones join that batch.

    A batch is a window of COMMENTS_NOTIFY_DELAY_SECONDS: its first comment queues the mail, which
    tells of every comment nobody was told about yet, so comments of a batch whose mail failed
    (mail server down) or found no moderator are told with the next one. No query: this runs
    after every post.
    """
    delay = setting("COMMENTS_NOTIFY_DELAY_SECONDS")
    now = timezone.now()
    # Batches are windows of this clock's time, not of the cache server's: its TTL only
    # clears them away.
    window = int(now.timestamp() // delay)
    key = f"{BATCH_QUEUED}:{window}"
    try:
        # Read first: all but a batch's first post find it queued. An add alone is a write,
        # which in the database cache (no Redis) takes SQLite's write lock on every post.
        first_of_batch = not cache.get(key) and cache.add(key, True, timeout=2 * delay)
    except Exception:  # noqa: BLE001 - without the cache, a mail per comment rather than none
        logger.exception("Could not check for a queued moderator notification")
        first_of_batch = True
    if first_of_batch:
        notify_moderators.using(run_after=now + timedelta(seconds=delay)).enqueue()


def moderator_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    moderators = users.filter(
        Q(is_superuser=True)
        | Q(groups__permissions__codename="moderate_comment")
        | Q(user_permissions__codename="moderate_comment")
    ).distinct()
    return sorted({user.email for user in moderators})


@task()
def notify_moderators() -> int:
    """Mail every moderator once about all pending comments nobody was told about yet."""
    batch = list(Comment.objects.awaiting_notification().select_related("article"))
    recipients = moderator_emails()
    if not batch or not recipients:
        return 0
    subject = f"{len(batch)} new comment{'s' if len(batch) != 1 else ''} awaiting moderation"
    body = render_to_string(
        "comments/email/pending_batch.txt",
        {"comments": batch, "site_url": settings.SITE_URL},
    )
    send_mail(subject, body, None, recipients)
    Comment.objects.filter(pk__in=[comment.pk for comment in batch]).update(
        notified_at=timezone.now()
    )
    return len(batch)
