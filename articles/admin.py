from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.csp import csp_override
from reversion.admin import VersionAdmin
from reversion.models import Version

from newsportal.params import whole_number

from . import services
from .diffs import version_changes
from .forms import EDITOR_CSP, ArticleAdminForm
from .live.admin import LiveCoverageAdminMixin
from .models import Article, Author, Byline, Image, RelatedLink, Section, Tag
from .pages import Page
from .querysets import STATES
from .redirects import Redirect


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "email"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "alt_text", "credit", "width", "height", "created_at"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["thumbnail", "width", "height"]
    fields = ["file", "thumbnail", "alt_text", "caption", "credit", "width", "height"]
    # The file picker offers pictures; the content is judged on upload (articles/images.py).
    formfield_overrides = {
        models.FileField: {
            "widget": AdminFileWidget(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})
        }
    }

    @admin.display(description="Preview")
    def thumbnail(self, image):
        if not image.pk or not image.file:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="120" loading="lazy">',
            image.url_for_width(320),
            image.alt_text,
        )


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    autocomplete_fields = ["author"]
    verbose_name = "author in the byline"
    verbose_name_plural = "byline (in order)"


class RelatedLinkInline(admin.TabularInline):
    model = RelatedLink
    fk_name = "article"
    extra = 0
    # Narrow inputs, so the whole row fits the form's column on a laptop screen.
    formfield_overrides = {
        models.URLField: {"widget": forms.URLInput(attrs={"size": 28})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 24})},
        models.PositiveSmallIntegerField: {
            "widget": forms.NumberInput(attrs={"class": "vSmallField"})
        },
    }
    autocomplete_fields = ["target"]
    fields = ["position", "target", "url", "title"]
    verbose_name_plural = "related links (editors' picks, in order; the rest is filled in)"


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return list(STATES.items())

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.drafts()
            case "scheduled":
                return queryset.scheduled()
            case "published":
                return queryset.published()
        return queryset


# The comments app extends this admin with its policy inline and comment counts, and registers
# its subclass in this one's place (comments/admin/articles.py): articles knows nothing of it.
@admin.register(Article)
class ArticleAdmin(LiveCoverageAdminMixin, VersionAdmin):
    form = ArticleAdminForm
    list_display = ["headline", "section", "state_column", "published_at"]
    list_filter = [StateFilter, "section", "tags", "is_lead", "is_live"]
    search_fields = ["headline", "standfirst", "body_text"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "tags", "featured_image"]
    inlines = [BylineInline, RelatedLinkInline]
    list_select_related = ["section"]
    actions = ["publish_selected", "unpublish_selected", "end_live_selected"]
    save_on_top = True
    object_history_template = "admin/articles/article/object_history.html"
    change_form_template = "admin/articles/article/change_form.html"
    fieldsets = [
        (None, {"fields": ["headline", "standfirst", "body", "section", "tags"]}),
        ("Picture", {"fields": ["featured_image"]}),
        (
            "Publishing",
            {
                "fields": ["status", "published_at", "is_lead", "updated_at", "correction"],
                "description": "A publication time in the future schedules the article: it "
                "appears by itself at that time.",
            },
        ),
        (
            "Live coverage",
            {
                "fields": ["is_live", "live_ended_at"],
                "description": "A live article carries short, timestamped updates, posted on its "
                "quick editor page (“Live updates”, above, once saved) and seen by readers as "
                "they arrive.",
            },
        ),
        (
            "Advanced",
            {
                "classes": ["collapse"],
                "fields": [
                    "slug",
                    "source_name",
                    "source_url",
                    "source_author",
                    "source_is_canonical",
                    "started_from_version",
                ],
            },
        ),
    ]

    @admin.display(description="State", ordering="status")
    def state_column(self, article):
        return article.state

    @method_decorator(csp_override(EDITOR_CSP))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    # --- publishing ----------------------------------------------------------------------

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    @admin.action(
        description="Publish selected articles (or schedule, if timed)", permissions=["publish"]
    )
    def publish_selected(self, request, queryset):
        for article in queryset:
            services.article_publish(article=article, user=request.user)
        self._report(request, "Published or scheduled", queryset.count())

    @admin.action(
        description="Unpublish selected articles (back to draft)", permissions=["publish"]
    )
    def unpublish_selected(self, request, queryset):
        for article in queryset:
            services.article_unpublish(article=article, user=request.user)
        self._report(request, "Unpublished", queryset.count())

    def _report(self, request, verb: str, count: int) -> None:
        noun = "article" if count == 1 else "articles"
        self.message_user(request, f"{verb} {count} {noun}.", messages.SUCCESS)

    # --- saving without losing anyone's work ---------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        admin_self = self

        class GuardedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if not getattr(request, "_restoring_revision", False):
                    self.check_for_conflict(saved_by=admin_self.last_saved_by(self.instance))
                return cleaned

        return GuardedForm

    def last_saved_by(self, article) -> str:
        if not article.pk:
            return ""
        version = Version.objects.get_for_object(article).select_related("revision__user").first()
        user = version.revision.user if version else None
        return (user.get_full_name() or user.get_username()) if user else ""

    def render_change_form(self, request, context, *args, **kwargs):
        form = context["adminform"].form
        context["conflict"] = getattr(form, "conflict", None)
        return super().render_change_form(request, context, *args, **kwargs)

    # --- revisions: compare two ----------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="articles_article_compare",
            ),
            # Ahead of reversion's pattern, whose (\d+) sent "history/abc/" to a confusing
            # redirect and let "١٢" through: the view answers 404 for all but a version's number.
            path(
                "<str:object_id>/history/<str:version_id>/",
                self.admin_site.admin_view(self.revision_view),
                name="articles_article_revision",
            ),
            *super().get_urls(),
        ]

    def article_or_404(self, request, object_id: str) -> Article:
        """The article an admin URL names, or 404 for anything but a saved article's id.

        Only ASCII digits count: Django's own lookup reads "١٢" as 12, and a NUL or "1.5" reached
        the database as they were, a 500 (#7).
        """
        pk = whole_number(unquote(object_id))
        article = self.get_object(request, str(pk)) if pk is not None else None
        if article is None:
            raise Http404("No article with that id.")
        return article

    def compare_view(self, request, object_id):
        article = self.article_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = Version.objects.get_for_object(article).select_related("revision__user")
        try:
            older = versions.get(pk=whole_number(request.GET.get("from")))
            newer = versions.get(pk=whole_number(request.GET.get("to")))
        except Version.DoesNotExist:
            raise Http404("Pick two saved versions of this article to compare.") from None
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "older": older,
            "newer": newer,
            "changes": version_changes(older, newer),
            "title": f"Compare versions of “{article}”",
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def history_view(self, request, object_id, extra_context=None):
        article = self.article_or_404(request, object_id)
        versions = Version.objects.get_for_object(article).select_related(
            "revision", "revision__user"
        )
        return super().history_view(
            request, str(article.pk), {**(extra_context or {}), "versions": versions}
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        article = self.article_or_404(request, object_id)
        version_pk = whole_number(version_id)
        if version_pk is None:
            raise Http404("No such version of this article.")
        request._restoring_revision = True  # an explicit restore is not a conflict
        return super().revision_view(request, str(article.pk), str(version_pk), extra_context)


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    """Old addresses (a WordPress site's, after the move) and where they lead."""

    list_display = ["old_path", "leads_to", "created_at"]
    search_fields = ["old_path", "article__headline", "url"]
    autocomplete_fields = ["article", "section", "tag", "author"]
    fields = ["old_path", "article", "section", "tag", "author", "url"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article", "section", "tag", "author")

    @admin.display(description="Leads to")
    def leads_to(self, redirect):
        return (
            redirect.article or redirect.section or redirect.tag or redirect.author or redirect.url
        )


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    """Pages outside the news (About us, Contact), at the addresses they are read at."""

    list_display = ["title", "path", "is_published", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["title", "path"]
    fields = ["title", "path", "is_published", "body"]
