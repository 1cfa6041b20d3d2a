from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout, Submit
from django import forms
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils.functional import cached_property

from newsportal.front_cache import is_personal
from newsportal.plain_text import without_control_characters

from . import conf, identity, moderation, session, spam, text, tokens
from .models import Comment, CommentReport, Mode
from .threads import REPLIES_CLOSED, reply_target

# What undecodable bytes become when Django decodes a request.
INVALID_TEXT = "\ufffd"

# The line under the form: what happens to a comment once posted, in each moderation mode.
AFTER_POSTING_PRE = "Comments are read by a moderator before they appear."
AFTER_POSTING_KNOWN = (
    "A moderator reads your first comment before it appears; once one is approved, your next "
    "comments from this browser appear at once."
)
NEVER_PUBLISHED = "Your email address is never published."


class PostButton(Submit):
    field_classes = "btn btn-dark"


class WebAddressField(forms.URLField):
    """A web page's address: http or https only (replacing, not adding to, URLField's own
    validator, so that a bad address gets one message rather than two)."""

    default_validators = [URLValidator(schemes=["http", "https"])]


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
    url = WebAddressField(
        label="Website",
        required=False,
        max_length=conf.MAX_URL_LENGTH,
        assume_scheme="https",
        error_messages={
            "invalid": "Please enter a web address starting with http:// or https://",
            "max_length": "Please use a web address of at most %(limit_value)d characters.",
        },
    )
    notify_replies = forms.BooleanField(
        label="E-mail me when someone replies to my comment",
        required=False,
        help_text="We send a confirmation first; every e-mail has a one-click unsubscribe.",
    )
    save_details = forms.BooleanField(
        label="Save my name, email, and website in this browser for the next time I comment.",
        required=False,
    )
    parent = forms.CharField(required=False, widget=forms.HiddenInput)
    issued = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: invisible to people (and to screen readers), irresistible to form-filling
    # bots. A filled one drops the comment silently.
    homepage = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    # A signed-in member of the newsroom's name, which their comment carries (for_article).
    staff_name = ""

    def __init__(self, *args, article, action, client_address=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.client_address = client_address
        # The approved comment this one answers, once `clean_parent` has found it.
        self.reply_to: Comment | None = None
        # The comment this same form already let in, when it is sent again (clean()).
        self.sent_again: Comment | None = None
        self.fields["comment"].widget.attrs["maxlength"] = conf.MAX_BODY_LENGTH
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["url"].widget.attrs["autocomplete"] = "url"
        self.action = action

    @cached_property
    def helper(self) -> FormHelper:
        """How crispy draws the form: built when it is drawn, not for every post (most posts
        are stored and answered without the form, and the note below asks the article's
        moderation mode)."""
        helper = FormHelper(self)
        helper.template = "comments/crispy_form.html"
        helper.form_action = self.action
        helper.form_id = "comment-form"
        helper.attrs = {
            "novalidate": "",
            "data-comment-form": "",
            "data-token-url": reverse("comments:token"),
        }
        helper.layout = Layout(
            Field("comment", placeholder="Please enter your comment!"),
            Div(
                Div(Field("name", placeholder="Please enter your name here"), css_class="col-md-6"),
                Div(Field("email"), css_class="col-md-6"),
                css_class="row",
            ),
            Field("url", placeholder="https://"),
            Field("notify_replies"),
            Field("save_details"),
            Field("parent"),
            Field("issued"),
            Div(Field("homepage"), css_class="hp-field", aria_hidden="true"),
            PostButton("post", "Post Comment"),
            HTML(f'<p class="form-text mt-2">{self.moderation_note} {NEVER_PUBLISHED}</p>'),
        )
        return helper

    @property
    def moderation_note(self) -> str:
        """What happens to a comment once posted, as this article's moderation mode has it."""
        if moderation.article_mode(self.article) == Mode.KNOWN:
            return AFTER_POSTING_KNOWN
        return AFTER_POSTING_PRE

    def refuse(self, error: forms.ValidationError) -> None:
        """Say why the comment was not posted, above the form, which keeps the reader's text as
        sent. A refused token is replaced, so that pressing the button again works."""
        self.is_valid()  # cleaned first: errors are added to a cleaned form
        if getattr(error, "code", None) == "token":
            self.renew_token()
        self.add_error(None, error)

    @classmethod
    def for_article(cls, article, request, data=None) -> "CommentForm":
        """The form under `article`, filled in with the details this browser asked us to keep.

        A page for everyone (front-cached) carries no token: its script fetches one, or the
        reader confirms once (tokens.py). A personal page carries the reader's own.
        """
        client_address = spam.client_ip(request)
        initial = session.saved_author(request)
        user = getattr(request, "user", None)
        staff_name = ""
        if identity.is_staff_commenter(user):  # they comment under their own name
            staff_name = identity.display_name(user)
            initial |= {"name": staff_name, "email": user.email}
        if data is None and is_personal(request):
            initial["issued"] = tokens.issue_token(client_address)
        form = cls(
            data,
            article=article,
            action=reverse("comments:post", kwargs={"article_id": article.pk}),
            initial=initial,
            client_address=client_address,
        )
        form.staff_name = staff_name
        return form

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("homepage"))

    def _clean_text(self, name: str, *, hidden_allowed=False) -> str:
        value = without_control_characters(self.cleaned_data.get(name, ""))
        if INVALID_TEXT in value:
            raise forms.ValidationError(
                "Part of this text could not be read (it was not valid UTF-8). "
                "Please check it and send it again.",
                code="invalid_utf8",
            )
        if not hidden_allowed:
            text.refuse_hidden_characters(value)
        return value.strip()

    def clean_comment(self):
        # Invisible characters have honest uses in running text (Thai word breaks); direction
        # overrides have none a reader would miss, and could reverse the words after them.
        body = "".join(
            char
            for char in self._clean_text("comment", hidden_allowed=True)
            if char not in text.BIDI_CONTROLS
        ).strip()
        if not body:
            raise forms.ValidationError("Please enter your comment!", code="required")
        return body

    def clean_name(self):
        name = self._clean_text("name")
        if not name:
            raise forms.ValidationError("Please enter your name here", code="required")
        return name

    def clean_email(self):
        return self._clean_text("email")

    def clean_url(self):
        return self._clean_text("url")

    def clean_parent(self):
        """The approved comment being answered, found the one way readers may see comments."""
        raw_id = self.cleaned_data.get("parent")
        if not raw_id:
            return None
        self.reply_to = reply_target(self.article, raw_id)
        if self.reply_to is None:
            # Posted as a new comment if sent again: the reader's text is kept either way.
            self.data = self.data.copy()
            self.data["parent"] = ""
            # Said above the form, not beside the (hidden) field.
            self.add_error(None, forms.ValidationError(REPLIES_CLOSED, code="bad_parent"))
        return self.reply_to

    def renew_token(self) -> None:
        """A fresh token in the form sent back, so that pressing the button again works (the
        reader has had the form long enough: a confirming token asks only a second's wait)."""
        self.data = self.data.copy()
        self.data["issued"] = tokens.issue_token(self.client_address, confirm=True)

    def clean(self):
        cleaned = super().clean()
        token = self.data.get("issued", "")
        if problem := tokens.token_problem(token, self.client_address):
            self.renew_token()
            raise forms.ValidationError(problem, code="token")
        if cleaned.get("comment") and cleaned.get("email"):
            duplicate = spam.is_duplicate(
                article_id=self.article.pk, email=cleaned["email"], body=cleaned["comment"]
            )
            if duplicate:
                # The same form sent again (its first answer lost): the comment it let in.
                self.sent_again = tokens.comment_sent_again(
                    token, article_id=self.article.pk, body=cleaned["comment"]
                )
                if self.sent_again is not None:
                    raise forms.ValidationError(tokens.SPENT, code="token")
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


class ReportForm(forms.Form):
    """A reader's report of a comment: why, and a note if they want."""

    reason = forms.ChoiceField(
        label="Why should a moderator look at this comment?",
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose why you are reporting this comment."},
    )
    note = forms.CharField(
        label="Anything a moderator should know (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[text.refuse_hidden_characters],
        error_messages={"max_length": "Please keep the note to %(limit_value)d characters."},
    )

    def clean_note(self):
        return without_control_characters(self.cleaned_data["note"])


class AuthorEditForm(forms.Form):
    """A comment's author changing its text."""

    comment = CommentForm.base_fields["comment"]

    def clean_comment(self):
        body = "".join(
            char
            for char in without_control_characters(self.cleaned_data["comment"])
            if char not in text.BIDI_CONTROLS
        ).strip()
        if INVALID_TEXT in body:
            raise forms.ValidationError(
                "Part of this text could not be read (it was not valid UTF-8). "
                "Please check it and send it again.",
                code="invalid_utf8",
            )
        if not body:
            raise forms.ValidationError("Please enter your comment!", code="required")
        return body
