from collections import Counter
from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from articles.admin import ArticleAdmin as BaseArticleAdmin
from articles.models import Article
from newsportal.params import whole_number

from . import dashboard, learning, services
from .conf import setting
from .forms import ModerationForm
from .models import (
    ArticleCommentPolicy,
    Comment,
    CommentReport,
    HoldReason,
    ModerationDecision,
    ModerationRule,
)
from .querysets import StatusCount


class DecisionInline(admin.TabularInline):
    """The log of one comment, newest first, with an undo button for each decision."""

    model = ModerationDecision
    fk_name = "comment"
    extra = 0
    can_delete = False
    fields = ["created_at", "moderator", "action", "change", "note", "previous_body", "undo"]
    readonly_fields = fields
    verbose_name = "decision"
    verbose_name_plural = "moderation log"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Status")
    def change(self, decision):
        return f"{decision.get_from_status_display()} → {decision.get_to_status_display()}"

    @admin.display(description="")
    def undo(self, decision):
        if decision.action == ModerationDecision.Action.UNDO or hasattr(decision, "undone_by"):
            return "—"
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post" '
            'name="_undo" value="{}">Undo</button>',
            reverse("admin:comments_decision_undo", args=[decision.pk]),
            decision.pk,
        )


class ArticleFilter(admin.SimpleListFilter):
    """The articles with the most of the latest waiting comments, and the one chosen (from the
    article list's "Pending" link, say).

    Django's RelatedOnlyFieldListFilter would list every article that has a comment: 100,000
    links at scale, found by a query over every comment (#8). Only the latest LOOKED_AT pending
    comments are looked at, so the filter costs the same however long the queue grows.
    """

    title = "article"
    parameter_name = "article__id__exact"
    SHOWN = 10
    LOOKED_AT = 500

    def lookups(self, request, model_admin):
        latest = Comment.objects.pending().order_by("-created_at", "-pk")
        # Busiest first; between equals, the one with the latest comment.
        waiting = dict(
            Counter(latest.values_list("article", flat=True)[: self.LOOKED_AT]).most_common(
                self.SHOWN
            )
        )
        chosen = whole_number(self.value())
        headlines = dict(
            Article.objects.filter(pk__in=[*waiting, chosen]).values_list("pk", "headline")
        )
        choices = [(pk, f"{headlines[pk]} ({waiting[pk]} pending)") for pk in waiting]
        if chosen in headlines and chosen not in waiting:
            choices.append((chosen, headlines[chosen]))
        return [(str(pk), label) for pk, label in choices]

    def queryset(self, request, queryset):
        chosen = whole_number(self.value())
        return queryset.filter(article_id=chosen) if chosen else queryset


def _history_line(history: dict) -> str:
    """'3 approved · 1 spam': what became of a commenter's comments here, decided ones only."""
    shown = [
        f"{history[status]} {label.lower()}"
        for status, label in Comment.Status.choices
        if status != Comment.Status.PENDING and history.get(status)
    ]
    return " · ".join(shown) or "nothing decided yet"


class EditorsPickFilter(admin.SimpleListFilter):
    title = "editors' pick"
    parameter_name = "pick"

    def lookups(self, request, model_admin):
        return [("yes", "Editors' picks")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.featured()
        return queryset


class SpamLikelihoodFilter(admin.SimpleListFilter):
    """The spam filter's guesses in bands: the moderators' hold threshold is the upper one."""

    title = "spam filter's guess"
    parameter_name = "spam"
    FINE_BELOW = 0.3

    def lookups(self, request, model_admin):
        hold = setting("COMMENTS_SPAM_HOLD_LIKELIHOOD")
        return [
            ("likely", f"Likely spam ({hold:.0%} or more)"),
            ("unsure", f"Unsure ({self.FINE_BELOW:.0%} to {hold:.0%})"),
            ("fine", f"Likely fine (under {self.FINE_BELOW:.0%})"),
            ("none", "Not guessed"),
        ]

    def queryset(self, request, queryset):
        hold = setting("COMMENTS_SPAM_HOLD_LIKELIHOOD")
        bands = {
            "likely": Q(spam_likelihood__gte=hold),
            "unsure": Q(spam_likelihood__gte=self.FINE_BELOW, spam_likelihood__lt=hold),
            "fine": Q(spam_likelihood__lt=self.FINE_BELOW),
            "none": Q(spam_likelihood__isnull=True),
        }
        return queryset.filter(bands[self.value()]) if self.value() in bands else queryset


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
class CommentAdmin(admin.ModelAdmin):
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

    # --- columns -------------------------------------------------------------------------

    @admin.display(description="Comment")
    def excerpt_column(self, comment):
        return comment.excerpt

    @admin.display(description="Commenter", ordering="name")
    def commenter_column(self, comment):
        """Who wrote it, and what became of what they wrote here before."""
        history = getattr(comment, "author_history", None)
        if history is None:  # a single comment's page, or Django's own rows
            history = Comment.objects.history_by_email([comment.email]).get(
                comment.email.strip().lower(), {}
            )
        return format_html(
            '<span class="commenter-name">{}</span>{}<br><span class="commenter-detail">{}'
            '</span><br><span class="commenter-detail">{}</span><br>'
            '<span class="commenter-history">{}</span>',
            comment.name,
            format_html(' <span class="staff-mark">staff</span>')
            if comment.is_verified_staff
            else "",
            comment.email or self.get_empty_value_display(),
            comment.ip_address or self.get_empty_value_display(),
            _history_line(history),
        )

    @admin.display(description="Pick", ordering="featured_at")
    def pick_column(self, comment):
        return "Editors' pick" if comment.is_featured else "—"

    @admin.display(description="Article", ordering="article__headline")
    def article_column(self, comment):
        headline = comment.article.headline
        short = headline if len(headline) <= 48 else headline[:47] + "…"
        return format_html(
            '<a href="{}" title="{}">{}</a>', comment.article.get_absolute_url(), headline, short
        )

    @admin.display(description="Reason held", ordering="held_reason")
    def reason_column(self, comment):
        """Why it waits; and the readers' reports no moderator has answered yet."""
        reports = ""
        if comment.report_count and not comment.reports_dismissed:
            reports = comment.report_summary
        if comment.held_reason == HoldReason.REPORTED or not reports:
            return comment.reason or "—"
        return f"{comment.reason}; {reports}" if comment.reason else reports

    @admin.display(
        description="Spam",
        ordering=F("spam_likelihood").desc(nulls_last=True),  # "most likely spam first"
    )
    def spam_column(self, comment):
        if comment.spam_likelihood is None:
            return "—"
        reasons = "; ".join(
            f"{learning.describe(signal)} ({weight:+.1f})"
            for signal, weight in comment.spam_reasons
        )
        return format_html(
            '<span class="spam-likelihood" title="{}">{}</span>',
            reasons,
            learning.percent(comment.spam_likelihood),
        )

    @admin.display(description="Spam filter's guess")
    def spam_guess(self, comment):
        """The likelihood and each signal that weighed most, for and against."""
        if comment.spam_likelihood is None:
            return "None: the filter had too few decisions to learn from when it arrived."
        return format_html(
            '{} likely to be spam. <ul class="spam-reasons">{}</ul>',
            learning.percent(comment.spam_likelihood).capitalize(),
            format_html_join(
                "",
                '<li>{} <span class="weight">{}</span></li>',
                (
                    (
                        learning.describe(signal),
                        f"{'towards spam' if weight > 0 else 'against spam'} ({weight:+.1f})",
                    )
                    for signal, weight in comment.spam_reasons
                ),
            ),
        )

    @admin.display(description="Age", ordering="created_at")
    def age_column(self, comment, now=None):
        return f"{timesince(comment.created_at, now).split(',')[0]} ago"

    def action_checkbox(self, comment):
        """The row's checkbox for the bulk actions, as Django's own but written directly: 50
        rows of widget templates were a quarter of the queue's time (#8)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="Select this object for an action - {}">',
            helpers.ACTION_CHECKBOX_NAME,
            comment.pk,
            str(comment),
        )

    def queue_rows(self, changelist):
        """The queue's rows, each a list of cells as Django's changelist writes them, for
        `{% queue_result_list %}`.

        Django's own rows look each cell up, format and escape it through several layers and
        resolve the change link's URL again for every row: half of the queue's time (#8). Here
        each cell is one format_html of the same column's method; tests compare the two.
        """
        now = timezone.now()
        # Any text may stand for the id in the change URL: reversed once, filled in per row.
        before_id, _, after_id = reverse("admin:comments_comment_change", args=["0"]).rpartition(
            "/0/"
        )
        if changelist.preserved_filters:
            after_id += f"?{changelist.preserved_filters}"
        cells = {
            "action_checkbox": lambda comment: format_html(
                '<td class="action-checkbox">{}</td>', self.action_checkbox(comment)
            ),
            "excerpt_column": lambda comment: format_html(
                '<th class="field-excerpt_column"><a href="{}">{}</a></th>',
                f"{before_id}/{comment.pk}/{after_id}",
                comment.excerpt,
            ),
            "article_column": lambda comment: format_html(
                '<td class="field-article_column">{}</td>', self.article_column(comment)
            ),
            "commenter_column": lambda comment: format_html(
                '<td class="field-commenter_column">{}</td>', self.commenter_column(comment)
            ),
            "reason_column": lambda comment: format_html(
                '<td class="field-reason_column">{}</td>', self.reason_column(comment)
            ),
            "spam_column": lambda comment: format_html(
                '<td class="field-spam_column">{}</td>', self.spam_column(comment)
            ),
            "age_column": lambda comment: format_html(
                '<td class="field-age_column">{}</td>', self.age_column(comment, now)
            ),
            "pick_column": lambda comment: format_html(
                '<td class="field-pick_column">{}</td>', self.pick_column(comment)
            ),
            "status": lambda comment: format_html(
                '<td class="field-status">{}</td>', comment.get_status_display()
            ),
        }
        columns = [cells[name] for name in changelist.list_display]
        return [[cell(comment) for cell in columns] for comment in changelist.result_list]

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
                "count": StatusCount(Comment.objects.reported().count()),
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
        picture = dashboard.moderation_picture()
        context = {
            "status_tabs": tabs,
            "spam_filter": learning.knowledge(),
            "spam_order": spam_order,
            "picture": picture,
            "oldest_pending": dashboard.duration(picture.oldest_pending),
            "median_decision": dashboard.duration(picture.median_decision),
            "table": [
                {
                    "day": day.day,
                    "counts": [day.counts.get(status, 0) for status, _, _ in dashboard.SERIES],
                    "total": day.total,
                }
                for day in reversed(picture.days)
            ],
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
                # The rows show the article's headline: not its body, nor the parent comment;
                # and the reasons readers reported them for.
                queryset = (
                    super()
                    .get_queryset(request, exclude_parameters)
                    .select_related(None)
                    .select_related("article")
                    .defer(*(f"article__{name}" for name in ARTICLE_TEXT))
                    .prefetch_related(Prefetch("reports", queryset=REPORT_REASONS))
                )
                if "reported" in request.GET:
                    queryset = queryset & Comment.objects.reported()
                return queryset

            def get_results(self, request):
                super().get_results(request)
                # Each commenter's history, for the whole page in one query.
                rows = list(self.result_list)
                histories = Comment.objects.history_by_email([row.email for row in rows])
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

    def get_urls(self):
        return [
            path(
                "moderation-picture.svg",
                self.admin_site.admin_view(self.picture_view),
                name="comments_moderation_picture",
            ),
            path(
                "spam-filter/",
                self.admin_site.admin_view(self.spam_filter_view),
                name="comments_spam_filter",
            ),
            path(
                # Any text may stand where the id goes; the view answers 404 for all but a
                # saved decision's number (an int converter sent "abc" to a confusing redirect).
                "decision/<str:decision_id>/undo/",
                self.admin_site.admin_view(self.undo_view),
                name="comments_decision_undo",
            ),
            *super().get_urls(),
        ]

    def picture_view(self, request):
        """The chart of the queue's picture of the last 30 days, drawn as SVG."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        picture = dashboard.moderation_picture()
        context = {
            "bars": picture.bars(),
            "days": len(picture.days),
            "first": picture.days[0].day,
            "last": picture.days[-1].day,
            "tallest": max(day.total for day in picture.days),
            "width": dashboard.WIDTH,
            "height": dashboard.HEIGHT,
            "full_height": dashboard.HEIGHT + dashboard.AXIS,
            "label_y": dashboard.HEIGHT + 16,
        }
        return TemplateResponse(
            request,
            "admin/comments/comment/picture.svg",
            context,
            content_type="image/svg+xml; charset=utf-8",
        )

    def spam_filter_view(self, request):
        """What the filter has learned, its record, and retraining it from scratch."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            knowledge = learning.retrain()
            self.message_user(
                request,
                f"The spam filter learned again from every decision: {knowledge.spam} comments "
                f"judged spam, {knowledge.ham} approved.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": "Spam filter",
            "opts": self.opts,
            "knowledge": learning.knowledge(),
            "record": learning.record(),
            "least": setting("COMMENTS_SPAM_FILTER_MIN_DECISIONS"),
            "hold_percent": round(setting("COMMENTS_SPAM_HOLD_LIKELIHOOD") * 100),
            "bin_percent": round(setting("COMMENTS_SPAM_LIKELIHOOD") * 100),
        }
        return TemplateResponse(request, "admin/comments/comment/spam_filter.html", context)

    def undo_view(self, request, decision_id):
        decision_pk = whole_number(decision_id)
        if decision_pk is None:
            raise Http404("No such decision.")
        decision = get_object_or_404(ModerationDecision, pk=decision_pk)
        if request.method != "POST" or not self.has_moderate_permission(request):
            raise PermissionDenied
        try:
            services.decision_undo(decision=decision, moderator=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, "Decision undone.", messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:comments_comment_change", args=[decision.comment_id])
        )


@admin.register(ModerationRule)
class ModerationRuleAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "note", "origin_link", "created_at"]
    list_select_related = ["origin"]
    readonly_fields = ["origin_link"]

    @admin.display(description="Blocked from")
    def origin_link(self, rule):
        if rule.origin_id is None:
            return "—"
        return format_html(
            '<a href="{}">comment #{}</a>',
            reverse("admin:comments_comment_change", args=[rule.origin_id]),
            rule.origin_id,
        )

    list_filter = ["kind"]
    search_fields = ["value", "note"]


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    """The whole log, read-only: who decided what, when."""

    list_display = ["created_at", "moderator", "action", "from_status", "to_status", "comment"]
    list_filter = ["action", "to_status", "moderator"]
    list_select_related = ["moderator", "comment"]
    search_fields = ["note", "comment__body"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CommentPolicyInline(admin.StackedInline):
    model = ArticleCommentPolicy
    can_delete = False
    max_num = 1
    verbose_name = "comments on this article"
    verbose_name_plural = "comments on this article (empty: the site default)"


# The comments app adds its policy to the article form; articles itself knows nothing of it.
admin.site.unregister(Article)


@admin.register(Article)
class ArticleAdmin(BaseArticleAdmin):
    inlines = [*BaseArticleAdmin.inlines, CommentPolicyInline]
    list_display = [*BaseArticleAdmin.list_display, "pending_comments", "approved_comments"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                pending_comment_count=Comment.objects.count_per_article(Comment.Status.PENDING),
                approved_comment_count=Comment.objects.count_per_article(Comment.Status.APPROVED),
            )
        )

    @admin.display(description="Pending", ordering="pending_comment_count")
    def pending_comments(self, article):
        if not article.pending_comment_count:
            return 0
        return format_html(
            '<a href="{}?status__exact=pending&article__id__exact={}">{}</a>',
            reverse("admin:comments_comment_changelist"),
            article.pk,
            article.pending_comment_count,
        )

    @admin.display(description="Comments", ordering="approved_comment_count")
    def approved_comments(self, article):
        return article.approved_comment_count
