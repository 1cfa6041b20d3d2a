from django.urls import path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("news/<slug:slug>/", views.article_detail, name="detail"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("section/<slug:slug>/rss/", feeds.SectionFeed(), name="section_rss"),
    path("section/<slug:slug>/atom/", feeds.SectionAtomFeed(), name="section_atom"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("author/<slug:slug>/", views.author, name="author"),
    path("search/", views.search, name="search"),
    path("feeds/rss/", feeds.LatestArticlesFeed(), name="rss"),
    path("feeds/atom/", feeds.LatestArticlesAtomFeed(), name="atom"),
]
