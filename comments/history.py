"""What became of each commenter's comments here (approved, rejected, spam: decided ones), as
the moderation queue shows it beside every comment, kept in the cache.

A regular has written thousands of comments: counting them for a queue page of regulars took
6-20 ms of its time at 1M comments (#8). A commenter's line changes only when one of their
comments is decided, undone or deleted, or arrives decided; each of those drops it (the
receivers below), at once and again once committed, so the next page counts it afresh.
A new comment waiting for moderation changes nothing here, and costs no cache write.

The spam filter reads the history with pending comments, from the database (learning.py).
"""

import hashlib

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from newsportal.cache_or_nothing import cached_many, drop, keep_many

from .models import Comment

# A backstop for what no receiver sees: comments loaded in bulk (an import), a changed e-mail.
KEPT_SECONDS = 600


def _key(email: str) -> str:
    return "comments:history:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def decided_histories(emails) -> dict[str, dict[str, int]]:
    """{e-mail, lower-cased: {decided status: comments}} for the commenters writing as
    `emails`: from the cache, and one query for those it does not hold."""
    keys = {email: _key(email) for email in {email.strip().lower() for email in emails if email}}
    kept = cached_many(keys.values())
    missing = [email for email, key in keys.items() if key not in kept]
    if missing:
        counted = Comment.objects.history_by_email(missing)
        fresh = {
            keys[email]: {
                status: total
                for status, total in counted.get(email, {}).items()
                if status != Comment.Status.PENDING
            }
            for email in missing
        }
        keep_many(fresh, KEPT_SECONDS)
        kept |= fresh
    return {email: kept[key] for email, key in keys.items()}


def forget(email: str) -> None:
    """Drop the commenter's line: now, for this transaction's own reads, and once committed,
    for a page that counted it meanwhile."""
    key = _key(email.strip().lower())
    drop(key)
    transaction.on_commit(lambda: drop(key))


@receiver(post_save, sender=Comment)
def comment_saved(sender, instance: Comment, created=False, raw=False, **kwargs):
    if not (created and instance.status == Comment.Status.PENDING):
        forget(instance.email)


@receiver(post_delete, sender=Comment)
def comment_deleted(sender, instance: Comment, **kwargs):
    if instance.status != Comment.Status.PENDING:
        forget(instance.email)
