"""Pages run a fixed number of SQL queries, however much content there is."""

import pytest
from django.db.models import Count

from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    ImageFactory,
    RelatedLinkFactory,
    SectionFactory,
    TagFactory,
    superuser,
)

pytestmark = pytest.mark.django_db

# Every public page also asks when the next scheduled article goes live: the front cache may
# keep the page until then, and no longer.
NEXT_PUBLICATION = 1
# Home: sections nav, lead (+ its bylines), latest count + page + bylines + comment counts,
# section blocks.
HOME_QUERIES = 8 + NEXT_PUBLICATION
# Article: article, its bylines, tags, related links; related candidates; latest; sections nav;
# the editors' picks among its comments (its JSON-LD); then the comments: moderation policy,
# approved and picked counts, threads (count, page), replies.
ARTICLE_QUERIES = 13 + NEXT_PUBLICATION
# ...one fewer when the editors' picks fill Related Articles and nothing needs finding.
ARTICLE_ALL_PICKED_QUERIES = 12 + NEXT_PUBLICATION
# Section/tag/author: the object, count, page, bylines, comment counts, sections nav.
LISTING_QUERIES = 6 + NEXT_PUBLICATION
SEARCH_QUERIES = 5 + NEXT_PUBLICATION


def build_newsroom(scale: int):
    """`scale` sections' worth of articles, each with several tags, authors and related links."""
    image = ImageFactory()
    sections = [SectionFactory(name=f"Section {n}") for n in range(2 + scale)]
    tags = [TagFactory(name=f"Topic {n}") for n in range(3 * scale)]
    authors = [AuthorFactory() for _ in range(2 * scale)]
    articles = []
    for n in range(10 * scale):
        articles.append(
            ArticleFactory(
                headline=f"Harbour story {n}",
                section=sections[n % len(sections)],
                tags=tags[: 1 + n % len(tags)],
                authors=authors[: 1 + n % len(authors)],
                featured_image=image,
            )
        )
    for target in articles[1 : 1 + 2 * scale]:
        RelatedLinkFactory(article=articles[0], target=target)
    RelatedLinkFactory(article=articles[0], url="https://example.org/x", title="Elsewhere")
    RelatedLinkFactory(article=articles[1], target=articles[2])
    for article in (articles[0], articles[1], articles[-1]):
        for _ in range(scale):
            top = CommentFactory(article=article)
            reply = CommentFactory(article=article, parent=top)
            CommentFactory(article=article, parent=reply)
    return articles, sections[0], tags[0], authors[0]


@pytest.mark.parametrize("scale", [2, 5])
def test_query_counts_do_not_grow_with_content(client, django_assert_num_queries, scale):
    articles, section, tag, author = build_newsroom(scale)
    expectations = [
        ("/", HOME_QUERIES),
        ("/?page=2", HOME_QUERIES - 1),  # no section blocks past the first page
        (articles[0].get_absolute_url(), ARTICLE_ALL_PICKED_QUERIES),
        (articles[1].get_absolute_url(), ARTICLE_QUERIES),
        (articles[-1].get_absolute_url(), ARTICLE_QUERIES),
        (section.get_absolute_url(), LISTING_QUERIES),
        (tag.get_absolute_url(), LISTING_QUERIES),
        (author.get_absolute_url(), LISTING_QUERIES),
        ("/search/?q=harbour", SEARCH_QUERIES),
    ]
    for url, expected in expectations:
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert response.status_code == 200, url
        assert b"Harbour story" in response.content


def pages_of_the_archive() -> dict[str, str]:
    """An address of every kind of public list and page, and of the moderation queue, chosen
    in whatever the archive holds now: first, middle and last pages included."""
    from articles.conf import setting
    from articles.models import Article, Author, Section, Tag
    from comments.models import Comment

    published = Article.objects.published()
    section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
    page_size = setting("ARTICLES_PAGE_SIZE")
    last_page = (section.articles.published().count() + page_size - 1) // page_size
    tag = Tag.objects.annotate(n=Count("articles")).order_by("-n").first()
    author = Author.objects.annotate(n=Count("articles")).order_by("-n").first()
    discussed = Comment.objects.values("article").annotate(n=Count("pk")).order_by("-n")[0]
    article = published.get(pk=discussed["article"])
    word = article.headline.split()[-1]
    sitemap_pages = (published.count() + 4) // 5  # ArticleSitemap.limit is 5 below
    return {
        "home": "/",
        "home, page 2": "/?page=2",
        "section": section.get_absolute_url(),
        "section, page 2": f"{section.get_absolute_url()}?page=2",
        "section, last page": f"{section.get_absolute_url()}?page={last_page}",
        "tag": tag.get_absolute_url(),
        "tag, page 2": f"{tag.get_absolute_url()}?page=2",
        "author": author.get_absolute_url(),
        "search": f"/search/?q={word}",
        "search, page 2": "/search/?q=council&page=2",
        "article with the most comments": article.get_absolute_url(),
        "its second page of comments": f"{article.get_absolute_url()}?comments=2",
        "RSS": "/feeds/rss/",
        "Atom": "/feeds/atom/",
        "section RSS": f"/section/{section.slug}/rss/",
        "sitemap index": "/sitemap.xml",
        "article sitemap": "/sitemap-articles.xml",
        "article sitemap, last page": f"/sitemap-articles.xml?p={sitemap_pages}",
        "news sitemap": "/sitemap-news.xml",
        "moderation queue": "/admin/comments/comment/?status__exact=pending",
        "moderation queue, all": "/admin/comments/comment/?all=1",
        "moderation queue, one article": (
            f"/admin/comments/comment/?status__exact=approved&article__id__exact={article.pk}"
        ),
        "admin index": "/admin/",
    }


def query_counts(client, pages: dict[str, str]) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import clear_cache

    counts = {}
    for name, url in pages.items():
        clear_cache()  # a page-cache miss: the queries a page really needs
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, f"{name}: {url}"
        counts[name] = len(queries)
    return counts


def test_no_page_runs_more_queries_when_the_archive_grows_fourfold(client, monkeypatch):
    """Every list, feed, sitemap, search, deep page and the moderation queue, measured on a
    generated archive and again after it grew: the same queries (#8)."""
    from articles.generate import generate_articles
    from articles.sitemaps import ArticleSitemap
    from comments.generate import generate_comments

    monkeypatch.setattr(ArticleSitemap, "limit", 5)
    client.force_login(superuser("chief"))
    generate_articles(count=60, seed=1)
    generate_comments(count=400, seed=1)
    small = query_counts(client, pages_of_the_archive())
    generate_articles(count=180, seed=1)
    generate_comments(count=1600, seed=1)
    large = query_counts(client, pages_of_the_archive())
    assert large == small
