from django.urls import path
from django.views.decorators.http import require_safe

from . import feeds, views

app_name = "articles"

# Reader pages answer GET and HEAD only (405 for anything else). The views stay undecorated:
# the comment endpoint renders the article page again for a POST whose form has errors.
urlpatterns = [
    path("", require_safe(views.home), name="home"),
    path("news/<slug:slug>/", require_safe(views.article_detail), name="detail"),
    path("section/<slug:slug>/", require_safe(views.section), name="section"),
    path("section/<slug:slug>/rss/", require_safe(feeds.SectionFeed()), name="section_rss"),
    path("section/<slug:slug>/atom/", require_safe(feeds.SectionAtomFeed()), name="section_atom"),
    path("tag/<slug:slug>/", require_safe(views.tag), name="tag"),
    path("author/<slug:slug>/", require_safe(views.author), name="author"),
    path("search/", require_safe(views.search), name="search"),
    path("feeds/rss/", require_safe(feeds.LatestArticlesFeed()), name="rss"),
    path("feeds/atom/", require_safe(feeds.LatestArticlesAtomFeed()), name="atom"),
]
