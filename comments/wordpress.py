"""A WordPress export's comments as this site's, threads kept (#10).

Stored under the article their post became, each keyed by its WordPress id in
WordPressOrigin, so that a second run finds them again. WordPress's statuses map to ours;
pingbacks and trackbacks (notices that another site linked here) are not reader comments and
are skipped, counted.
"""

import html
import ipaddress

from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import Article, WordPressOrigin
from articles.wordpress.importer import Report, wordpress_time
from articles.wordpress.wxr import WPComment, WPItem
from newsportal.front_cache import purge

from .conf import MAX_BODY_LENGTH, MAX_EMAIL_LENGTH, MAX_NAME_LENGTH, MAX_URL_LENGTH
from .models import Comment, body_fingerprint

STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REJECTED,
    "post-trashed": Comment.Status.REJECTED,  # binned with its post (wp_trash_post_comments)
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
        records = [c for c in item.comments if self._wanted(c, item)]
        new = [record for record in records if by_id.get(record.id) is None]
        if new:
            self._insert(new, article, by_id)
        new_ids = {record.id for record in new}
        for record in records:
            if record.id not in new_ids:
                by_id[record.id] = self._comment(record, article, by_id)

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

    def _insert(self, records: list[WPComment], article: Article, by_id: dict) -> None:
        """A post's new comments in one statement, then their threads and dates in one more:
        an archive's comments are most of an import (#10's benchmark). save() and its signals
        are not run: what they derive is set here, and the article purged once."""
        new_ids = {record.id for record in records}
        parent_of: dict[int, int] = {}
        for record in records:
            if record.parent in new_ids or by_id.get(record.parent) is not None:
                parent_of[record.id] = record.parent
            else:
                parent_of[record.id] = 0
                if record.parent:
                    self.report.notes.append(
                        f"comment #{record.id}: its parent #{record.parent} is not in the "
                        "export; imported as a new thread"
                    )
        _break_loops(parent_of)
        comments = [Comment(article=article, **self._values(r, None)) for r in records]
        for comment in comments:
            comment.body_fingerprint = body_fingerprint(comment.body)
        Comment.objects.bulk_create(comments)
        new = {record.id: comment for record, comment in zip(records, comments, strict=True)}

        def place(wordpress_id: int) -> tuple[int, int]:
            """(thread, depth) of a new comment, from its parent's."""
            comment = new[wordpress_id]
            if comment.depth is None:
                parent = parent_of[wordpress_id]
                if not parent:
                    comment.thread_id, comment.depth = comment.pk, 0
                elif parent in new:
                    comment.parent_id = new[parent].pk
                    thread, depth = place(parent)
                    comment.thread_id, comment.depth = thread, depth + 1
                else:
                    stored = by_id[parent]
                    comment.parent_id = stored.pk
                    comment.thread_id, comment.depth = (
                        stored.thread_id or stored.pk,
                        stored.depth + 1,
                    )
            return comment.thread_id, comment.depth

        for comment in comments:
            comment.depth = None
        for record in records:
            place(record.id)
        now = timezone.now()
        dates = {r.id: wordpress_time(r.date_gmt, r.date) or now for r in records}
        _update_placed(
            [(c.pk, c.parent_id, c.thread_id, c.depth, dates[i]) for i, c in new.items()]
        )
        for wordpress_id, comment in new.items():
            comment.created_at = dates[wordpress_id]
            by_id[wordpress_id] = comment
        WordPressOrigin.objects.bulk_create(
            [
                WordPressOrigin(site=self.site, kind=KIND, key=str(i), object_id=c.pk)
                for i, c in new.items()
            ],
            update_conflicts=True,
            unique_fields=["site", "kind", "key"],
            update_fields=["object_id"],
        )
        self.report.created["comments"] += len(comments)
        if any(comment.status == Comment.Status.APPROVED for comment in comments):
            purge({f"article-{article.pk}"})

    def _comment(self, record: WPComment, article: Article, by_id: dict) -> Comment:
        """A comment stored before, as the export has it now."""
        comment = by_id[record.id]
        values = self._values(record, by_id.get(record.parent) if record.parent else None)
        changed = any(getattr(comment, k) != v for k, v in values.items())
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


def _break_loops(parent_of: dict[int, int]) -> None:
    """A loop of replies (a corrupt file) is cut where it closes: that comment starts a thread."""
    for start in parent_of:
        seen, current = {start}, parent_of[start]
        while current in parent_of and current not in seen:
            seen.add(current)
            current = parent_of[current]
        if current == start:
            parent_of[start] = 0


def _update_placed(rows: list[tuple]) -> None:
    """(id, parent, thread, depth, created_at) of each comment, in one statement: created_at is
    set to now on insert, and Django's bulk_update writes a CASE of every row, which costs more
    than the insert itself. UPDATE … FROM (VALUES …) runs on SQLite 3.33+ and PostgreSQL, which
    both name the columns column1, column2…"""
    if not rows:
        return
    table = connection.ops.quote_name(Comment._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    parameters = [
        value
        for pk, parent, thread, depth, when in rows
        for value in (pk, parent, thread, depth, connection.ops.adapt_datetimefield_value(when))
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET parent_id = CAST(v.column2 AS INTEGER), "  # noqa: S608
            "thread_id = CAST(v.column3 AS INTEGER), depth = CAST(v.column4 AS INTEGER), "
            f"created_at = v.column5 FROM (VALUES {values}) AS v WHERE {table}.id = v.column1",
            parameters,
        )
