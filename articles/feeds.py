"""RSS 2.0 and Atom feeds of the newest articles, site-wide and per section.

Headlines, standfirsts and every name and description are plain text in our models, and each goes
out as the element it lands in is read (#7):

- Atom: title, subtitle, author name and category term are text constructs (Django writes them
  without a type, so text), the summary is type="html" and gets the standfirst HTML-escaped.
- RSS 2.0: the item description is HTML by convention and gets the same escaped standfirst;
  category and dc:creator are text. Titles and the channel description are read as text by some
  readers and as HTML by others; they are written by `rss_text`.
"""

import io
import re
from collections import defaultdict
from html import unescape

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from . import conf
from .models import Article, Byline, Section

# A "<" that could open a tag, a comment or a declaration.
_OPENS_MARKUP = re.compile(r"<[A-Za-z/!?]")


def rss_text(text: str | None) -> str | None:
    """Plain text for an RSS element that some readers show as text and others render as HTML.

    RSS never said which (RSS Best Practices Profile, "Character data"). Text that reads the same
    both ways goes out as it is, so "Tom & Jerry <3" shows so everywhere. Text that would not (a
    tag or an entity in it) goes out HTML-escaped: no reader runs it as markup, and the worst a
    literal reader shows is "&lt;".
    """
    if text is None or (not _OPENS_MARKUP.search(text) and unescape(text) == text):
        return text  # no tag and no character reference: "Q&A", "I <3 NY", "O'Brien"
    return escape(text)


# What XML 1.0 cannot carry. Django's writer raises on the control characters among them, so one
# pasted into a headline would take the whole feed down for every reader.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value):
    """`value` (a string, or a list of them) without the characters XML cannot carry."""
    if isinstance(value, str):
        return _NOT_IN_XML.sub("", value)
    if isinstance(value, list | tuple):
        return [xml_text(part) for part in value]
    return value


class XmlTextFeed:
    """A feed generator that drops what XML cannot carry from every value, instead of failing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed = {key: xml_text(value) for key, value in self.feed.items()}

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **kwargs)
        self.items[-1] = {key: xml_text(value) for key, value in self.items[-1].items()}

    def write(self, outfile, encoding):
        # Django's writer makes some 1,400 small writes a feed, each of which an HttpResponse
        # encodes and keeps apart: they go to one string first, and the response gets it whole.
        text = io.StringIO()
        super().write(text, encoding)
        outfile.write(text.getvalue())


class AtomFeed(XmlTextFeed, Atom1Feed):
    pass


class RssFeed(XmlTextFeed, Rss201rev2Feed):
    """RSS 2.0 whose titles and channel description are written by `rss_text`.

    What XML cannot carry is dropped before `rss_text` judges the text: "<\x0bb>" must be judged
    as the "<b>" that readers will get.
    """

    def __init__(self, title, link, description, **kwargs):
        title, description = rss_text(xml_text(title)), rss_text(xml_text(description))
        super().__init__(title, link, description, **kwargs)

    def add_item(self, title, link, description, **kwargs):
        super().add_item(rss_text(xml_text(title)), link, description, **kwargs)


def feed_items(published) -> list[Article]:
    """The newest of `published`, each with the names its item shows (`feed_authors`,
    `feed_tags`) read in one query apiece: prefetching Byline, Author and Tag objects for
    thirty items was a third of the feed's time (#8)."""
    articles = list(
        published.select_related("section").defer("body").newest_first()[: conf.FEED_SIZE]
    )
    ids = [article.pk for article in articles]
    authors, tags = defaultdict(list), defaultdict(list)
    bylines = Byline.objects.filter(article__in=ids).order_by("position", "pk")
    for article_id, name in bylines.values_list("article", "author__name"):
        authors[article_id].append(name)
    tagged = Article.tags.through.objects.filter(article__in=ids).order_by("tag__name")
    for article_id, name in tagged.values_list("article", "tag__name"):
        tags[article_id].append(name)
    for article in articles:
        article.feed_authors, article.feed_tags = authors[article.pk], tags[article.pk]
    return articles


class LatestArticlesFeed(Feed):
    """RSS 2.0 feed of the newest published articles."""

    feed_type = RssFeed
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
        return feed_items(self.articles())

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        # HTML in both formats (RSS description, Atom summary type="html"); the summary is text.
        return escape(item.summary)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at or item.published_at

    def item_author_name(self, item):
        return ", ".join(item.feed_authors) or None

    def item_categories(self, item):
        return [item.section.name, *item.feed_tags]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = AtomFeed

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
        return feed_items(obj.articles.published())


class SectionAtomFeed(SectionFeed):
    feed_type = AtomFeed

    def subtitle(self, obj):
        return self.description(obj)
