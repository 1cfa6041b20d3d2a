"""Writes of articles that do more than save a row: admin actions and commands call these."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .models import Article


def _require(user, permission: str) -> None:
    if user is not None and not user.has_perm(permission):
        raise PermissionDenied


@transaction.atomic
def article_publish(*, article: Article, user=None, at: datetime | None = None) -> Article:
    """Publish now, or schedule for `at` (or for the article's own future time, if it has one).

    An article that already has a publication time keeps it: one taken down and put back is the
    same story, not a new one. Scheduling needs no cron: the article appears by itself.
    """
    _require(user, "articles.publish_article")
    article = Article.objects.select_for_update().get(pk=article.pk)
    if at is not None:
        article.published_at = at
    elif article.published_at is None:
        article.published_at = timezone.now()
    article.status = Article.Status.PUBLISHED
    article.full_clean()
    article.save()
    return article


@transaction.atomic
def article_unpublish(*, article: Article, user=None) -> Article:
    """Take an article off the site (back to draft); its publication time is kept."""
    _require(user, "articles.publish_article")
    article = Article.objects.select_for_update().get(pk=article.pk)
    article.status = Article.Status.DRAFT
    article.save()
    return article
