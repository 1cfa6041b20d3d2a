"""Google News sitemap: the articles of the last two days only.

https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap
"""

from datetime import timedelta

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from . import conf
from .models import Article


def news_sitemap(request):
    now = timezone.now()
    articles = (
        Article.objects.published(now=now)
        .filter(published_at__gte=now - timedelta(days=conf.NEWS_SITEMAP_DAYS))
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


def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")
