"""The sitemap index (/sitemap.xml) and its sitemaps: home, sections, and articles in pages;
and the Google News sitemap beside them.

The sitemaps protocol allows 50,000 addresses a file and Django's sitemap view serves the first
page of each sitemap only, so an archive larger than one page needs the index to be found at
all (#8). Article pages are read like the site's own lists (see ArchivePaginator), and the
index's "last modified" is asked of the database, not computed by loading every article.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from .conf import NEWS_SITEMAP_DAYS
from .models import Article, Section
from .pagination import ArchivePaginator


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Article.objects.published().newest_first().only("slug", "published_at", "updated_at")

    def lastmod(self, item):
        return item.updated_at or item.published_at

    @property
    def paginator(self):
        return ArchivePaginator(self._items(), self.limit)

    def get_latest_lastmod(self):
        """The newest publication or update: two index lookups (Django's default would load
        every article to ask each one)."""
        published = Article.objects.published()
        newest = published.aggregate(last=Max("published_at"))["last"]
        updated = published.filter(updated_at__isnull=False).aggregate(last=Max("updated_at"))
        return max(filter(None, [newest, updated["last"]]), default=None)


class SectionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.all()


class HomeSitemap(Sitemap):
    changefreq = "always"
    priority = 1.0

    def items(self):
        return ["articles:home"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"home": HomeSitemap, "sections": SectionSitemap, "articles": ArticleSitemap}


def news_sitemap(request):
    """Google News sitemap: the articles of the last two days only.

    A view of its own, not a Sitemap in SITEMAPS: it is not in the index, has no pages, and
    each entry carries the news: elements Django's sitemap template has no place for.
    https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap
    """
    now = timezone.now()
    articles = (
        Article.objects.published(now=now)
        .filter(published_at__gte=now - timedelta(days=NEWS_SITEMAP_DAYS))
        .newest_first()
        .only("slug", "headline", "published_at")[:1000]
    )
    return render(
        request,
        "articles/sitemap_news.xml",
        {
            "articles": articles,
            "publication_name": settings.SITE_NAME,
            "language": (get_language() or "en").split("-")[0],
        },
        content_type="application/xml; charset=utf-8",
    )
