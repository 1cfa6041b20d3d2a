from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.conf import setting
from comments.models import Comment
from comments.tasks import notify_moderators
from tests.factories import CommentFactory, superuser

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderators(moderator):
    """Who is told of new comments: a moderator and a superuser (a reader with an account is
    not)."""
    superuser("boss")
    get_user_model().objects.create_user("reader", "reader@example.org", "pw")
    return moderator


def test_posting_queues_one_batched_notification_and_sends_no_mail_itself(
    article, post_comment, moderators, django_capture_on_commit_callbacks
):
    """Posting never waits for mail: it only queues a task, once per batch."""
    delay = setting("COMMENTS_NOTIFY_DELAY_SECONDS")
    start_of_a_batch = (int(timezone.now().timestamp()) // delay + 1) * delay
    with time_machine.travel(start_of_a_batch + 1):
        for n in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                post_comment(article, comment=f"Pending {n}", email=f"r{n}@example.org")
    assert mail.outbox == []
    queued = DBTaskResult.objects.all()
    assert queued.count() == 1
    assert queued.get().run_after >= timezone.now() + timedelta(seconds=delay)


def test_a_batch_nobody_could_be_told_about_is_told_with_the_next(
    article, post_comment, django_capture_on_commit_callbacks
):
    """No moderator yet (or the mail server down): the next batch's mail tells of both."""
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(article, comment="Before anyone moderates", email="a@example.org")
    assert notify_moderators.call() == 0 and mail.outbox == []
    superuser("boss")
    later = timezone.now() + timedelta(seconds=setting("COMMENTS_NOTIFY_DELAY_SECONDS") + 1)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        post_comment(article, comment="The next batch", email="b@example.org")
    assert DBTaskResult.objects.count() == 2
    assert notify_moderators.call() == 2
    assert mail.outbox[0].subject == "2 new comments awaiting moderation"


def test_the_task_mails_every_moderator_once_about_the_whole_batch(article, moderators):
    CommentFactory.create_batch(3, article=article, status=Comment.Status.PENDING)
    CommentFactory(article=article, status=Comment.Status.APPROVED)
    assert notify_moderators.call() == 3
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "3 new comments awaiting moderation"
    assert sorted(message.to) == ["boss@example.org", "moderator@example.org"]
    assert article.headline in message.body
    assert "/admin/comments/comment/?status__exact=pending" in message.body
    assert notify_moderators.call() == 0  # nobody is told twice
    assert len(mail.outbox) == 1
    assert not Comment.objects.filter(
        status=Comment.Status.PENDING, notified_at__isnull=True
    ).exists()


def test_erase_ips_older_than_n_days(article):
    old = CommentFactory(article=article, ip_address="203.0.113.1")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))
    recent = CommentFactory(article=article, ip_address="203.0.113.2")
    call_command("erase_comment_ips")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ip_address is None
    assert recent.ip_address == "203.0.113.2"
    call_command("erase_comment_ips", days=0)
    recent.refresh_from_db()
    assert recent.ip_address is None
