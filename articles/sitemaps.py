"""The sitemap index (/sitemap.xml) and its sitemaps: home, sections, and articles in pages.

The sitemaps protocol allows 50,000 addresses a file and Django's sitemap view serves the first
page of each sitemap only, so an archive larger than one page needs the index to be found at
all (#8). Article pages are read like the site's own lists (see ArchivePaginator), and the
index's "last modified" is asked of the database, not computed by loading every article.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

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
