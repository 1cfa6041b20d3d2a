"""A live article's updates: short, timestamped, newest first, some pinned as key events."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .. import html
from ..models import Article, Image, TypedText


class LiveUpdateQuerySet(models.QuerySet):
    def public(self, *, now=None):
        """Updates readers may see: published, and their time reached (a later time schedules
        one, which appears by itself then). The article's own state is the caller's to check."""
        return self.filter(
            status=self.model.Status.PUBLISHED, published_at__lte=now or timezone.now()
        )

    def key_events(self, *, now=None):
        return self.public(now=now).filter(is_key_event=True)

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def oldest_first(self):
        return self.order_by("published_at", "pk")

    def next_scheduled_time(self, *, now=None):
        """When the next scheduled update of these goes public, or None."""
        upcoming = self.filter(
            status=self.model.Status.PUBLISHED, published_at__gt=now or timezone.now()
        )
        return upcoming.order_by("published_at").values_list("published_at", flat=True).first()


class LiveUpdate(TypedText):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="live_updates")
    headline = models.CharField(max_length=200, blank=True)
    body = models.TextField(help_text="Stored as sanitised HTML.")
    body_text = models.TextField(blank=True, editable=False)
    image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    byline = models.CharField(
        max_length=120, blank=True, help_text="Who wrote it; empty: the editor who posts it."
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PUBLISHED)
    published_at = models.DateTimeField(
        "time",
        default=timezone.now,
        help_text="A time in the future schedules the update; it appears by itself then.",
    )
    is_key_event = models.BooleanField(
        "key event", default=False, help_text="Listed at the top of the coverage."
    )
    # Set when a published update's words change: readers see "Updated" beside its time.
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LiveUpdateQuerySet.as_manager()

    class Meta:
        app_label = "articles"
        ordering = ["-published_at", "-pk"]
        indexes = [
            # The coverage, a page at a time, newest first; and its key events.
            models.Index(
                fields=["article", "status", "-published_at", "-id"], name="live_update_idx"
            ),
        ]

    def __str__(self):
        return self.headline or self.body_text[:60] or f"Update {self.pk}"

    def save(self, *args, **kwargs):
        self.body = html.sanitise_body(self.body)
        self.body_text = html.body_text(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "articles:live_update", kwargs={"slug": self.article.slug, "update_id": self.pk}
        )

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()
