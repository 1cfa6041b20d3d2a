from django import template
from django.contrib.admin.templatetags.admin_list import (
    result_headers,
    result_hidden_fields,
)
from django.utils.safestring import SafeString

register = template.Library()


@register.inclusion_tag("admin/change_list_results.html")
def queue_result_list(changelist):
    """Django's `{% result_list %}` for the comment queue: its headers, the rows written by
    CommentAdmin.queue_rows, each row's cells joined into one string (Django's template writes
    a row's items one after another: one item a row spares it 400 of them a page)."""
    headers = list(result_headers(changelist))
    return {
        "cl": changelist,
        "result_hidden_fields": list(result_hidden_fields(changelist)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": [
            [SafeString("".join(row))] for row in changelist.model_admin.queue_rows(changelist)
        ],
    }
