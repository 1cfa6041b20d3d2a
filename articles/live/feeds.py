"""A live article's own feed (#13): its public updates, newest first, in RSS 2.0 and Atom.

Written as the site's other feeds are (articles/feeds.py): what XML cannot carry is dropped,
titles are text. Cached for everyone under `live-<id>` (purged when an update is posted, edited
or deleted) and `article-<id>` (the article itself changed or was withdrawn), and kept no longer
than until the next scheduled update goes public.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404

from newsportal.front_cache import show, show_until

from .. import conf
from ..feeds import AtomFeed, RssFeed
from ..html import sanitise_body
from ..models import Article
from .coverage import update_title


class LiveUpdatesFeed(Feed):
    """RSS 2.0 feed of one live article's updates."""

    feed_type = RssFeed
    description_template = None

    def get_object(self, request, slug):
        article = get_object_or_404(
            Article.objects.published().filter(is_live=True).select_related("section"), slug=slug
        )
        show(request, f"live-{article.pk}", f"article-{article.pk}")
        show_until(request, article.live_updates.next_scheduled_time())
        return article

    def title(self, article):
        return f"{article.headline}: live updates | {settings.SITE_NAME}"

    def link(self, article):
        return article.get_absolute_url()

    def description(self, article):
        return article.summary or f"Live coverage on {settings.SITE_NAME}."

    def items(self, article):
        # Read through the article's own manager, each update knows its article: a permalink
        # costs no query.
        return article.live_updates.public().newest_first()[: conf.FEED_SIZE]

    def item_title(self, update):
        return update_title(update)

    def item_link(self, update):
        return update.get_absolute_url()

    def item_description(self, update):
        # The update as the page shows it: its body is sanitised HTML, run through the
        # allow-list again here as the page's template does.
        return sanitise_body(update.body)

    def item_pubdate(self, update):
        return update.published_at

    def item_updateddate(self, update):
        return update.edited_at or update.published_at

    def item_author_name(self, update):
        return update.byline or None


class LiveUpdatesAtomFeed(LiveUpdatesFeed):
    feed_type = AtomFeed

    def subtitle(self, article):
        return self.description(article)
