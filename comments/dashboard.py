"""The moderation queue's picture of the last 30 days (#11), read in a second: comments received
per day by what became of them, the oldest comment still waiting, the median time to a
decision, and how often moderators overturned the spam filter. Drawn by the site itself as SVG,
with the same figures as a table."""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from newsportal.cache_or_nothing import cached, keep

from . import learning
from .models import Comment, ModerationDecision

DAYS = 30
# Drawn bottom to top, in these colours (readable on white, told apart without colour too: the
# table says the same, and each bar has its own title).
SERIES = [
    (Comment.Status.APPROVED, "Approved", "#2e7d32"),
    (Comment.Status.PENDING, "Still pending", "#b26b00"),
    (Comment.Status.REJECTED, "Rejected", "#6d4c41"),
    (Comment.Status.SPAM, "Spam", "#b71c1c"),
]
# Named for the shape of what is kept (a Picture with made_at): code that reads another shape
# must not find it there while a deploy rolls out.
CACHE_KEY = "comments:moderation-picture:2"
CACHE_SECONDS = 60
WIDTH, HEIGHT, BAR_GAP, AXIS = 600, 140, 2, 24


@dataclass(frozen=True)
class Day:
    day: date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Picture:
    days: list[Day]
    oldest_pending: timedelta | None
    median_decision: timedelta | None
    record: learning.Record
    # When it was drawn: what it is kept by, with its HTML (admin/pages.py).
    made_at: datetime

    @property
    def received(self) -> int:
        return sum(day.total for day in self.days)

    def totals(self) -> list[tuple[str, str, str, int]]:
        return [
            (status, label, colour, sum(day.counts.get(status, 0) for day in self.days))
            for status, label, colour in SERIES
        ]

    def totals_in_words(self) -> str:
        """The totals as the chart's alt text reads them: "4 approved, 1 still pending, ..."."""
        return ", ".join(f"{total} {label.lower()}" for _, label, _, total in self.totals())

    def bars(self) -> list[dict]:
        """Each day's stacked bar, as SVG rectangles."""
        tallest = max((day.total for day in self.days), default=0) or 1
        width = WIDTH / len(self.days)
        bars = []
        for index, day in enumerate(self.days):
            top = HEIGHT
            pieces = []
            for status, _label, colour in SERIES:
                count = day.counts.get(status, 0)
                if not count:
                    continue
                height = count / tallest * HEIGHT
                top -= height
                pieces.append({"y": round(top, 2), "height": round(height, 2), "colour": colour})
            summary = ", ".join(
                f"{day.counts[status]} {label.lower()}"
                for status, label, _ in SERIES
                if day.counts.get(status)
            )
            bars.append(
                {
                    "x": round(index * width + BAR_GAP / 2, 2),
                    "width": round(width - BAR_GAP, 2),
                    "pieces": pieces,
                    "title": f"{day.day:%-d %b}: {summary or 'none'}",
                }
            )
        return bars


def moderation_picture(now=None) -> Picture:
    """The last 30 days, kept for a minute (the queue opens on it: it costs its queries once a
    minute, not on every opening)."""
    if now is None and (kept := cached(CACHE_KEY)) is not None:
        return kept
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = today - timedelta(days=DAYS - 1)
    since = now - timedelta(days=DAYS)
    # Received per day, by what each comment is now: one query for every series.
    counts: dict[date, dict[str, int]] = {}
    rows = (
        Comment.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values_list("day", "status")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for day, status, total in rows:
        counts.setdefault(day, {})[status] = total
    dates = [first + timedelta(days=n) for n in range(DAYS)]
    days = [Day(day, counts.get(day, {})) for day in dates]
    oldest = Comment.objects.pending().aggregate(oldest=Min("created_at"))["oldest"]
    # Each comment's first decision in these days, against the time it arrived.
    first_decisions = (
        ModerationDecision.objects.filter(
            created_at__gte=since,
            action=ModerationDecision.Action.STATUS,
            from_status=Comment.Status.PENDING,
        )
        .values("comment")
        .annotate(decided=Min("created_at"), arrived=Min("comment__created_at"))
        .values_list("decided", "arrived")
    )
    waits = [(decided - arrived).total_seconds() for decided, arrived in first_decisions]
    picture = Picture(
        days=days,
        oldest_pending=now - oldest if oldest else None,
        median_decision=timedelta(seconds=statistics.median(waits)) if waits else None,
        record=learning.record(DAYS),
        made_at=now,
    )
    keep(CACHE_KEY, picture, CACHE_SECONDS)
    return picture


def duration(span: timedelta | None) -> str:
    """'3 h 20 min', '2 days 4 h', '45 s'; '—' for none."""
    if span is None:
        return "—"
    seconds = int(span.total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min"
    return f"{seconds} s"
