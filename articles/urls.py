from django.urls import path
from django.views.decorators.http import require_safe

from newsportal.front_cache import shown_as

from . import feeds, views

# Feeds list the newest articles: any publication or edit purges them ("feeds"; "latest").
feed = shown_as("latest", "feeds")

app_name = "articles"

# Reader pages answer GET and HEAD only (405 for anything else). The views stay undecorated:
# the comment endpoint renders the article page again for a POST whose form has errors.
urlpatterns = [
    path("", require_safe(views.home), name="home"),
    path("news/<slug:slug>/", require_safe(views.article_detail), name="detail"),
    path("section/<slug:slug>/", require_safe(views.section), name="section"),
    path("section/<slug:slug>/rss/", require_safe(feed(feeds.SectionFeed())), name="section_rss"),
    path(
        "section/<slug:slug>/atom/",
        require_safe(feed(feeds.SectionAtomFeed())),
        name="section_atom",
    ),
    path("tag/<slug:slug>/", require_safe(views.tag), name="tag"),
    path("author/<slug:slug>/", require_safe(views.author), name="author"),
    path("search/", require_safe(views.search), name="search"),
    path("feeds/rss/", require_safe(feed(feeds.LatestArticlesFeed())), name="rss"),
    path("feeds/atom/", require_safe(feed(feeds.LatestArticlesAtomFeed())), name="atom"),
]
