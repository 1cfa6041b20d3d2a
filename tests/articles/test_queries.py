"""Pages run a fixed number of SQL queries, however much content there is."""

import pytest

from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    ImageFactory,
    RelatedLinkFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

# Every public page also asks when the next scheduled article goes live: the front cache may
# keep the page until then, and no longer.
NEXT_PUBLICATION = 1
# Home: sections nav, lead (+ its bylines), latest count + page + bylines + comment counts,
# section blocks.
HOME_QUERIES = 8 + NEXT_PUBLICATION
# Article: article, its bylines, tags, related links; related candidates; latest; sections nav;
# then the comments: moderation policy, approved count, threads (count, page), replies.
ARTICLE_QUERIES = 12 + NEXT_PUBLICATION
# ...one fewer when the editors' picks fill Related Articles and nothing needs finding.
ARTICLE_ALL_PICKED_QUERIES = 11 + NEXT_PUBLICATION
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
