from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from . import conf
from .models import Article, Section


class LatestArticlesFeed(Feed):
    """RSS 2.0 feed of the newest published articles."""

    description_template = None

    def title(self):
        return f"{settings.SITE_NAME}: latest articles"

    def link(self):
        return "/"

    def description(self):
        return f"The newest articles published on {settings.SITE_NAME}."

    def articles(self):
        return Article.objects.published()

    def items(self):
        return (
            self.articles().for_listing().prefetch_related("tags").newest_first()[: conf.FEED_SIZE]
        )

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at or item.published_at

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.byline_authors) or None

    def item_categories(self, item):
        return [item.section.name] + [tag.name for tag in item.tags.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()


class SectionFeed(LatestArticlesFeed):
    """RSS 2.0 feed of one section."""

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj):
        return f"{settings.SITE_NAME}: {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return obj.description or f"The newest {obj.name} articles on {settings.SITE_NAME}."

    def items(self, obj):
        return (
            obj.articles.published()
            .for_listing()
            .prefetch_related("tags")
            .newest_first()[: conf.FEED_SIZE]
        )


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
