"""The moderation pages beside the queue: the 30-day picture, the spam filter, undo."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import SafeString

from newsportal.cache_or_nothing import cached, keep
from newsportal.params import whole_number

from .. import dashboard, learning, services
from ..conf import setting
from ..models import ModerationDecision


class ModerationPages:
    """The extra admin pages of CommentAdmin, mixed in."""

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

    def picture_html(self) -> SafeString:
        """The picture of the last 30 days as the queue shows it (figures, chart, table), drawn
        once for each picture (kept a minute): its table of 30 days was a tenth of the queue's
        time (#8)."""
        picture = dashboard.moderation_picture()
        key = f"{dashboard.CACHE_KEY}:html:{picture.made_at.timestamp()}"
        if (kept := cached(key)) is None:
            kept = render_to_string(
                "admin/comments/comment/picture.html",
                {
                    "picture": picture,
                    "oldest_pending": dashboard.duration(picture.oldest_pending),
                    "median_decision": dashboard.duration(picture.median_decision),
                    "table": [
                        {
                            "day": day.day,
                            "counts": [
                                day.counts.get(status, 0) for status, _, _ in dashboard.SERIES
                            ],
                            "total": day.total,
                        }
                        for day in reversed(picture.days)
                    ],
                },
            )
            keep(key, kept, dashboard.CACHE_SECONDS)
        return SafeString(kept)

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
