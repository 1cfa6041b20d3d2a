import hashlib
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from . import conf, text
from .querysets import CommentQuerySet


class Mode(models.TextChoices):
    PRE = "pre", "Pre-moderated: every comment waits for a moderator"
    KNOWN = "known", "Approve authors whose earlier comment from the same browser was approved"
    CLOSED = "closed", "Closed: no new comments"


class HoldReason(models.TextChoices):
    """Why a comment was not approved at once; the detail (which word, how many links) is kept
    beside it in `held_detail`."""

    NONE = "", "—"
    PRE_MODERATION = "pre_moderation", "Pre-moderation"
    FIRST_COMMENT = "first_comment", "First comment"
    LINKS = "links", "Links"
    HELD_WORD = "held_word", "Held word"
    BLOCKED_WORD = "blocked_word", "Blocked word"
    BLOCKED_EMAIL = "blocked_email", "Blocked email"
    BLOCKED_DOMAIN = "blocked_domain", "Blocked domain"
    BLOCKED_IP = "blocked_ip", "Blocked IP address"
    LIKELY_SPAM = "likely_spam", "Likely spam"
    REPORTED = "reported", "Reported by readers"
    IMPERSONATION = "impersonation", "Impersonation"


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    # The top-level comment of the thread (itself for a top-level comment): one query fetches a
    # page of whole threads.
    thread = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+", editable=False
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    # A member of the newsroom who commented signed in: approved at once, shown verified.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    # Checked here as well as in the form: every way in (an import, a script) refuses them.
    name = models.CharField(
        max_length=conf.MAX_NAME_LENGTH, validators=[text.refuse_hidden_characters]
    )
    email = models.EmailField(
        max_length=conf.MAX_EMAIL_LENGTH, validators=[text.refuse_hidden_characters]
    )
    url = models.URLField(
        "website",
        max_length=conf.MAX_URL_LENGTH,
        blank=True,
        validators=[text.refuse_hidden_characters],
    )
    body = models.TextField("comment", max_length=conf.MAX_BODY_LENGTH)
    # The body's words, normalised and hashed: a repeat that differs only in spacing, case or
    # invisible characters is still a repeat.
    body_fingerprint = models.CharField(max_length=64, editable=False, blank=True)

    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    held_reason = models.CharField(
        "reason held", max_length=20, choices=HoldReason, blank=True, db_index=True
    )
    held_detail = models.CharField("rule that matched", max_length=200, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    # When moderators were told about this pending comment (batched mail).
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    # The spam filter's guess when the comment arrived (learning.py): a likelihood from 0 to 1
    # (None while the filter had too few decisions to learn from), the signals that weighed
    # most, and every signal it saw, which the moderator's decision teaches it.
    spam_likelihood = models.FloatField(null=True, blank=True, editable=False)
    spam_reasons = models.JSONField(default=list, blank=True, editable=False)
    spam_signals = models.JSONField(default=list, blank=True, editable=False)
    # What the filter learned from this comment: "spam", "ham", or nothing yet.
    learned_as = models.CharField(max_length=4, blank=True, editable=False)

    # Readers' reports (CommentReport), counted here for the queue's "Reported" tab. Once a
    # moderator dismisses them, the comment stays up and takes no more.
    report_count = models.PositiveIntegerField(default=0, editable=False)
    reports_dismissed = models.BooleanField(default=False, editable=False)
    # When its parent's author was told of it (ReplySubscription), once.
    reply_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When a moderator made it an editors' pick: shown first, with a badge, and on its own.
    featured_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_idx"),
            models.Index(fields=["article", "body_fingerprint"], name="comment_repeat_idx"),
            # The moderation queue: one status, newest first, 50 at a time; and its counts (#8).
            models.Index(fields=["status", "-created_at", "-id"], name="comment_queue_idx"),
            # The comments no moderator was told about yet, which each notification reads
            # (tasks.py), however long the queue of those already told.
            models.Index(
                fields=["status"],
                condition=models.Q(notified_at__isnull=True),
                name="comment_unnotified_idx",
            ),
            # A commenter's history on this site, by e-mail whatever its case: counted from
            # the index alone on PostgreSQL (the e-mail included: an index-only scan needs
            # the column its expression reads). The queue's 50 commenters can have 50,000
            # comments between them: 300-470 -> 23 ms at 1M comments, when the table itself is
            # bigger than the database's memory.
            models.Index(
                Lower("email"), F("status"), include=["email"], name="comment_history_idx"
            ),
            # The queue's "Reported" tab: comments with reports no moderator has dismissed.
            models.Index(
                fields=["-created_at"],
                condition=models.Q(report_count__gt=0, reports_dismissed=False),
                name="comment_reported_idx",
            ),
        ]
        permissions = [("moderate_comment", "Can moderate comments")]

    def __str__(self):
        return f"{self.name} on {self.article}: {self.excerpt}"

    def save(self, *args, **kwargs):
        self.body_fingerprint = body_fingerprint(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_fingerprint"}
        if self.parent_id:
            self.depth = self.parent.depth + 1
            self.thread_id = self.parent.thread_id or self.parent_id
        super().save(*args, **kwargs)
        if not self.parent_id and self.thread_id != self.pk:
            self.thread_id = self.pk
            type(self).objects.filter(pk=self.pk).update(thread=self.pk)

    def get_absolute_url(self):
        """Its permalink: the article's page that shows it, at the comment (threads.page_of)."""
        return reverse("comments:permalink", kwargs={"comment_id": self.pk})

    def editable_by_author(self, own_ids, *, now=None) -> bool:
        """Whether the reader whose browser wrote it (`own_ids`, from their session) may still
        edit or delete it: within COMMENTS_EDIT_WINDOW_SECONDS, while it is shown or waiting."""
        if self.pk not in set(own_ids) or self.status not in (
            self.Status.APPROVED,
            self.Status.PENDING,
        ):
            return False
        window = timedelta(seconds=conf.setting("COMMENTS_EDIT_WINDOW_SECONDS"))
        return (now or timezone.now()) < self.created_at + window

    @property
    def is_verified_staff(self) -> bool:
        return self.user_id is not None

    @property
    def is_featured(self) -> bool:
        return self.featured_at is not None and self.status == self.Status.APPROVED

    @property
    def excerpt(self) -> str:
        text = " ".join(self.body.split())
        return text if len(text) <= 80 else text[:79] + "…"

    @property
    def website(self) -> str:
        """The commenter's website, only if it is an http(s) address: never a script link,
        even for a row written behind the form's back."""
        return self.url if self.url.lower().startswith(("http://", "https://")) else ""

    @property
    def reason(self) -> str:
        """What held the comment, as a moderator reads it: 'Links: 3 links'."""
        if not self.held_reason:
            return ""
        label = HoldReason(self.held_reason).label
        return f"{label}: {self.held_detail}" if self.held_detail else label

    @property
    def report_summary(self) -> str:
        """'3 reports: abusive or hateful ×2, spam', from its reports (prefetched in the queue)."""
        counts = Counter(report.reason for report in self.reports.all())
        total = sum(counts.values())
        if not total:
            return ""
        reasons = ", ".join(
            CommentReport.Reason(reason).label.lower() + (f" ×{n}" if n > 1 else "")
            for reason, n in counts.most_common()
        )
        return f"{total} report{'s' if total != 1 else ''}: {reasons}"

    @property
    def can_be_reported(self) -> bool:
        return self.status == self.Status.APPROVED and not self.reports_dismissed

    @property
    def can_be_replied_to(self) -> bool:
        return self.status == self.Status.APPROVED and self.depth + 1 < conf.setting(
            "COMMENTS_MAX_DEPTH"
        )


def body_fingerprint(body: str) -> str:
    return hashlib.sha256(text.fingerprint(body).encode()).hexdigest()


class ArticleCommentPolicy(models.Model):
    """An article's own moderation mode; articles without one follow the site default."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="comment_policy")
    mode = models.CharField("comments", max_length=10, choices=Mode, default=Mode.PRE)

    class Meta:
        verbose_name = "comment policy"
        verbose_name_plural = "comment policies"

    def __str__(self):
        return f"{self.article}: {self.get_mode_display()}"


class ModerationRule(models.Model):
    """One entry of the lists moderators keep: blocked words, emails, domains, IPs, held words."""

    class Kind(models.TextChoices):
        BLOCKED_WORD = "blocked_word", "Blocked word (→ spam)"
        BLOCKED_EMAIL = "blocked_email", "Blocked email address (→ spam)"
        BLOCKED_DOMAIN = "blocked_domain", "Blocked domain, in email, website or links (→ spam)"
        BLOCKED_IP = "blocked_ip", "Blocked IP address (→ spam)"
        HELD_WORD = "held_word", "Word that holds for review (→ pending)"

    kind = models.CharField(max_length=20, choices=Kind)
    value = models.CharField(
        max_length=200, help_text="Matched without regard to case; words match whole words."
    )
    note = models.CharField(max_length=200, blank=True)
    # The comment a moderator blocked it from, in one click.
    origin = models.ForeignKey(
        "Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="moderation_rule_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs):
        self.value = self.value.strip().lower()
        super().save(*args, **kwargs)


class ModerationDecision(models.Model):
    """The log: who changed a comment, when, from which status to which, and why."""

    class Action(models.TextChoices):
        STATUS = "status", "Status change"
        EDIT = "edit", "Edit (redaction)"
        UNDO = "undo", "Undo"
        FEATURE = "feature", "Made an editors' pick"
        UNFEATURE = "unfeature", "Removed from editors' picks"
        AUTHOR_EDIT = "author_edit", "Edited by its author"
        AUTHOR_DELETE = "author_delete", "Deleted by its author"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="decisions")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action, default=Action.STATUS)
    from_status = models.CharField(max_length=10, choices=Comment.Status)
    to_status = models.CharField(max_length=10, choices=Comment.Status)
    note = models.CharField(max_length=500, blank=True)
    # The text before an edit, so a redaction never loses the original.
    previous_body = models.TextField(blank=True)
    undoes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="undone_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()}: {self.from_status} → {self.to_status}"

    def get_absolute_url(self):
        return reverse("admin:comments_comment_change", args=[self.comment_id])


class ThrottleState(models.Model):
    """Where one client stands against one rate limit (see `throttle.py`).

    Kept in the database, not in a per-process cache: every worker and every server counts
    against the same row, SQLite-only deployments included.
    """

    scope = models.CharField(max_length=40)
    # A keyed hash of the client's address, never the address itself.
    client = models.CharField(max_length=64)
    # GCRA's "theoretical arrival time": the limit is reached while it is more than the
    # window's tolerance ahead of now; in the past, the client has its whole allowance back.
    theoretical_arrival = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "client"], name="throttle_state_once")
        ]

    def __str__(self):
        return f"{self.scope} {self.client[:8]}…: {self.theoretical_arrival:%H:%M:%S}"


class SpentFormToken(models.Model):
    """A comment form token that has let a comment in, and so never will again (tokens.py)."""

    nonce = models.CharField(max_length=32, unique=True)
    expires_at = models.DateTimeField(db_index=True)
    # What it let in: the same form sent again (a retry whose first answer was lost, when a
    # server died between storing the comment and answering) is answered as the first was.
    comment = models.ForeignKey(
        "Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return self.nonce


class ReplySubscription(models.Model):
    """A comment's author asked to be told of replies to it: once they confirm (a mail with a
    signed link: no one can sign someone else up), one mail per batch of approved replies."""

    comment = models.OneToOneField(
        Comment, on_delete=models.CASCADE, related_name="reply_subscription"
    )
    email = models.EmailField(max_length=conf.MAX_EMAIL_LENGTH)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.email}: replies to {self.comment_id}"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class ReplyOptOut(models.Model):
    """An address that asked for no more reply mail from this site, ever."""

    email = models.EmailField(max_length=conf.MAX_EMAIL_LENGTH, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.email


class CommentReport(models.Model):
    """A reader's report of an approved comment: why, and who (as a keyed hash, once each)."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abusive or hateful"
        OFF_TOPIC = "off_topic", "Off-topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=10, choices=Reason)
    note = models.CharField(max_length=300, blank=True, validators=[text.refuse_hidden_characters])
    # A keyed hash of the reader's address: one report per reader, and never the address.
    reader = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reader"], name="comment_report_once")
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.comment}"


class SpamSignal(models.Model):
    """What the moderators' decisions taught the spam filter about one signal (a word, a link's
    domain, an e-mail domain, a fill time…): how many comments that showed it they judged spam
    and how many they approved. The row named `TOTAL` counts the decisions themselves.

    Counts, not a trained model's saved state: a decision changes a few dozen rows in two
    statements, every worker reads the same rows, and nothing loaded can run code.
    """

    TOTAL = "*"

    signal = models.CharField(max_length=120, unique=True)
    spam = models.IntegerField(default=0)
    ham = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.signal}: {self.spam} spam, {self.ham} approved"
