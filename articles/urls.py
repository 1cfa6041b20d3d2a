from django.urls import path, register_converter
from django.views.decorators.http import require_safe

from newsportal.front_cache import shown_as

from . import feeds, views
from .live import feeds as live_feeds
from .live import views as live_views

# Feeds list the newest articles: any publication or edit purges them ("feeds"; "latest").
feed = shown_as("latest", "feeds")

app_name = "articles"


class UnicodeSlugConverter:
    """A slug in any script ("новости", "東京"), as SlugField(allow_unicode=True) allows: a
    moved WordPress site's slugs stay readable (#10). Django's `slug` is ASCII only."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UnicodeSlugConverter, "unicode_slug")

# Reader pages answer GET and HEAD only (405 for anything else). The views stay undecorated:
# the comment endpoint renders the article page again for a POST whose form has errors.
urlpatterns = [
    path("", require_safe(views.home), name="home"),
    path("news/<unicode_slug:slug>/", require_safe(views.article_detail), name="detail"),
    # Live coverage (#13): an update's permalink, and the coverage's own feeds (keyed by the
    # feed itself, live-<id>: a new update changes them, a new article does not).
    path(
        "news/<unicode_slug:slug>/updates/<int:update_id>/",
        require_safe(views.live_update),
        name="live_update",
    ),
    path(
        "news/<unicode_slug:slug>/live/rss/",
        require_safe(live_feeds.LiveUpdatesFeed()),
        name="live_rss",
    ),
    path(
        "news/<unicode_slug:slug>/live/atom/",
        require_safe(live_feeds.LiveUpdatesAtomFeed()),
        name="live_atom",
    ),
    path(
        "live/<int:article_id>/updates.json",
        require_safe(live_views.live_updates),
        name="live_updates",
    ),
    path("section/<unicode_slug:slug>/", require_safe(views.section), name="section"),
    path(
        "section/<unicode_slug:slug>/rss/",
        require_safe(feed(feeds.SectionFeed())),
        name="section_rss",
    ),
    path(
        "section/<unicode_slug:slug>/atom/",
        require_safe(feed(feeds.SectionAtomFeed())),
        name="section_atom",
    ),
    path("tag/<unicode_slug:slug>/", require_safe(views.tag), name="tag"),
    path("author/<unicode_slug:slug>/", require_safe(views.author), name="author"),
    path("search/", require_safe(views.search), name="search"),
    path("feeds/rss/", require_safe(feed(feeds.LatestArticlesFeed())), name="rss"),
    path("feeds/atom/", require_safe(feed(feeds.LatestArticlesAtomFeed())), name="atom"),
]
