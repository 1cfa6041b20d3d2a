"""What a live article's page shows of its coverage (#13): a page of its public updates in the
reader's order, its key events, and whether it is still live.

One page costs the same few queries however long the coverage runs: the count and the latest
time in one aggregate, the page's rows, the key events, the next scheduled update (and, for a
permalink, where its update falls). Nothing here is personal: the page is cached for everyone
under `live-<article id>` and kept no longer than until the next scheduled update goes public.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.core.paginator import Page
from django.db.models import Count, Max, Q
from django.utils import timezone

from newsportal.params import whole_number

from ..conf import setting
from ..models import Article
from ..pagination import ArchivePaginator
from .models import LiveUpdate

# Updates on a page of the coverage; the polling endpoint carries as many (ENDPOINT_UPDATES),
# so a reader of the first page catches up from it.
UPDATES_PER_PAGE = 20
NEWEST, OLDEST = "newest", "oldest"
ORDERS = [(NEWEST, "Newest first"), (OLDEST, "Oldest first")]
# The query parameters a reader's page of the coverage is chosen with. Not `?order=`: the
# comments under the same article are ordered with that one (comments/threads.py Order).
PAGE_PARAMETER = "updates"
ORDER_PARAMETER = "updates_order"
# A key event's link, or a feed item's title, when the update has no headline.
TITLE_WORDS = 12


def update_title(update: LiveUpdate, words: int = TITLE_WORDS) -> str:
    """The update's headline, or its opening words when it has none."""
    if update.headline:
        return update.headline
    opening = update.body_text.split()
    return " ".join(opening[:words]) + ("…" if len(opening) > words else "")


def site_order() -> str:
    """The order a reader gets without asking (ARTICLES_LIVE_ORDER)."""
    order = setting("ARTICLES_LIVE_ORDER")
    return order if order in dict(ORDERS) else NEWEST


def read_order(raw) -> str:
    """The order `?updates_order=` asks for; the site's for anything else."""
    return raw if raw in dict(ORDERS) else site_order()


def _in_order(updates, order: str):
    return updates.oldest_first() if order == OLDEST else updates.newest_first()


def _before(update: LiveUpdate, order: str) -> Q:
    """The updates that come before `update` in `order` (ties on the time broken by id, as the
    orderings are)."""
    if order == OLDEST:
        return Q(published_at__lt=update.published_at) | Q(
            published_at=update.published_at, pk__lt=update.pk
        )
    return Q(published_at__gt=update.published_at) | Q(
        published_at=update.published_at, pk__gt=update.pk
    )


@dataclass(frozen=True)
class LiveCoverage:
    article: Article
    order: str
    page: Page
    key_events: list[LiveUpdate]
    # The newest public update's time; the coverage's start while it has none.
    latest: datetime
    has_updates: bool
    # The update a permalink opened the page at, or None.
    focus: LiveUpdate | None
    # When the page changes by itself: the next scheduled update goes public, or a coverage
    # given a later end ends. None if neither.
    changes_at: datetime | None

    @property
    def updates(self) -> list[LiveUpdate]:
        return self.page.object_list

    @property
    def focus_id(self) -> int | None:
        return self.focus.pk if self.focus else None

    @property
    def is_live(self) -> bool:
        return self.article.live_now

    @property
    def state(self) -> str:
        return "live" if self.is_live else "ended"

    def url(self, *, page: int = 1, order: str | None = None) -> str:
        """The address of a page of the coverage, on the article's own address."""
        order = order or self.order
        query = {}
        if page != 1:
            query[PAGE_PARAMETER] = page
        if order != site_order():
            query[ORDER_PARAMETER] = order
        suffix = f"?{urlencode(query)}" if query else ""
        return f"{self.article.get_absolute_url()}{suffix}#live"

    @property
    def order_links(self) -> list[tuple[str, str, bool]]:
        """(label, address, current) for the reader's toggle between the two orders."""
        return [(label, self.url(order=value), value == self.order) for value, label in ORDERS]

    @property
    def newer_url(self) -> str | None:
        """The page of the updates that came after these, if any."""
        page = self.page
        if self.order == NEWEST:
            return self.url(page=page.previous_page_number()) if page.has_previous() else None
        return self.url(page=page.next_page_number()) if page.has_next() else None

    @property
    def older_url(self) -> str | None:
        page = self.page
        if self.order == NEWEST:
            return self.url(page=page.next_page_number()) if page.has_next() else None
        return self.url(page=page.previous_page_number()) if page.has_previous() else None


def live_coverage(request, article: Article, *, focus: LiveUpdate | None = None) -> LiveCoverage:
    """The coverage a live article's page shows: the page `?updates=` asks for, in the order
    `?updates_order=` (or the site) asks for; for a permalink, the page that holds `focus`."""
    now = timezone.now()
    order = read_order(request.GET.get(ORDER_PARAMETER))
    # Read through the article's own manager, every update knows its article: a permalink
    # (which names the article's slug) costs no query.
    public = article.live_updates.public(now=now)
    summary = public.aggregate(count=Count("pk"), latest=Max("published_at"))
    paginator = ArchivePaginator(_in_order(public, order).select_related("image"), UPDATES_PER_PAGE)
    paginator.count = summary["count"]  # asked already, with the latest time
    if focus is not None:
        number = public.filter(_before(focus, order)).count() // UPDATES_PER_PAGE + 1
    else:
        number = whole_number(request.GET.get(PAGE_PARAMETER, "")) or 1
    page = paginator.get_page(number)
    page.object_list = list(page.object_list)
    key_events = list(
        public.filter(is_key_event=True)
        .newest_first()
        .only("pk", "headline", "body_text", "published_at", "article_id")
    )
    changes_at = article.live_updates.next_scheduled_time(now=now)
    if article.live_now and article.live_ended_at is not None:
        changes_at = min(filter(None, [changes_at, article.live_ended_at]))
    return LiveCoverage(
        article=article,
        order=order,
        page=page,
        key_events=key_events,
        latest=summary["latest"] or article.published_at or now,
        has_updates=summary["count"] > 0,
        focus=focus,
        changes_at=changes_at,
    )
