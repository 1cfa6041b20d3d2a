"""Writes of articles that do more than save a row: admin actions and commands call these."""

from datetime import datetime
from pathlib import PurePosixPath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from .models import Article, Image


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


def image_reencode(*, image: Image) -> Image:
    """Store an image again as a new upload is stored: pixels only, under its detected format.

    For pictures saved before uploads were re-encoded, which may still carry metadata (a JPEG
    comment, GPS in EXIF, XMP) or a name that lies about their format. The old original and
    renditions are deleted once the new ones are saved. Raises ValidationError (and changes
    nothing) for a file today's limits refuse.
    """
    old_name = image.file.name
    old_renditions = [rendition["name"] for rendition in image.renditions]
    with default_storage.open(old_name, "rb") as stored:
        upload = ContentFile(stored.read(), name=PurePosixPath(old_name).name)
    image.file = upload
    image.full_clean(exclude=[field.name for field in Image._meta.fields if field.name != "file"])
    image.save()
    kept = {image.file.name, *(rendition["name"] for rendition in image.renditions)}
    for name in {old_name, *old_renditions} - kept:
        default_storage.delete(name)
    return image


def images_reencode() -> tuple[int, list[tuple[Image, ValidationError]]]:
    """Re-encode every stored image; (how many were, [(image, why not) for the others])."""
    done, refused = 0, []
    for image in Image.objects.order_by("pk").iterator():
        try:
            image_reencode(image=image)
        except ValidationError as error:
            refused.append((image, error))
        else:
            done += 1
    return done, refused
