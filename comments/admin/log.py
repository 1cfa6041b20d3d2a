"""The moderation log: one comment's decisions on its page (with undo), and the whole log."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from ..models import ModerationDecision


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
