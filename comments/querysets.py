"""Reads of comments: what readers see, what moderators work through."""

from dataclasses import dataclass

from django.db import connections, models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower

from newsportal.cache_or_nothing import cached, keep

# Counting comments of one status reads one index entry each: at a million comments the
# approved ones alone take ~60 ms to count, on every opening of the moderation queue (#8).
# Above this many (by the database's statistics), a status's count is the statistics' estimate.
EXACT_COUNT_LIMIT = 20_000
ESTIMATES_CACHE_KEY = "comments:status-estimates"
ESTIMATES_CACHE_SECONDS = 60


@dataclass(frozen=True)
class StatusCount:
    number: int
    estimated: bool = False

    def __str__(self):
        return f"≈{self.number:,}" if self.estimated else str(self.number)


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=self.model.Status.APPROVED)

    def pending(self):
        return self.filter(status=self.model.Status.PENDING)

    def awaiting_notification(self):
        """Pending comments no moderator has been told about yet, oldest first (tasks.py)."""
        return self.pending().filter(notified_at__isnull=True).order_by("created_at")

    def next_pending(self, *, after=None):
        """The newest pending comment other than `after`: where "save and next" leads."""
        pending = self.pending()
        if after is not None:
            pending = pending.exclude(pk=after.pk)
        return pending.order_by("-created_at", "-pk").first()

    def count_per_article(self, status: str):
        """A correlated count of the outer article row's comments in `status`: a list of
        articles gets it without a query per row or a join that multiplies rows."""
        counted = (
            self.filter(article=OuterRef("pk"), status=status)
            .order_by()
            .values("article")
            .annotate(total=Count("*"))  # COUNT(*): an index-only scan needs no id
            .values("total")
        )
        return Coalesce(Subquery(counted), 0)

    def featured(self):
        """Editors' picks that readers see: approved, in the order they were written."""
        return self.approved().filter(featured_at__isnull=False).order_by("created_at", "pk")

    def history_by_email(self, emails) -> dict[str, dict[str, int]]:
        """{e-mail, lower-cased: {status: comments}} for the commenters writing as `emails`,
        whatever the case they typed, in one query (an index on the lower-cased e-mail)."""
        if not any(emails):
            return {}
        histories: dict[str, dict[str, int]] = {}
        for email, status, total in self.history_by_email_query(emails):
            histories.setdefault(email, {})[status] = total
        return histories

    def history_by_email_query(self, emails):
        """(e-mail lower-cased, status, comments) rows; read from one index (models.py)."""
        wanted = {email.strip().lower() for email in emails if email}
        return (
            self.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=wanted)
            .values_list("email_lower", "status")
            .annotate(total=Count("*"))  # not the key: the index alone answers
            # The index's own order: PostgreSQL counts each commenter's entries as it reads
            # them, instead of hashing every entry (a regular has thousands: 20 -> 9 ms for a
            # queue page of them at 1M comments, #8).
            .order_by("email_lower", "status")
        )

    def reported(self):
        """Comments readers reported that still wait for a moderator's answer: shown, or hidden
        by the reports, with the reports not dismissed."""
        return self.filter(
            report_count__gt=0,
            reports_dismissed=False,
            status__in=[self.model.Status.APPROVED, self.model.Status.PENDING],
        )

    def reported_count(self) -> int:
        """How many comments `reported()` lists, read from their partial index alone. With the
        statuses in the WHERE clause, SQLite walks every approved comment by the status index
        instead (11 ms at 20,000 comments, on every opening of the queue)."""
        Status = self.model.Status
        return self.filter(report_count__gt=0, reports_dismissed=False).aggregate(
            n=Count("pk", filter=Q(status__in=[Status.APPROVED, Status.PENDING]))
        )["n"]

    def visible_to(self, own_ids=()):
        """Approved comments, plus the reader's own comments still awaiting moderation."""
        Status = self.model.Status
        return self.filter(
            Q(status=Status.APPROVED) | Q(pk__in=list(own_ids), status=Status.PENDING)
        )

    def approved_counts(self, article_ids) -> dict[int, int]:
        """{article id: approved comments} for a list of articles, in one query."""
        rows = (
            self.approved()
            .filter(article_id__in=article_ids)
            .values("article_id")
            .annotate(total=Count("*"))  # COUNT(*): an index-only scan needs no id
            .values_list("article_id", "total")
        )
        return dict(rows)

    def status_counts(self, statuses) -> dict[str, StatusCount]:
        """{status: count} for every status in `statuses`, and "all": their sum.

        Exact where counting is cheap; on PostgreSQL, a status with more than
        EXACT_COUNT_LIMIT comments is estimated from the planner's statistics (refreshed by
        autovacuum), marked as such. The moderation queue's own status, pending, is small.
        """
        estimates = self._estimated_status_counts()
        large = {status for status in statuses if estimates.get(status, 0) > EXACT_COUNT_LIMIT}
        exact = dict(
            self.filter(status__in=[status for status in statuses if status not in large])
            .values("status")
            .annotate(total=Count("*"))  # COUNT(*): an index-only scan needs no id
            .values_list("status", "total")
            .order_by()
        )
        counts = {
            status: StatusCount(estimates[status], estimated=True)
            if status in large
            else StatusCount(exact.get(status, 0))
            for status in statuses
        }
        counts["all"] = StatusCount(
            sum(count.number for count in counts.values()), estimated=bool(large)
        )
        return counts

    def _estimated_status_counts(self) -> dict[str, int]:
        """{status: rows} as PostgreSQL's statistics have it; {} where there are none. Kept
        for a minute: statistics change only when autovacuum analyses the table, and reading
        them was a tenth of the queue's database time (#8)."""
        connection = connections[self.db]
        if connection.vendor != "postgresql":
            return {}
        if (kept := cached(ESTIMATES_CACHE_KEY)) is not None:
            return kept
        estimates = self._read_estimated_status_counts(connection)
        keep(ESTIMATES_CACHE_KEY, estimates, ESTIMATES_CACHE_SECONDS)
        return estimates

    def _read_estimated_status_counts(self, connection) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT c.reltuples, s.most_common_vals::text::text[], s.most_common_freqs
                FROM pg_class c
                JOIN pg_stats s ON s.schemaname = current_schema()
                    AND s.tablename = c.relname AND s.attname = 'status'
                WHERE c.oid = %s::regclass
                """,
                [self.model._meta.db_table],
            )
            row = cursor.fetchone()
        if row is None or row[0] < 0 or row[1] is None:  # never analysed
            return {}
        rows, values, frequencies = row
        return {
            value: round(rows * frequency)
            for value, frequency in zip(values, frequencies, strict=True)
        }
