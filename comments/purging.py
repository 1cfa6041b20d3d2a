"""Which front-cache keys a change to comments touches: the article's page, and every list that
shows the article (its comment count), all of which carry `article-<id>` (articles/purging.py).

A pending comment changes no public page (its author sees it on their own, never-cached page);
approving, rejecting, editing or deleting one that is or was approved does.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from newsportal.front_cache import purge

from .models import ArticleCommentPolicy, Comment

_BEFORE = "_front_cache_before"


@receiver(pre_save, sender=Comment)
def remember_comment_before(sender, instance: Comment, raw=False, **kwargs):
    if not raw and instance.pk:
        setattr(instance, _BEFORE, Comment.objects.filter(pk=instance.pk).values("status").first())


@receiver(post_save, sender=Comment)
def comment_saved(sender, instance: Comment, raw=False, **kwargs):
    before = getattr(instance, _BEFORE, None)
    if raw:
        return
    if instance.status == Comment.Status.APPROVED or (
        before and before["status"] == Comment.Status.APPROVED
    ):
        purge({f"article-{instance.article_id}"})


@receiver(post_delete, sender=Comment)
def comment_deleted(sender, instance: Comment, **kwargs):
    if instance.status == Comment.Status.APPROVED:
        purge({f"article-{instance.article_id}"})


@receiver([post_save, post_delete], sender=ArticleCommentPolicy)
def comment_policy_changed(sender, instance: ArticleCommentPolicy, raw=False, **kwargs):
    # Opening or closing comments shows or hides the form on the article's page.
    if not raw:
        purge({f"article-{instance.article_id}"})
