"""The moderators' lists: blocked words, e-mails, domains and addresses, held words."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from ..models import ModerationRule


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
