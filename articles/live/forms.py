"""The editors' forms for live updates: the quick editor page's one-action form, and the
LiveUpdate admin's. The body is edited with the article body's editor and the same allow-list."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminTextInputWidget, AutocompleteSelect
from django_prose_editor.widgets import AdminProseEditorWidget

from .. import html
from ..forms import BODY_EDITOR_EXTENSIONS
from .models import LiveUpdate


def body_editor():
    return AdminProseEditorWidget(
        config={"extensions": BODY_EDITOR_EXTENSIONS}, preset="configurable"
    )


def clean_update_body(body: str) -> str:
    """The body as it will be stored; an editor's empty paragraph is no update."""
    body = html.sanitise_body(body)
    if not html.body_text(body).strip():
        raise forms.ValidationError("Write the update first.", code="required")
    return body


class LiveUpdatePostForm(forms.ModelForm):
    """Everything an update needs, posted in one action (articles/live/services.py posts it).

    The time is optional: empty, the update is stamped with the moment it is posted, not the
    moment the form was opened (an editor may write for ten minutes)."""

    published_at = forms.DateTimeField(
        label="Time",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Empty: now. A later time schedules the update.",
    )
    as_draft = forms.BooleanField(
        label="Save as draft", required=False, help_text="Readers do not see it until published."
    )

    class Meta:
        model = LiveUpdate
        fields = ["headline", "body", "image", "is_key_event", "published_at"]
        widgets = {
            "headline": AdminTextInputWidget(attrs={"placeholder": "Optional"}),
            "body": body_editor(),
            # The same picker as the article's featured image (ImageAdmin's search_fields).
            "image": AutocompleteSelect(LiveUpdate._meta.get_field("image"), admin.site),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].help_text = ""
        self.fields["body"].help_text = ""

    def clean_body(self):
        return clean_update_body(self.cleaned_data["body"])

    def service_arguments(self) -> dict:
        """The keyword arguments of live_update_post, from the cleaned form."""
        data = self.cleaned_data
        return {
            "headline": data["headline"],
            "body": data["body"],
            "image": data["image"],
            "is_key_event": data["is_key_event"],
            "published_at": data["published_at"],
            "status": LiveUpdate.Status.DRAFT if data["as_draft"] else LiveUpdate.Status.PUBLISHED,
        }


class LiveUpdateAdminForm(forms.ModelForm):
    """The LiveUpdate admin's form (its fields come from LiveUpdateAdmin.fields)."""

    class Meta:
        widgets = {"body": body_editor()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and "published_at" in self.fields:
            # As on the quick page: empty is the moment it is posted.
            self.fields["published_at"].required = False
            self.fields["published_at"].initial = None
            self.fields["published_at"].help_text = "Empty: now. A later time schedules it."

    def clean_body(self):
        return clean_update_body(self.cleaned_data["body"])
