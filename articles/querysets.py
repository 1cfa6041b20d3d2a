"""Reads of articles. "Published" is defined here, once, and everything else builds on it."""

from django.db import models
from django.db.models import Exists, Min, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone


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

    def next_publication_time(self, *, now=None):
        """When the next scheduled article goes live (None if none is scheduled)."""
        scheduled = self.filter(
            status=self.model.Status.PUBLISHED, published_at__gt=now or timezone.now()
        )
        return scheduled.aggregate(first=Min("published_at"))["first"]

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
