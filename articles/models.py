from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from newsportal.plain_text import without_control_characters

from . import html, images
from .querysets import STATES, ArticleQuerySet, state_of


class TypedText(models.Model):
    """Every text field as the site stores it: without control characters, whatever was
    pasted (they are invisible on the page and break the feeds and sitemaps that carry it)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._drop_control_characters()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # Before the checks, so that "required" and "unique" judge what will be stored.
        self._drop_control_characters()
        super().clean_fields(exclude=exclude)

    def _drop_control_characters(self) -> None:
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(field, models.CharField | models.TextField) and isinstance(value, str):
                setattr(self, field.attname, without_control_characters(value))


class Section(TypedText):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the navigation and on the home page (lowest first)."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class Tag(TypedText):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})


class Author(TypedText):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    bio = models.TextField(blank=True)
    email = models.EmailField(blank=True, help_text="For the newsroom; never shown on the site.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


def image_upload_to(instance, filename):
    return f"images/{timezone.now():%Y/%m}/{filename}"


class Image(TypedText):
    """A picture with its words (alt text, caption, credit) and its responsive renditions."""

    # A FileField, not an ImageField: ImageField's form field judges a file by its name's
    # extension and has one message for every refusal, and the model field reads the size of
    # whatever is assigned with every format Pillow knows, raising on a decompression bomb.
    # images.py judges the content (whatever the name says) and sets width and height.
    file = models.FileField(upload_to=image_upload_to, validators=[images.validate_image_file])
    alt_text = models.CharField(
        max_length=250, help_text="What the picture shows, for readers who cannot see it."
    )
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=150, blank=True)
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    # Made once when the file changes, so page views never resize anything.
    renditions = models.JSONField(default=list, editable=False)
    rendered_name = models.CharField(max_length=255, editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.alt_text

    def save(self, *args, **kwargs):
        if self._has_new_upload:  # saved without full_clean() (scripts, the demo loader)
            self.file = images.master_file(self.file)
        picture = None
        if self.file and not self.file._committed:
            picture = self.file.file.picture
            self.width, self.height = picture.size
        super().save(*args, **kwargs)
        if self.file and self.rendered_name != self.file.name:
            self.width, self.height, self.renditions = images.make_renditions(
                self.file.name, key=str(self.pk), picture=picture
            )
            self.rendered_name = self.file.name
            super().save(update_fields=["width", "height", "renditions", "rendered_name"])

    @property
    def _has_new_upload(self) -> bool:
        """A file assigned but not yet made into its stored master (see images.master_file)."""
        return bool(
            self.file
            and not self.file._committed
            and not isinstance(self.file.file, images.MasterFile)
        )

    def clean_fields(self, exclude=None):
        """The fields' checks; then a new upload that passed them becomes its stored master.

        Decoding happens here, not in save(), so what only decoding finds (damaged data, an
        animation over the limits) reaches the editor as a message on the form.
        """
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "file" not in errors and "file" not in (exclude or ()) and self._has_new_upload:
            try:
                self.file = images.master_file(self.file)
            except ValidationError as error:
                errors["file"] = error.error_list
        if errors:
            raise ValidationError(errors)

    def sources(self, image_format: str) -> list[dict]:
        return [r for r in self.renditions if r["format"] == image_format]

    @property
    def fallback_format(self) -> str:
        formats = [r["format"] for r in self.renditions if r["format"] != "webp"]
        return formats[0] if formats else "webp"

    def srcset(self, image_format: str) -> str:
        return ", ".join(
            f"{default_storage.url(r['name'])} {r['width']}w" for r in self.sources(image_format)
        )

    def url_for_width(self, width: int, image_format: str | None = None) -> str:
        """The smallest rendition at least `width` wide (or the largest there is)."""
        candidates = self.sources(image_format or self.fallback_format)
        if not candidates:
            return self.file.url
        for rendition in candidates:
            if rendition["width"] >= width:
                return default_storage.url(rendition["name"])
        return default_storage.url(candidates[-1]["name"])

    @property
    def largest_url(self) -> str:
        return self.url_for_width(10_000)


@dataclass(frozen=True)
class SourceCredit:
    """Where syndicated copy came from; every part optional."""

    name: str
    url: str
    author: str

    def __bool__(self):
        return bool(self.name or self.url or self.author)

    @property
    def label(self) -> str:
        """The outlet's name, or the original's host when only the URL is known."""
        if self.name:
            return self.name
        if self.url:
            return urlsplit(self.url).hostname or ""
        return ""

    def as_schema(self) -> dict:
        work = {"@type": "CreativeWork"}
        if self.url:
            work["url"] = self.url
        if self.name:
            work["publisher"] = {"@type": "Organization", "name": self.name}
        if self.author:
            work["author"] = {"@type": "Person", "name": self.author}
        return work


class Article(TypedText):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    headline = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    standfirst = models.TextField(
        max_length=600, blank=True, help_text="The one- or two-sentence summary under the headline."
    )
    body = models.TextField(blank=True, help_text="Stored as sanitised HTML.")
    body_text = models.TextField(blank=True, editable=False)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    authors = models.ManyToManyField(Author, through="Byline", blank=True, related_name="articles")

    source_name = models.CharField(
        "source", max_length=150, blank=True, help_text="Agency or outlet the copy comes from."
    )
    source_url = models.URLField("original URL", max_length=500, blank=True)
    source_author = models.CharField("original author", max_length=150, blank=True)
    source_is_canonical = models.BooleanField(
        "original is canonical",
        default=False,
        help_text="Point search engines at the original instead of this page.",
    )

    featured_image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_lead = models.BooleanField(
        "lead story", default=False, help_text="Show large at the top of the home page."
    )

    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        db_index=True,
        help_text="A time in the future schedules the article; it appears by itself then.",
    )
    updated_at = models.DateTimeField(
        "updated",
        null=True,
        blank=True,
        help_text="Shown to readers as “Updated …” after a substantive change.",
    )
    correction = models.TextField("correction note", blank=True)

    # Live coverage (#13): updates posted under the article, newest first, reach readers
    # without a reload; ending it keeps them and says the coverage has ended.
    is_live = models.BooleanField(
        "live coverage",
        default=False,
        help_text="Post timestamped updates under the article; readers see them arrive.",
    )
    live_ended_at = models.DateTimeField(
        "live coverage ended",
        null=True,
        blank=True,
        help_text="Set to end the coverage: readers see “This live coverage has ended”.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    # Raised by every save; an editor's form carries the number it started from, so a save
    # over someone else's newer one is noticed instead of silently overwriting it.
    edit_version = models.PositiveIntegerField(default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        # Every reader's list is "published, newest first" over some slice of the archive. Each
        # index holds the whole order, tie-break included, so a page (or a count, or the ids of
        # page 2,000) is read from the index alone (#8).
        indexes = [
            # Home, feeds, sitemaps, "Latest" and related articles' neighbours.
            models.Index(fields=["status", "-published_at", "-id"], name="article_published_idx"),
            models.Index(
                fields=["section", "status", "-published_at", "-id"], name="article_section_idx"
            ),
            # The home page's lead: the newest pinned story, else the newest.
            models.Index(
                fields=["status", "-is_lead", "-published_at", "-id"], name="article_lead_idx"
            ),
            # The sitemap index's "last modified": few articles are ever updated.
            models.Index(
                fields=["-updated_at"],
                condition=models.Q(updated_at__isnull=False),
                name="article_updated_idx",
            ),
        ]
        permissions = [("publish_article", "Can publish and unpublish articles")]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = html.sanitise_body(self.body)
        self.body_text = html.body_text(self.body)
        if not self.slug:
            self.slug = slugify(self.headline)[:200]
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        if self.pk:
            self.edit_version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "edit_version"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def state(self) -> str:
        """Draft, Scheduled or Published, as the newsroom says it."""
        return state_of(self)

    @property
    def is_public(self) -> bool:
        """Readers can see it now: the row published() would find."""
        return self.state == STATES["published"]

    @property
    def live_now(self) -> bool:
        """Live coverage that has not ended: readers watch for new updates."""
        return self.is_live and (self.live_ended_at is None or self.live_ended_at > timezone.now())

    @property
    def is_scheduled(self) -> bool:
        """Published, with a time still to come: the row scheduled() would find."""
        return self.state == STATES["scheduled"]

    def clean(self):
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        if self.source_is_canonical and not self.source_url:
            raise ValidationError(
                {"source_is_canonical": "Give the original URL to make the original canonical."}
            )

    @property
    def source(self) -> SourceCredit:
        return SourceCredit(self.source_name, self.source_url, self.source_author)

    @property
    def byline_authors(self) -> list[Author]:
        return [byline.author for byline in self.bylines.all()]

    @property
    def summary(self) -> str:
        """The standfirst, or the body's opening words when there is none."""
        if self.standfirst:
            return self.standfirst
        words = self.body_text.split()
        return " ".join(words[:40]) + ("…" if len(words) > 40 else "")


class Byline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_author_once")
        ]

    def __str__(self):
        return f"{self.author} on {self.article}"


class RelatedLink(TypedText):
    """An editor's pick for "Related Articles": another article here, or an external page."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    position = models.PositiveSmallIntegerField(default=0)
    target = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="article on this site",
    )
    url = models.URLField("external URL", max_length=500, blank=True)
    title = models.CharField(
        max_length=200, blank=True, help_text="Needed for an external URL; optional otherwise."
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (models.Q(target__isnull=False) & models.Q(url=""))
                    | (models.Q(target__isnull=True) & ~models.Q(url=""))
                ),
                name="related_link_target_or_url",
                violation_error_message="Pick an article on this site or give an external URL.",
            )
        ]

    def __str__(self):
        return self.title or str(self.target or self.url)

    def clean(self):
        if self.target_id and self.url:
            raise ValidationError("Pick an article on this site or give an external URL, not both.")
        if not self.target_id and not self.url:
            raise ValidationError("Pick an article on this site or give an external URL.")
        if self.url and not self.title:
            raise ValidationError({"title": "An external link needs a title."})
        if self.target_id and self.target_id == self.article_id:
            raise ValidationError({"target": "An article cannot be related to itself."})


# Kept beside the code that uses them (#10); imported here so that Django finds them.
from .live.models import LiveUpdate  # noqa: E402, F401
from .pages import Page  # noqa: E402, F401
from .redirects import Redirect  # noqa: E402, F401
from .wordpress.models import WordPressOrigin  # noqa: E402, F401
