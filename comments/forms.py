from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout, Submit
from django import forms
from django.core.validators import URLValidator

from . import conf, spam
from .models import Comment

INVALID_TEXT = "\ufffd"


class PostButton(Submit):
    field_classes = "btn btn-dark"  # what undecodable bytes become when Django decodes the request


class CommentForm(forms.Form):
    """The form under every article. Field names and messages are part of the product."""

    comment = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=conf.MAX_BODY_LENGTH,
        error_messages={
            "required": "Please enter your comment!",
            "max_length": "Your comment is %(show_value)d characters long; the limit is "
            "%(limit_value)d. Please shorten it.",
        },
    )
    name = forms.CharField(
        label="Name",
        max_length=conf.MAX_NAME_LENGTH,
        error_messages={
            "required": "Please enter your name here",
            "max_length": "Please use a name of at most %(limit_value)d characters.",
        },
    )
    email = forms.EmailField(
        label="Email",
        max_length=conf.MAX_EMAIL_LENGTH,
        help_text="Never shown. Used only if a moderator needs to reach you.",
        error_messages={
            "required": "You have entered an incorrect email address!",
            "invalid": "You have entered an incorrect email address!",
            "max_length": "You have entered an incorrect email address! "
            "It can be at most %(limit_value)d characters.",
        },
    )
    url = forms.URLField(
        label="Website",
        required=False,
        max_length=conf.MAX_URL_LENGTH,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={
            "invalid": "Please enter a web address starting with http:// or https://",
            "max_length": "Please use a web address of at most %(limit_value)d characters.",
        },
    )
    save_details = forms.BooleanField(
        label="Save my name, email, and website in this browser for the next time I comment.",
        required=False,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    issued = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: invisible to people (and to screen readers), irresistible to form-filling
    # bots. A filled one drops the comment silently.
    homepage = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, article, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        if not self.is_bound:
            self.initial.setdefault("issued", spam.issue_token())
        self.fields["comment"].widget.attrs["maxlength"] = conf.MAX_BODY_LENGTH
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["url"].widget.attrs["autocomplete"] = "url"
        self.helper = FormHelper(self)
        self.helper.template = "comments/crispy_form.html"
        self.helper.form_action = action
        self.helper.form_id = "comment-form"
        self.helper.attrs = {"novalidate": "", "data-comment-form": ""}
        self.helper.layout = Layout(
            Field("comment", placeholder="Please enter your comment!"),
            Div(
                Div(Field("name", placeholder="Please enter your name here"), css_class="col-md-6"),
                Div(Field("email"), css_class="col-md-6"),
                css_class="row",
            ),
            Field("url", placeholder="https://"),
            Field("save_details"),
            Field("parent"),
            Field("issued"),
            Div(Field("homepage"), css_class="hp-field", aria_hidden="true"),
            PostButton("post", "Post Comment"),
            HTML(
                '<p class="form-text mt-2">Comments are read by a moderator before they '
                "appear. Your email address is never published.</p>"
            ),
        )

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("homepage"))

    def _clean_text(self, name: str) -> str:
        value = self.cleaned_data.get(name, "")
        if INVALID_TEXT in value:
            raise forms.ValidationError(
                "Part of this text could not be read (it was not valid UTF-8). "
                "Please check it and send it again.",
                code="invalid_utf8",
            )
        return value.strip()

    def clean_comment(self):
        text = self._clean_text("comment")
        if not text:
            raise forms.ValidationError("Please enter your comment!", code="required")
        return text

    def clean_name(self):
        name = self._clean_text("name")
        if not name:
            raise forms.ValidationError("Please enter your name here", code="required")
        return name

    def clean_email(self):
        return self._clean_text("email")

    def clean_url(self):
        return self._clean_text("url")

    def clean(self):
        cleaned = super().clean()
        problem = spam.token_problem(self.data.get("issued", ""))
        if problem:
            # A fresh token, so that sending again works.
            self.data = self.data.copy()
            self.data["issued"] = spam.issue_token()
            raise forms.ValidationError(problem, code="timing")
        if cleaned.get("comment") and cleaned.get("email"):
            duplicate = spam.is_duplicate(
                article_id=self.article.pk, email=cleaned["email"], body=cleaned["comment"]
            )
            if duplicate:
                raise forms.ValidationError(
                    "You have already posted this comment here.", code="duplicate"
                )
        return cleaned


class ModerationForm(forms.ModelForm):
    """The moderator's form for one comment: the text (to redact) and a note for the log."""

    moderation_note = forms.CharField(
        label="Note for the log",
        required=False,
        max_length=500,
        help_text="Optional: why you decided or edited, for the other moderators.",
    )

    class Meta:
        model = Comment
        fields = ["body"]
