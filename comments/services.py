"""Writes that do more than save a row. Views, admin actions, commands and tasks call these."""

from collections.abc import Sequence
from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article

from . import identity, learning, moderation, replies
from .conf import setting
from .models import Comment, CommentReport, HoldReason, ModerationDecision, ModerationRule
from .tasks import schedule_moderator_notification
from .text import link_hosts
from .threads import REPLIES_CLOSED


def comment_submit(**details) -> Comment:
    """Store a reader's comment with the status and reason the moderation policy gives it:
    `comment_prepare`'s comment, stored by `comment_store`. Arguments as for the first."""
    return comment_store(comment_prepare(**details))


def comment_prepare(
    *,
    article: Article,
    name: str,
    email: str,
    body: str,
    url: str = "",
    parent: Comment | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
    author_comment_ids: Sequence[int] = (),
    fill_seconds: float | None = None,
    user=None,
) -> Comment:
    """A reader's comment checked and made, with the status and reason the moderation policy
    gives it, not yet stored. Reads only: a post makes it before its write transaction, which
    then holds only the writes (on SQLite every post waits for that transaction's lock: #8).

    `author_comment_ids` are the comments this author is known to have written: those posted
    from the same browser session. Only they can make an author "known"; an e-mail address
    anyone can type proves nothing. `user`, signed in: a member of the newsroom's comment is
    approved at once under their own name, verified (identity.py); anyone else's is a guest's.
    """
    if not moderation.comments_open(article):
        raise ValidationError("Comments are closed on this article.", code="closed")
    if parent is not None and (parent.article_id != article.pk or not parent.can_be_replied_to):
        raise ValidationError(REPLIES_CLOSED, code="bad_parent")
    staff = user if identity.is_staff_commenter(user) else None
    if staff is not None:
        name = identity.display_name(staff)
        verdict = moderation.Verdict(Comment.Status.APPROVED)
    else:
        verdict = moderation.assess(
            article=article,
            name=name,
            email=email,
            url=url,
            body=body,
            ip=ip_address,
            author_comment_ids=author_comment_ids,
            fill_seconds=fill_seconds,
        )
    comment = Comment(
        article=article,
        parent=parent,
        user=staff,
        name=name.strip(),
        email=email.strip(),
        url=url.strip(),
        body=body.strip(),
        status=verdict.status,
        held_reason=verdict.reason,
        held_detail=verdict.detail[:200],
        ip_address=ip_address,
        user_agent=user_agent[:500],
        spam_likelihood=verdict.guess.likelihood,
        spam_reasons=verdict.guess.reasons,
        spam_signals=list(verdict.signals),
    )
    # The article and parent were passed in as rows already read: checking that they exist
    # would cost a query apiece on every post.
    comment.full_clean(exclude=["thread", "article", "parent"])
    return comment


def comment_store(comment: Comment) -> Comment:
    """Store a comment `comment_prepare` made, and tell whom it concerns once it is committed
    (a moderator of a pending one, the parent's author of an approved reply)."""
    # Both or neither of the save's two writes (the row, then its thread); inside a caller's
    # transaction, that transaction already gives it, without a savepoint's round trips.
    with transaction.atomic(savepoint=False):
        comment.save()
    if comment.status == Comment.Status.PENDING:
        transaction.on_commit(schedule_moderator_notification)
    elif comment.status == Comment.Status.APPROVED:
        replies.approved_reply(comment)
    return comment


def comment_report(
    *, comment: Comment, reader: str, reason: str, note: str = "", own_comment_ids=()
) -> CommentReport:
    """A reader's report of an approved comment, once per reader (`reader`: a keyed hash of
    who they are). The COMMENTS_REPORTS_TO_HIDE-th reader's report hides the comment until a
    moderator looks at it."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.pk in set(own_comment_ids):
            raise ValidationError(
                "This is your own comment. To take it back, ask a moderator.", code="own"
            )
        if not comment.can_be_reported:
            raise ValidationError(
                "This comment can no longer be reported: a moderator has already looked at it.",
                code="closed",
            )
        report = CommentReport(comment=comment, reader=reader, reason=reason, note=note.strip())
        report.full_clean(exclude=["comment"], validate_constraints=False)
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            raise ValidationError(
                "You have already reported this comment. Thank you: a moderator will see it.",
                code="again",
            ) from None
        comment.report_count += 1
        fields = ["report_count"]
        hidden = comment.report_count >= setting("COMMENTS_REPORTS_TO_HIDE")
        if hidden:
            summary = comment.report_summary
            ModerationDecision.objects.create(
                comment=comment,
                from_status=comment.status,
                to_status=Comment.Status.PENDING,
                note=f"Hidden after readers' reports: {summary}"[:500],
            )
            comment.status = Comment.Status.PENDING
            comment.held_reason = HoldReason.REPORTED
            comment.held_detail = summary[:200]
            fields += ["status", "held_reason", "held_detail"]
        comment.save(update_fields=fields)
    if hidden:
        transaction.on_commit(schedule_moderator_notification)
    return report


@transaction.atomic
def comment_reports_dismiss(*, comment: Comment, moderator=None, note: str = ""):
    """Keep a reported comment up: it is approved again if the reports hid it, and takes no
    more reports."""
    _require_moderator(moderator)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status == Comment.Status.PENDING and comment.held_reason == HoldReason.REPORTED:
        comment_moderate(
            comment=comment,
            to_status=Comment.Status.APPROVED,
            moderator=moderator,
            note=note or "Readers' reports dismissed",
        )
        comment.refresh_from_db()
    if not comment.reports_dismissed:
        comment.reports_dismissed = True
        comment.save(update_fields=["reports_dismissed"])
    return comment


@transaction.atomic
def comment_feature(*, comment: Comment, featured: bool = True, moderator=None):
    """Make an approved comment an editors' pick (or no longer one), logged."""
    _require_moderator(moderator)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if featured and comment.status != Comment.Status.APPROVED:
        raise ValidationError("Only an approved comment can be an editors' pick.", code="status")
    if (comment.featured_at is not None) == featured:
        return None
    Action = ModerationDecision.Action
    decision = ModerationDecision.objects.create(
        comment=comment,
        moderator=moderator,
        action=Action.FEATURE if featured else Action.UNFEATURE,
        from_status=comment.status,
        to_status=comment.status,
    )
    comment.featured_at = timezone.now() if featured else None
    comment.save(update_fields=["featured_at"])
    return decision


@transaction.atomic
def comment_author_edit(*, comment: Comment, body: str, own_comment_ids, ip_address=None):
    """Its author's new text, from the browser that wrote it, within the edit window. Every
    check runs again on the new text, as for a new comment: an approved comment whose edit the
    site's rules would hold goes back to the queue. The old text stays in the log."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.editable_by_author(own_comment_ids):
        raise ValidationError(EDIT_WINDOW_CLOSED, code="closed")
    body = body.strip()
    if body == comment.body:
        return comment
    verdict = moderation.assess(
        article=comment.article,
        name=comment.name,
        email=comment.email,
        url=comment.url,
        body=body,
        ip=ip_address or comment.ip_address,
        # Known where the author is (known mode): this comment counts if it was approved.
        author_comment_ids=own_comment_ids,
    )
    if comment.is_verified_staff:
        verdict = moderation.Verdict(Comment.Status.APPROVED)
    # Never approved by an edit: a pending comment stays pending whatever its new text.
    status = verdict.status
    if comment.status == Comment.Status.PENDING and status == Comment.Status.APPROVED:
        status = Comment.Status.PENDING
    ModerationDecision.objects.create(
        comment=comment,
        action=ModerationDecision.Action.AUTHOR_EDIT,
        from_status=comment.status,
        to_status=status,
        previous_body=comment.body,
        note=f"Checked again: {verdict.reason or 'approved'}"[:500],
    )
    comment.body = body
    comment.status = status
    if status != Comment.Status.APPROVED:
        comment.held_reason, comment.held_detail = verdict.reason, verdict.detail[:200]
    comment.spam_likelihood = verdict.guess.likelihood
    comment.spam_reasons = verdict.guess.reasons
    comment.spam_signals = list(verdict.signals)
    comment.full_clean(exclude=["thread", "article", "parent"])
    comment.save()
    if status == Comment.Status.PENDING:
        transaction.on_commit(schedule_moderator_notification)
    return comment


@transaction.atomic
def comment_author_delete(*, comment: Comment, own_comment_ids):
    """Its author takes it back, from the browser that wrote it, within the edit window: it is
    no longer shown (rejected), and the log says who did it."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.editable_by_author(own_comment_ids):
        raise ValidationError(EDIT_WINDOW_CLOSED, code="closed")
    ModerationDecision.objects.create(
        comment=comment,
        action=ModerationDecision.Action.AUTHOR_DELETE,
        from_status=comment.status,
        to_status=Comment.Status.REJECTED,
    )
    comment.status = Comment.Status.REJECTED
    comment.featured_at = None
    comment.save(update_fields=["status", "featured_at"])
    return comment


EDIT_WINDOW_CLOSED = (
    "This comment can no longer be changed from here: a comment can be edited or deleted from "
    "the browser that wrote it, for a few minutes after it was sent. Ask a moderator instead."
)


def comment_block(*, comment: Comment, kind: str, value: str = "", moderator=None):
    """Put the comment's e-mail, IP address or a domain it links to on the moderators' block
    list, with the comment as the entry's origin; (rule, created)."""
    _require_moderator(moderator)
    Kind = ModerationRule.Kind
    choices = block_choices(comment)
    wanted = {Kind.BLOCKED_EMAIL: choices["email"], Kind.BLOCKED_IP: choices["ip"]}.get(kind)
    if kind == Kind.BLOCKED_DOMAIN and value.lower() in choices["domains"]:
        wanted = value.lower()
    if not wanted:
        raise ValidationError("This comment has nothing of that kind to block.", code="nothing")
    by = f" by {moderator}" if moderator else ""
    return ModerationRule.objects.get_or_create(
        kind=kind,
        value=wanted,
        defaults={"origin": comment, "note": f"Blocked{by} from comment #{comment.pk}"[:200]},
    )


def block_choices(comment: Comment) -> dict:
    """What of a comment can be blocked: its e-mail, IP address, and the domains it links to
    (its website's and its text's, not the e-mail's: a mail provider is many people)."""
    website = urlsplit(comment.url).hostname or ""
    domains = [website.lower().removeprefix("www.")] if website else []
    domains += [host for host in link_hosts(comment.body) if host not in domains]
    return {
        "email": comment.email.strip().lower(),
        "ip": comment.ip_address or "",
        "domains": domains,
    }


def _require_moderator(moderator) -> None:
    if moderator is not None and not moderator.has_perm("comments.moderate_comment"):
        raise PermissionDenied("Only moderators can moderate comments.")


@transaction.atomic
def comment_moderate(
    *, comment: Comment, to_status: str, moderator=None, note: str = ""
) -> ModerationDecision | None:
    """Approve, reject, mark as spam (or put back to pending) one comment, and log it."""
    _require_moderator(moderator)
    if to_status not in Comment.Status.values:
        raise ValidationError(f"Unknown status {to_status!r}.")
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status == to_status:
        return None
    decision = ModerationDecision.objects.create(
        comment=comment,
        moderator=moderator,
        from_status=comment.status,
        to_status=to_status,
        note=note,
    )
    fields = ["status"]
    if to_status == Comment.Status.APPROVED and comment.held_reason == HoldReason.REPORTED:
        # A moderator put back what readers' reports hid: those reports are answered.
        comment.reports_dismissed = True
        fields.append("reports_dismissed")
    comment.status = to_status
    comment.save(update_fields=fields)
    learning.learn(comment)
    if to_status == Comment.Status.APPROVED:
        replies.approved_reply(comment)
    return decision


def comment_moderate_many(*, comments, to_status: str, moderator=None, note: str = "") -> int:
    """The bulk action: one decision per comment whose status changes; returns how many did."""
    changed = 0
    for comment in comments:
        if comment_moderate(comment=comment, to_status=to_status, moderator=moderator, note=note):
            changed += 1
    return changed


@transaction.atomic
def comment_redact(*, comment: Comment, body: str, moderator=None, note: str = ""):
    """Edit a comment's text; the original stays in the log."""
    _require_moderator(moderator)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.body == body:
        return None
    decision = ModerationDecision.objects.create(
        comment=comment,
        moderator=moderator,
        action=ModerationDecision.Action.EDIT,
        from_status=comment.status,
        to_status=comment.status,
        note=note,
        previous_body=comment.body,
    )
    comment.body = body
    comment.full_clean(exclude=["thread"])
    comment.save(update_fields=["body"])
    return decision


@transaction.atomic
def decision_undo(*, decision: ModerationDecision, moderator=None) -> ModerationDecision:
    """Reverse one decision: the status goes back (and an edit's text comes back); logged too."""
    _require_moderator(moderator)
    decision = ModerationDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.action == ModerationDecision.Action.UNDO:
        raise ValidationError("An undo cannot itself be undone; make a new decision instead.")
    if hasattr(decision, "undone_by"):
        raise ValidationError("This decision has already been undone.")
    comment = Comment.objects.select_for_update().get(pk=decision.comment_id)
    undo = ModerationDecision(
        comment=comment,
        moderator=moderator,
        action=ModerationDecision.Action.UNDO,
        from_status=comment.status,
        to_status=decision.from_status,
        undoes=decision,
        note=f"Undid: {decision.get_action_display().lower()} by "
        f"{decision.moderator or 'someone'} at {decision.created_at:%Y-%m-%d %H:%M}",
    )
    fields = []
    if decision.action in (ModerationDecision.Action.EDIT, ModerationDecision.Action.AUTHOR_EDIT):
        undo.previous_body = comment.body
        comment.body = decision.previous_body
        fields.append("body")
    elif decision.action == ModerationDecision.Action.FEATURE:
        comment.featured_at = None
        fields.append("featured_at")
    elif decision.action == ModerationDecision.Action.UNFEATURE:
        comment.featured_at = timezone.now()
        fields.append("featured_at")
    if comment.status != decision.from_status:
        comment.status = decision.from_status
        fields.append("status")
    undo.save()
    if fields:
        comment.save(update_fields=fields)
    learning.learn(comment)
    return undo


def comments_erase_ips(*, older_than_days: int | None = None) -> int:
    """Forget the IP addresses of comments older than N days; returns how many were erased."""
    days = setting("COMMENTS_IP_RETENTION_DAYS") if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    return Comment.objects.filter(created_at__lt=cutoff, ip_address__isnull=False).update(
        ip_address=None
    )
