"""A WordPress export's comments as this site's, threads kept (#10).

Stored under the article their post became, each keyed by its WordPress id in
WordPressOrigin, so that a second run finds them again. WordPress's statuses map to ours;
pingbacks and trackbacks (notices that another site linked here) are not reader comments and
are skipped, counted.
"""

import html
import ipaddress

from django.db import transaction
from django.utils.html import strip_tags

from articles.models import Article, WordPressOrigin
from articles.wordpress.importer import Report, wordpress_time
from articles.wordpress.wxr import WPComment, WPItem
from newsportal.front_cache import purge

from .conf import MAX_BODY_LENGTH, MAX_EMAIL_LENGTH, MAX_NAME_LENGTH, MAX_URL_LENGTH
from .models import Comment, Status, body_fingerprint

STATUSES = {
    "1": Status.APPROVED,
    "0": Status.PENDING,
    "spam": Status.SPAM,
    "trash": Status.REJECTED,
    "post-trashed": Status.REJECTED,  # binned with its post (wp_trash_post_comments)
}
NOT_READER_COMMENTS = {"pingback", "trackback"}
KIND = WordPressOrigin.Kind.COMMENT


def plain_text(content: str) -> str:
    """A comment's text as this site keeps it (plain text, shown escaped): WordPress allows a
    little HTML in comments (links, emphasis), whose words are kept."""
    return html.unescape(strip_tags(content.replace("\r\n", "\n"))).strip()[:MAX_BODY_LENGTH]


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


class CommentImport:
    def __init__(self, site: str, report: Report):
        self.site, self.report = site, report

    @transaction.atomic
    def comments(self, item: WPItem, article: Article) -> None:
        """The post's comments, parents before replies whatever the file's order."""
        known = dict(
            WordPressOrigin.objects.filter(
                site=self.site, kind=KIND, key__in=[str(c.id) for c in item.comments]
            ).values_list("key", "object_id")
        )
        stored: dict[int, Comment] = {
            comment.pk: comment
            for comment in Comment.objects.filter(pk__in=known.values(), article=article)
        }
        by_id = {int(key): stored.get(pk) for key, pk in known.items()}
        waiting = [c for c in item.comments if self._wanted(c, item)]
        created: list[Comment] = []
        while waiting:
            ids = {c.id for c in waiting}
            ready = [c for c in waiting if not c.parent or c.parent not in ids]
            if not ready:  # a loop of replies (a corrupt file): the rest as new threads
                ready = waiting
            for record in ready:
                if by_id.get(record.id) is not None:
                    by_id[record.id] = self._comment(record, article, by_id)
            # New ones a level of the threads at a time, in one statement: an archive's
            # comments are most of an import (#10's benchmark).
            new = [record for record in ready if by_id.get(record.id) is None]
            created += self._insert(new, article, by_id)
            done = {record.id for record in ready}
            waiting = [c for c in waiting if c.id not in done]
        if created:
            self._finish_inserted(created)

    def _wanted(self, record: WPComment, item: WPItem) -> bool:
        if record.type in NOT_READER_COMMENTS:
            self.report.not_imported[f"{record.type}s"] += 1
            return False
        if record.approved not in STATUSES:
            self.report.skipped.append(
                ("comment", f"#{record.id} on #{item.id}", f"unknown status {record.approved!r}")
            )
            return False
        return True

    def _values(self, record: WPComment, parent: Comment | None) -> dict:
        if record.parent and parent is None:
            self.report.notes.append(
                f"comment #{record.id}: its parent #{record.parent} is not in the export; "
                "imported as a new thread"
            )
        url = record.url if record.url.startswith(("http://", "https://")) else ""
        return {
            "parent": parent,
            "name": (record.author or "Anonymous")[:MAX_NAME_LENGTH],
            "email": record.email[:MAX_EMAIL_LENGTH],
            "url": url[:MAX_URL_LENGTH],
            "body": plain_text(record.content),
            "status": STATUSES[record.approved],
            "ip_address": _address(record.ip),
        }

    def _insert(self, records: list[WPComment], article: Article, by_id: dict) -> list[Comment]:
        """New comments whose parents are stored, inserted together (save() and its signals
        are not run: what they derive is set here, and the article purged once)."""
        comments = []
        for record in records:
            parent = by_id.get(record.parent) if record.parent else None
            comment = Comment(article=article, **self._values(record, parent))
            comment.body_fingerprint = body_fingerprint(comment.body)
            if parent is not None:
                comment.depth = parent.depth + 1
                comment.thread_id = parent.thread_id or parent.pk
            comment.imported_when = wordpress_time(record.date_gmt, record.date)
            comment.wordpress_id = record.id
            comments.append(comment)
        Comment.objects.bulk_create(comments)
        for comment in comments:
            by_id[comment.wordpress_id] = comment
            if comment.thread_id is None:
                comment.thread_id = comment.pk
        return comments

    def _finish_inserted(self, comments: list[Comment]) -> None:
        """Threads and dates (created_at is set on insert), origins, counts, the purge."""
        for comment in comments:
            comment.created_at = comment.imported_when or comment.created_at
        Comment.objects.bulk_update(comments, ["thread", "created_at"])
        WordPressOrigin.objects.bulk_create(
            [
                WordPressOrigin(site=self.site, kind=KIND, key=str(c.wordpress_id), object_id=c.pk)
                for c in comments
            ],
            update_conflicts=True,
            unique_fields=["site", "kind", "key"],
            update_fields=["object_id"],
        )
        self.report.created["comments"] += len(comments)
        if any(comment.status == Status.APPROVED for comment in comments):
            purge({f"article-{comments[0].article_id}"})

    def _comment(self, record: WPComment, article: Article, by_id: dict) -> Comment:
        """A comment stored before, as the export has it now."""
        comment = by_id[record.id]
        created = False
        values = self._values(record, by_id.get(record.parent) if record.parent else None)
        changed = created or any(getattr(comment, k) != v for k, v in values.items())
        for name, value in values.items():
            setattr(comment, name, value)
        if changed:
            comment.save()
        when = wordpress_time(record.date_gmt, record.date)
        if when and comment.created_at != when:  # created_at is set on insert: put it back
            Comment.objects.filter(pk=comment.pk).update(created_at=when)
            comment.created_at = when
        self.report.count("comments", "updated" if changed else "unchanged")
        return comment
