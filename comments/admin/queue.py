"""The moderation queue: the comment list moderators work through, its bulk actions, and one
comment's page with its buttons and log."""

from dataclasses import dataclass

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponseRedirect
from django.urls import reverse

from .. import history, learning, services
from ..forms import ModerationForm
from ..models import Comment, CommentReport, ModerationRule
from ..querysets import StatusCount
from .columns import QueueColumns
from .filters import ArticleFilter, EditorsPickFilter, SpamLikelihoodFilter
from .log import DecisionInline
from .pages import ModerationPages


@dataclass(frozen=True)
class ModerationMove:
    """A moderation button on a comment's page and the key that presses it (the keyboard hint
    and admin-moderation.js read both from the button)."""

    status: str
    key: str
    label: str


MODERATION_MOVES = [
    ModerationMove(Comment.Status.APPROVED, "a", "Approve"),
    ModerationMove(Comment.Status.REJECTED, "r", "Reject"),
    ModerationMove(Comment.Status.SPAM, "s", "Spam"),
    ModerationMove(Comment.Status.PENDING, "p", "Back to pending"),
]


# What the queue shows of readers' reports: why.
REPORT_REASONS = CommentReport.objects.only("comment", "reason")
# The long texts of an article, which the queue's rows never show.
ARTICLE_TEXT = ["standfirst", "body", "body_text", "correction"]


@admin.register(Comment)
class CommentAdmin(QueueColumns, ModerationPages, admin.ModelAdmin):
    form = ModerationForm
    list_display = [
        "excerpt_column",
        "article_column",
        "commenter_column",
        "reason_column",
        "spam_column",
        "age_column",
        "status",
        "pick_column",
    ]
    list_display_links = ["excerpt_column"]
    list_filter = [
        "status",
        "held_reason",
        EditorsPickFilter,
        SpamLikelihoodFilter,
        ArticleFilter,
        "created_at",
    ]
    search_fields = ["body", "name", "email"]
    ordering = ["-created_at", "-pk"]
    list_select_related = ["article"]
    list_per_page = 50
    # "50 of 1,000,000": counting every comment on each page costs more than the page (#8).
    show_full_result_count = False
    # No date_hierarchy: it reads the creation time of every comment in the list to offer its
    # years and months (30 ms for 30,000 pending); the "created at" filter offers the useful
    # ranges (today, past 7 days, this month, this year) for nothing.
    actions = [
        "approve_selected",
        "reject_selected",
        "mark_selected_as_spam",
        "dismiss_reports_selected",
        "feature_selected",
        "unfeature_selected",
    ]
    inlines = [DecisionInline]
    change_list_template = "admin/comments/comment/change_list.html"

    class Media:
        js = ["js/admin-moderation.js"]

    change_form_template = "admin/comments/comment/change_form.html"
    fieldsets = [
        (None, {"fields": ["status", "reason_column", "spam_guess", "article_column", "parent"]}),
        ("Comment", {"fields": ["body", "moderation_note"]}),
        ("Commenter", {"fields": ["name", "email", "url", "ip_address", "user_agent"]}),
        ("When", {"fields": ["created_at"]}),
    ]
    readonly_fields = [
        "status",
        "reason_column",
        "spam_guess",
        "article_column",
        "parent",
        "name",
        "email",
        "url",
        "ip_address",
        "user_agent",
        "created_at",
    ]

    # --- permissions ---------------------------------------------------------------------

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def has_add_permission(self, request):
        return False  # comments come from readers

    # --- the queue -----------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        # The queue opens on what needs doing: pending comments, newest first.
        if not request.GET and request.method == "GET":
            return HttpResponseRedirect(f"{request.path}?status__exact={Comment.Status.PENDING}")
        counts = Comment.objects.status_counts(Comment.Status.values)
        current = request.GET.get("status__exact", "")
        tabs = [
            {
                "label": label,
                "count": counts[value],
                "url": f"?status__exact={value}",
                "current": current == value,
            }
            for value, label in Comment.Status.choices
        ]
        reported = "reported" in request.GET
        tabs.append(
            {
                "label": "Reported",
                "count": StatusCount(Comment.objects.reported_count()),
                "url": "?reported=1",
                "current": reported,
            }
        )
        tabs.append(
            {
                "label": "All",
                "count": counts["all"],
                "url": "?all=1",
                "current": not current and not reported,
            }
        )
        # A tab alone (on any page, in any order) lists exactly the comments its count counted.
        shown = counts.get(current)
        if shown and not shown.estimated and set(request.GET) <= {"status__exact", "p", "o"}:
            request.queue_count = shown.number
        # The "Spam" column's number for ?o=, where the changelist counts the checkbox too.
        checkbox = 1 if self.get_actions(request) else 0
        spam_order = checkbox + list(self.get_list_display(request)).index("spam_column")
        context = {
            "status_tabs": tabs,
            "spam_filter": learning.knowledge(),
            "spam_order": spam_order,
            "picture": self.picture_html(),
        }
        return super().changelist_view(request, extra_context={**(extra_context or {}), **context})

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article", "parent")

    def get_paginator(self, request, queryset, per_page, **kwargs):
        paginator = super().get_paginator(request, queryset, per_page, **kwargs)
        if (known := getattr(request, "queue_count", None)) is not None:
            paginator.count = known  # the tab's count: not counted a second time
        return paginator

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in ("all", "reported") or super().lookup_allowed(lookup, value, request)

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)

        class QueueChangeList(changelist):
            def get_filters_params(self, params=None):
                params = super().get_filters_params(params)
                params.pop("all", None)  # "All" tab: no status filter
                params.pop("reported", None)  # "Reported" tab: its own filter, below
                return params

            def get_queryset(self, request, exclude_parameters=None):
                # The rows show the article's headline: not its body, nor the parent comment.
                queryset = (
                    super()
                    .get_queryset(request, exclude_parameters)
                    .select_related(None)
                    .select_related("article")
                    .defer(*(f"article__{name}" for name in ARTICLE_TEXT))
                )
                if "reported" in request.GET:
                    queryset = queryset & Comment.objects.reported()
                return queryset

            def get_results(self, request):
                super().get_results(request)
                # Each commenter's history, for the whole page: kept, or counted in one query.
                rows = list(self.result_list)
                # The reasons readers reported them for, read for the rows whose reports wait
                # for an answer: on most pages none, and no query.
                prefetch_related_objects(
                    [row for row in rows if row.report_count and not row.reports_dismissed],
                    Prefetch("reports", queryset=REPORT_REASONS),
                )
                histories = history.decided_histories([row.email for row in rows])
                for row in rows:
                    row.author_history = histories.get(row.email.strip().lower(), {})
                self.result_list = rows

        return QueueChangeList

    # --- actions -------------------------------------------------------------------------

    def _bulk(self, request, queryset, to_status, verb):
        changed = services.comment_moderate_many(
            comments=queryset, to_status=to_status, moderator=request.user
        )
        self.message_user(
            request, f"{verb} {changed} comment{'s' if changed != 1 else ''}.", messages.SUCCESS
        )

    @admin.action(description="Approve selected comments", permissions=["moderate"])
    def approve_selected(self, request, queryset):
        self._bulk(request, queryset, Comment.Status.APPROVED, "Approved")

    @admin.action(description="Reject selected comments", permissions=["moderate"])
    def reject_selected(self, request, queryset):
        self._bulk(request, queryset, Comment.Status.REJECTED, "Rejected")

    @admin.action(description="Mark selected comments as spam", permissions=["moderate"])
    def mark_selected_as_spam(self, request, queryset):
        self._bulk(request, queryset, Comment.Status.SPAM, "Marked as spam:")

    @admin.action(
        description="Dismiss readers' reports (keep the comments up)", permissions=["moderate"]
    )
    def dismiss_reports_selected(self, request, queryset):
        answered = 0
        for comment in queryset.filter(report_count__gt=0, reports_dismissed=False):
            services.comment_reports_dismiss(comment=comment, moderator=request.user)
            answered += 1
        self.message_user(
            request,
            f"Reports dismissed on {answered} comment{'s' if answered != 1 else ''}: "
            "they stay up and take no more reports.",
            messages.SUCCESS,
        )

    @admin.action(description="Make editors' picks", permissions=["moderate"])
    def feature_selected(self, request, queryset):
        self._feature(request, queryset, featured=True)

    @admin.action(description="Remove from editors' picks", permissions=["moderate"])
    def unfeature_selected(self, request, queryset):
        self._feature(request, queryset, featured=False)

    def _feature(self, request, queryset, *, featured: bool):
        changed = skipped = 0
        for comment in queryset:
            try:
                decided = services.comment_feature(
                    comment=comment, featured=featured, moderator=request.user
                )
            except ValidationError:
                skipped += 1
            else:
                changed += bool(decided)
        verb = "Made editors' picks" if featured else "Removed from editors' picks"
        self.message_user(request, f"{verb}: {changed}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} not approved: only an approved comment can be an editors' pick.",
                messages.WARNING,
            )

    # --- one comment ---------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        """An edit is a redaction: it goes through the service, which keeps the original."""
        if change and "body" in form.changed_data:
            new_body = obj.body
            obj.body = form.initial["body"]
            services.comment_redact(
                comment=obj,
                body=new_body,
                moderator=request.user,
                note=form.cleaned_data.get("moderation_note", ""),
            )
            obj.refresh_from_db()

    def response_change(self, request, obj):
        if "_block" in request.POST:
            if not self.has_moderate_permission(request):
                raise PermissionDenied
            kind, _, value = request.POST["_block"].partition(":")
            try:
                rule, created = services.comment_block(
                    comment=obj, kind=kind, value=value, moderator=request.user
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                done = "Now blocked" if created else "Already blocked"
                self.message_user(
                    request,
                    f"{done}: {rule.get_kind_display()} {rule.value}.",
                    messages.SUCCESS if created else messages.INFO,
                )
            return HttpResponseRedirect(request.path)
        if "_feature" in request.POST:
            if not self.has_moderate_permission(request):
                raise PermissionDenied
            featured = request.POST["_feature"] == "1"
            try:
                services.comment_feature(comment=obj, featured=featured, moderator=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                done = "is now an editors' pick" if featured else "is no longer an editors' pick"
                self.message_user(request, f"The comment by {obj.name} {done}.", messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        if "_dismiss_reports" in request.POST:
            if not self.has_moderate_permission(request):
                raise PermissionDenied
            services.comment_reports_dismiss(comment=obj, moderator=request.user)
            self.message_user(
                request, f"Reports on the comment by {obj.name} dismissed.", messages.SUCCESS
            )
            return HttpResponseRedirect(request.path)
        to_status = request.POST.get("_moderate")
        if to_status not in Comment.Status.values:
            return super().response_change(request, obj)
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        services.comment_moderate(
            comment=obj,
            to_status=to_status,
            moderator=request.user,
            note=request.POST.get("moderation_note", "")[:500],
        )
        self.message_user(
            request,
            f"Comment by {obj.name}: {Comment.Status(to_status).label.lower()}.",
            messages.SUCCESS,
        )
        if "_next" in request.POST:
            following = Comment.objects.next_pending(after=obj)
            if following:
                return HttpResponseRedirect(
                    reverse("admin:comments_comment_change", args=[following.pk])
                )
            self.message_user(request, "The pending queue is empty. Well done.", messages.INFO)
        return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["can_moderate"] = self.has_moderate_permission(request)
        if obj is not None:
            context["moderation_moves"] = [
                move for move in MODERATION_MOVES if move.status != obj.status
            ]
            choices = services.block_choices(obj)
            blocked = set(
                ModerationRule.objects.filter(
                    value__in=[choices["email"], choices["ip"], *choices["domains"]]
                ).values_list("kind", "value")
            )
            Kind = ModerationRule.Kind
            offers = [
                (Kind.BLOCKED_EMAIL, "", "e-mail", choices["email"]),
                (Kind.BLOCKED_IP, "", "IP address", choices["ip"]),
                *((Kind.BLOCKED_DOMAIN, d, "links to", d) for d in choices["domains"]),
            ]
            context["block_offers"] = [
                {
                    "value": f"{kind}:{value}" if value else kind,
                    "label": f"{label} {shown}",
                    "blocked": (kind, shown) in blocked,
                }
                for kind, value, label, shown in offers
                if shown
            ]
        context["pending_left"] = Comment.objects.pending().exclude(pk=obj.pk).count() if obj else 0
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
