"""Writes to live coverage. The admin, the quick editor page and scripts call these; the
front-cache purges follow from the saves (articles/purging.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Article
from .models import LiveUpdate

NOT_LIVE = "This article is not live coverage: mark it live before posting updates."
ENDED = "This live coverage has ended: updates can no longer be posted to it."
# The fields whose change, once an update is public, readers are told of ("Updated").
WORDS = ("headline", "body", "image_id")


def editor_byline(editor) -> str:
    """The name an editor's update carries when they give none."""
    return editor.get_full_name().strip() or editor.get_username()


def _require(editor, permission: str) -> None:
    if editor is None or not editor.has_perm(f"articles.{permission}"):
        raise PermissionDenied("Only editors may change live coverage.")


def live_update_post(
    *,
    article: Article,
    editor,
    body: str,
    headline: str = "",
    image=None,
    byline: str = "",
    is_key_event: bool = False,
    published_at=None,
    status: str = LiveUpdate.Status.PUBLISHED,
) -> LiveUpdate:
    """Post an update to a live article: one row of its own, so editors posting at the same
    moment never overwrite each other. Public at once unless a draft or given a later time."""
    _require(editor, "add_liveupdate")
    if not article.is_live:
        raise ValidationError(NOT_LIVE, code="not_live")
    if not article.live_now:
        raise ValidationError(ENDED, code="ended")
    update = LiveUpdate(
        article=article,
        headline=headline.strip(),
        body=body,
        image=image,
        byline=byline.strip() or editor_byline(editor),
        posted_by=editor,
        is_key_event=is_key_event,
        published_at=published_at or timezone.now(),
        status=status,
    )
    update.full_clean(exclude=["article"])
    update.save()
    return update


@transaction.atomic
def live_update_edit(*, update: LiveUpdate, editor, **changes) -> LiveUpdate:
    """Change an update. A public update whose words change is marked "Updated" for readers;
    pinning it, or moving a draft's time, is not a correction and marks nothing."""
    _require(editor, "change_liveupdate")
    update = LiveUpdate.objects.select_for_update().get(pk=update.pk)
    was_public = update.is_public
    before = {name: getattr(update, name) for name in WORDS}
    for name, value in changes.items():
        setattr(update, name, value)
    update.full_clean(exclude=["article"])
    update.save()  # sanitised here, so the comparison below is of what readers would see
    if was_public and any(getattr(update, name) != before[name] for name in WORDS):
        update.edited_at = timezone.now()
        update.save(update_fields=["edited_at"])
    return update


def live_update_delete(*, update: LiveUpdate, editor) -> None:
    _require(editor, "delete_liveupdate")
    update.delete()


def live_coverage_end(*, article: Article, editor) -> Article:
    """End the coverage now: its updates stay, readers are told it has ended."""
    _require(editor, "change_article")
    # live_now, not "no end time yet": an end an editor set for later is brought forward.
    if article.live_now:
        article.live_ended_at = timezone.now()
        article.save(update_fields=["live_ended_at"])
    return article
