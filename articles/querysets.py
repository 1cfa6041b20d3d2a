"""Reads of articles. "Published" is defined here, once, and everything else builds on it.

So are the newsroom's other states, draft and scheduled: each is a queryset method, and
`state_of()` says which one an article is in by the same rules, without a query.
"""

from django.db import models
from django.db.models import Exists, Min, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

# models.py imports this module for Article's manager, so the methods needing another model
# (Section, Byline, RelatedLink) import it when called: at the top it would be a cycle.

# The states an editor sees (the admin's filter and list column, the preview banner): each is
# read by a method below (drafts, scheduled, published).
STATES = {"draft": "Draft", "scheduled": "Scheduled", "published": "Published"}


def state_of(article, *, now=None) -> str:
    """The state `article` is in, as STATES names it: the one of drafts(), scheduled() and
    published() that holds it, decided from its fields alone."""
    if article.status != article.Status.PUBLISHED:
        return STATES["draft"]
    if article.published_at and article.published_at > (now or timezone.now()):
        return STATES["scheduled"]
    return STATES["published"]


class ArticleQuerySet(models.QuerySet):
    def published(self, *, now=None):
        """Articles a reader may see: status published and publication time reached.

        Scheduling needs no cron: an article whose time has not come fails this filter until it
        does, everywhere this method is used.
        """
        return self.filter(
            status=self.model.Status.PUBLISHED,
            published_at__lte=now or timezone.now(),
        )

    def drafts(self):
        """Articles an editor has not published, whatever their publication time.

        Read as `status IN (...)`, every other status, which is an index range; `NOT status =
        'published'` is not (#8).
        """
        Status = self.model.Status
        return self.filter(status__in=[status for status in Status if status != Status.PUBLISHED])

    def scheduled(self, *, now=None):
        """Articles published for a time still to come: they go live by themselves then."""
        return self.filter(
            status=self.model.Status.PUBLISHED, published_at__gt=now or timezone.now()
        )

    def state_counts(self, *, now=None) -> dict[str, int]:
        """{"drafts": n, "scheduled": n}: the admin index's figures.

        Two counts, each an index range of the few rows it counts: one aggregate with both
        filters read the index of the whole archive (#8). Published articles are not counted:
        they are the archive, and counting it costs as much.
        """
        return {"drafts": self.drafts().count(), "scheduled": self.scheduled(now=now).count()}

    def next_publication_time(self, *, now=None):
        """When the next scheduled article goes live (None if none is scheduled)."""
        return self.scheduled(now=now).aggregate(first=Min("published_at"))["first"]

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def newest_in_each_section(self, count: int):
        """These articles restricted to the newest `count` of each section, in one query.

        Each section's articles are looked up in its own index range (a subquery per rank, one
        row each), so the cost is sections × count index lookups however large the archive; a
        window function ranking every article per section reads the whole archive (#8).
        """
        from .models import Section

        newest = self.filter(section=OuterRef("pk")).newest_first().values("pk")
        ranks = [
            Section.objects.order_by().values_list(Subquery(newest[rank : rank + 1]), flat=True)
            for rank in range(count)
        ]
        return self.filter(pk__in=ranks[0].union(*ranks[1:], all=True) if count > 1 else ranks[0])

    def for_listing(self):
        """The shape every article list renders: section, image and byline in fixed queries."""
        from .models import Byline

        return self.select_related("section", "featured_image").prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )

    def for_link(self):
        """The shape of a link to an article in a side list: no body, which no link shows."""
        return self.select_related("section", "featured_image").defer("body", "body_text")

    def for_detail(self):
        from .models import RelatedLink

        # Whether each picked article is live is asked of published() itself, in the same query.
        live_target = self.model.objects.published().filter(pk=OuterRef("target_id"))
        return self.for_listing().prefetch_related(
            "tags",
            Prefetch(
                "related_links",
                queryset=RelatedLink.objects.select_related("target").annotate(
                    target_is_published=Exists(live_target)
                ),
            ),
        )

    def matching_words(self, words: list[str]):
        """Articles containing every word in headline, standfirst or body (the SQLite search)."""
        query = self
        for word in words:
            query = query.filter(
                Q(headline__icontains=word)
                | Q(standfirst__icontains=word)
                | Q(body_text__icontains=word)
            )
        return query
