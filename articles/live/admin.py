"""Live coverage in the admin (#13): the article admin's quick editor page, where editors post
and look after a live article's updates, and the admin of the updates themselves.

Every write goes through articles/live/services.py: each post is a row of its own, so several
editors post at once without ever touching the article (or its edit_version)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.views.decorators.csp import csp_override

from newsportal.params import whole_number

from ..forms import EDITOR_CSP
from ..models import Article
from . import services
from .forms import LiveUpdateAdminForm, LiveUpdatePostForm
from .models import LiveUpdate

UPDATES_PER_PAGE = 50


def update_state(update: LiveUpdate) -> str:
    """Draft, Scheduled for …, or Published: what readers see of it, in the newsroom's words."""
    if update.status == LiveUpdate.Status.DRAFT:
        return "Draft"
    if update.published_at > timezone.now():
        return f"Scheduled for {_time(update.published_at)}"
    return "Published"


def state_class(update: LiveUpdate) -> str:
    if update.status == LiveUpdate.Status.DRAFT:
        return "is-draft"
    return "is-scheduled" if update.published_at > timezone.now() else "is-public"


def _time(moment) -> str:
    """14:02 today, "2 Dec, 14:02" on another day (local time)."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return date_format(local, "H:i")
    return date_format(local, "j M, H:i")


def _called(update: LiveUpdate) -> str:
    """The update as a message names it: its time and headline or first words."""
    words = update.headline or update.body_text[:50]
    return f"the update of {_time(update.published_at)} (“{words}”)"


def posted_message(update: LiveUpdate) -> str:
    if update.status == LiveUpdate.Status.DRAFT:
        return "Saved as a draft: readers do not see it until it is published."
    if update.published_at > timezone.now():
        return f"Scheduled for {_time(update.published_at)}: it appears to readers by itself then."
    return f"Posted at {_time(update.published_at)}: readers see it now."


class LiveCoverageAdminMixin:
    """The article admin's live coverage: the quick editor page and ending the coverage."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<str:object_id>/live/", view(self.live_view), name="articles_article_live"),
            path(
                "<str:object_id>/live/end/",
                view(self.live_end_view),
                name="articles_article_live_end",
            ),
            path(
                "<str:object_id>/live/<str:update_id>/key-event/",
                view(self.live_key_event_view),
                name="articles_article_live_key_event",
            ),
            path(
                "<str:object_id>/live/<str:update_id>/publish/",
                view(self.live_publish_view),
                name="articles_article_live_publish",
            ),
            path(
                "<str:object_id>/live/<str:update_id>/delete/",
                view(self.live_delete_view),
                name="articles_article_live_delete",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="End live coverage of selected articles", permissions=["change"])
    def end_live_selected(self, request, queryset):
        ended = [
            services.live_coverage_end(article=article, editor=request.user)
            for article in queryset.filter(is_live=True)
            if article.live_now
        ]
        noun = "article" if len(ended) == 1 else "articles"
        self.message_user(
            request, f"Ended the live coverage of {len(ended)} {noun}.", messages.SUCCESS
        )

    # --- the quick editor page --------------------------------------------------------------

    def live_update_or_404(self, article: Article, update_id: str) -> LiveUpdate:
        pk = whole_number(update_id)
        update = article.live_updates.filter(pk=pk).first() if pk is not None else None
        if update is None:
            raise Http404("No such update of this article.")
        return update

    def live_url(self, article: Article, page=None) -> str:
        url = reverse(f"{self.admin_site.name}:articles_article_live", args=[article.pk])
        number = whole_number(page)
        return f"{url}?page={number}" if number and number > 1 else url

    @method_decorator(csp_override(EDITOR_CSP))
    def live_view(self, request, object_id):
        """A live article's updates, newest first, under a form that posts one in one action."""
        article = self.article_or_404(request, object_id)
        if not request.user.has_perm("articles.add_liveupdate"):
            raise PermissionDenied
        form = LiveUpdatePostForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if form.is_valid():
                try:
                    update = services.live_update_post(
                        article=article, editor=request.user, **form.service_arguments()
                    )
                except ValidationError as error:
                    # Not live, or ended, since the page was opened: the text stays in the form.
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                else:
                    self.message_user(request, posted_message(update), messages.SUCCESS)
                    return HttpResponseRedirect(self.live_url(article))
            else:
                self.message_user(
                    request, "The update was not posted: see the form below.", messages.ERROR
                )
        updates = article.live_updates.newest_first().select_related("image")
        page = Paginator(updates, UPDATES_PER_PAGE).get_page(whole_number(request.GET.get("page")))
        for update in page:
            update.state_label = update_state(update)
            update.state_class = state_class(update)
            update.thumbnail_url = update.image.url_for_width(320) if update.image else ""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": f"Live updates: {article}",
            "subtitle": None,
            "form": form,
            "media": self.media + form.media,
            "page_obj": page,
            "can_change": request.user.has_perm("articles.change_liveupdate"),
            "can_delete": request.user.has_perm("articles.delete_liveupdate"),
            "can_end": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/live.html", context)

    def _live_post(self, request, object_id, update_id=None):
        """The article and update an action names (404 before anything else), POST only."""
        article = self.article_or_404(request, object_id)
        update = self.live_update_or_404(article, update_id) if update_id is not None else None
        if request.method != "POST":
            return article, update, HttpResponseNotAllowed(["POST"])
        return article, update, None

    def live_key_event_view(self, request, object_id, update_id):
        """Pin an update as a key event, or unpin it: one click, and no "Updated" for readers."""
        article, update, refused = self._live_post(request, object_id, update_id)
        if refused:
            return refused
        pin = request.POST.get("key_event") == "1"
        services.live_update_edit(update=update, editor=request.user, is_key_event=pin)
        verb = "Pinned as a key event" if pin else "No longer a key event"
        self.message_user(request, f"{verb}: {_called(update)}.", messages.SUCCESS)
        return HttpResponseRedirect(self.live_url(article, request.POST.get("page")))

    def live_publish_view(self, request, object_id, update_id):
        """Publish a draft: at its own time if that is still to come, otherwise now (on top)."""
        article, update, refused = self._live_post(request, object_id, update_id)
        if refused:
            return refused
        if update.status == LiveUpdate.Status.DRAFT:
            update = services.live_update_edit(
                update=update,
                editor=request.user,
                status=LiveUpdate.Status.PUBLISHED,
                published_at=max(update.published_at, timezone.now()),
            )
        self.message_user(request, posted_message(update), messages.SUCCESS)
        return HttpResponseRedirect(self.live_url(article, request.POST.get("page")))

    def live_delete_view(self, request, object_id, update_id):
        article, update, refused = self._live_post(request, object_id, update_id)
        if refused:
            return refused
        called = _called(update)
        services.live_update_delete(update=update, editor=request.user)
        self.message_user(request, f"Deleted {called}.", messages.SUCCESS)
        return HttpResponseRedirect(self.live_url(article, request.POST.get("page")))

    def live_end_view(self, request, object_id):
        article, _, refused = self._live_post(request, object_id)
        if refused:
            return refused
        if not article.live_now:
            self.message_user(request, "This article's live coverage is not running.")
        else:
            article = services.live_coverage_end(article=article, editor=request.user)
            self.message_user(
                request,
                f"Live coverage ended at {_time(article.live_ended_at)}: readers see that it has "
                "ended, and its updates stay.",
                messages.SUCCESS,
            )
        if request.POST.get("return_to") == "live":
            return HttpResponseRedirect(self.live_url(article))
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:articles_article_change", args=[article.pk])
        )


class LiveUpdateStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published")]

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case "draft":
                return queryset.filter(status=LiveUpdate.Status.DRAFT)
            case "scheduled":
                return queryset.filter(status=LiveUpdate.Status.PUBLISHED, published_at__gt=now)
            case "published":
                return queryset.public(now=now)
        return queryset


class LiveArticleFilter(admin.SimpleListFilter):
    """The live articles only: every article of the archive would be a useless list."""

    title = "live article"
    parameter_name = "article"

    def lookups(self, request, model_admin):
        live = Article.objects.filter(is_live=True).order_by("-published_at")
        return [(str(pk), headline) for pk, headline in live.values_list("pk", "headline")[:30]]

    def queryset(self, request, queryset):
        pk = whole_number(self.value())
        return queryset.filter(article_id=pk) if pk is not None else queryset


# Set by the quick editor page's Edit links: after saving, the editor is sent back there.
FROM_LIVE = "from"


@admin.register(LiveUpdate)
class LiveUpdateAdmin(admin.ModelAdmin):
    """Every live update of every article; posts and edits go through the services, so a public
    update's correction is marked "Updated" for readers."""

    form = LiveUpdateAdminForm
    list_display = ["published_at", "article", "summary", "state", "is_key_event", "byline"]
    list_display_links = ["published_at", "summary"]
    list_filter = [LiveUpdateStateFilter, "is_key_event", LiveArticleFilter]
    search_fields = ["headline", "body_text", "byline", "article__headline"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["article", "image"]
    list_select_related = ["article"]
    fields = [
        "article",
        "headline",
        "body",
        "image",
        "is_key_event",
        "status",
        "published_at",
        "byline",
    ]

    def get_readonly_fields(self, request, obj=None):
        # An update stays with the coverage it was posted to.
        return ["article", "posted_by", "edited_at", "created_at"] if obj else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return [*self.fields, "posted_by", "edited_at", "created_at"]

    @admin.display(description="Update")
    def summary(self, update):
        return update.headline or update.body_text[:80] or "—"

    @admin.display(description="State", ordering="status")
    def state(self, update):
        state = update_state(update)
        return f"{state} · updated" if update.edited_at else state

    @method_decorator(csp_override(EDITOR_CSP))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if change:
            return form_class

        class NewUpdateForm(form_class):
            def clean(self):
                cleaned = super().clean()
                article = cleaned.get("article")
                if article is not None and not article.live_now:
                    message = services.ENDED if article.is_live else services.NOT_LIVE
                    self.add_error("article", message)
                return cleaned

        return NewUpdateForm

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in self.fields}
            saved = services.live_update_edit(update=obj, editor=request.user, **changes)
        else:
            saved = services.live_update_post(
                article=data["article"],
                editor=request.user,
                body=data["body"],
                headline=data["headline"],
                image=data["image"],
                byline=data["byline"],
                is_key_event=data["is_key_event"],
                published_at=data["published_at"],
                status=data["status"],
            )
        # The admin logs and redirects with the object it passed in.
        for field in LiveUpdate._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.live_update_delete(update=obj, editor=request.user)

    def delete_queryset(self, request, queryset):
        for update in queryset:
            services.live_update_delete(update=update, editor=request.user)

    def response_change(self, request, obj):
        if request.GET.get(FROM_LIVE) == "live" and "_continue" not in request.POST:
            self.message_user(request, f"Saved {_called(obj)}.", messages.SUCCESS)
            url = reverse(f"{self.admin_site.name}:articles_article_live", args=[obj.article_id])
            return HttpResponseRedirect(f"{url}#update-{obj.pk}")
        return super().response_change(request, obj)
