"""Moderators' mail about new pending comments, batched, sent by Django's task framework."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from .conf import setting
from .models import Comment, Status


def schedule_moderator_notification() -> None:
    """Queue one notification for the batch this comment starts; later ones join that batch."""
    waiting = Comment.objects.filter(status=Status.PENDING, notified_at__isnull=True)
    # Whether this comment is the only one waiting: two rows tell, however long the queue.
    if len(waiting.values_list("pk", flat=True)[:2]) == 1:
        delay = setting("COMMENTS_NOTIFY_DELAY_SECONDS")
        notify_moderators.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue()


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
    batch = list(
        Comment.objects.filter(status=Status.PENDING, notified_at__isnull=True)
        .select_related("article")
        .order_by("created_at")
    )
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
