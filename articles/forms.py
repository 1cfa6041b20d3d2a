"""The editors' article form: rich-text body, and a guard against overwriting a colleague."""

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminTextInputWidget
from django.utils.csp import CSP
from django_prose_editor.widgets import AdminProseEditorWidget

from .diffs import field_changes
from .meta import DESCRIPTION_LIMIT, HEADLINE_LIMIT
from .models import Article

# What the body editor offers; the model's sanitiser (articles/html.py) enforces the same set.
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Figure": True,
    "Caption": True,
    "Image": True,
    "History": True,
    "Menu": True,
}

# The body editor (Tiptap) injects its own <style> element; only the pages that show it (the
# article form, live updates' forms) allow that. Scripts stay as strict as everywhere else.
EDITOR_CSP = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}


class ArticleAdminForm(forms.ModelForm):
    # The version this editor started from; see Article.edit_version.
    started_from_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        # No model or fields here: ModelAdmin.get_form makes the form for Article with the
        # fields of ArticleAdmin.fieldsets, the one list of what an editor edits (a Meta.fields
        # would be ignored there, and only repeat it).
        # The editor's desk counts headline and standfirst against what search results and
        # social cards show (static/js/admin-editors-desk.js).
        widgets = {
            "headline": AdminTextInputWidget(
                attrs={
                    "data-char-limit": HEADLINE_LIMIT,
                    "data-char-limit-note": "longer than search results and social cards show",
                }
            ),
            "standfirst": forms.Textarea(
                attrs={
                    "rows": 3,
                    "data-char-limit": DESCRIPTION_LIMIT,
                    "data-char-limit-note": "longer than social cards show",
                }
            ),
            "body": AdminProseEditorWidget(
                config={"extensions": BODY_EDITOR_EXTENSIONS}, preset="configurable"
            ),
            "correction": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.instance.pk:
            self.fields["started_from_version"].initial = self.instance.edit_version

    def check_for_conflict(self, saved_by: str = "") -> None:
        """Refuse a save that would overwrite a newer one, saying what the other save changed.

        The editor's text stays in the form; their next save (having seen the message) wins.
        """
        started_from = self.cleaned_data.get("started_from_version")
        if not self.instance.pk or started_from is None:
            return
        current = Article.objects.select_for_update().get(pk=self.instance.pk)
        if current.edit_version == started_from:
            return
        self.conflict = {
            "saved_by": saved_by or "Someone",
            "saved_at": current.modified_at,
            "changes": field_changes(current, self.cleaned_data, self.changed_data),
        }
        self.data = self.data.copy()
        self.data["started_from_version"] = current.edit_version
        raise forms.ValidationError(
            "%(who)s saved this article after you opened it. Your text is still here; the "
            "differences are listed below. Check them, then save again to keep your version.",
            code="conflict",
            params={"who": self.conflict["saved_by"]},
        )
