"""Pages run a fixed number of SQL queries, however much content there is."""

import pytest

from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    RelatedLinkFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

# Home: sections nav, lead, latest count + page + bylines, section blocks.
HOME_QUERIES = 7
# Article: article, its bylines, tags, related links; related candidates; latest; sections nav.
ARTICLE_QUERIES = 7
# ...one fewer when the editors' picks fill Related Articles and nothing needs finding.
ARTICLE_ALL_PICKED_QUERIES = 6
# Section/tag/author: the object, count, page, bylines, sections nav.
LISTING_QUERIES = 5
SEARCH_QUERIES = 4


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
