import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def test_home_shows_lead_story_and_latest_articles(client):
    """The home page puts the lead story first and lists the other published articles."""
    older = ArticleFactory(
        headline="An older story", published_at=timezone.now() - timedelta(days=2)
    )
    lead = ArticleFactory(
        headline="The lead story", is_lead=True, published_at=older.published_at - timedelta(days=1)
    )
    newest = ArticleFactory(headline="The newest story")
    html = client.get("/").content.decode()
    assert 'id="lead-headline"' in html
    lead_block = html.split('id="lead-headline"')[1].split("</h2>")[0]
    assert lead.headline in lead_block
    latest = html.split('id="latest-heading"')[1]
    assert latest.index(newest.headline) < latest.index(older.headline)
    assert lead.headline not in latest.split("section-block")[0]


def test_article_page_parts(client):
    """An article page shows date, one h1 headline, standfirst, body, byline, tags and section."""
    author = AuthorFactory(name="Jane Roe")
    tag = TagFactory(name="Energy")
    article = ArticleFactory(
        headline="Tidal plant opens",
        standfirst="The first of its kind.",
        body="<p>Turbines turned at dawn.</p>",
        tags=[tag],
        authors=[author],
        featured_image=ImageFactory(),
        updated_at=timezone.now(),
        correction="An earlier version misspelt the town.",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert '<h1 id="headline" class="headline">Tidal plant opens</h1>' in html
    assert f'<time datetime="{article.published_at.isoformat()}">' in html
    assert "The first of its kind." in html
    assert "Turbines turned at dawn." in html
    assert "Jane Roe" in html and author.get_absolute_url() in html
    assert tag.get_absolute_url() in html
    assert article.section.get_absolute_url() in html
    assert "Updated <time" in html
    assert "An earlier version misspelt the town." in html
    assert 'id="comments"' in html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            {
                "source_name": "Agence X",
                "source_author": "Jane Roe",
                "source_url": "https://example.org/a",
            },
            'Source: <a href="https://example.org/a" rel="noopener noreferrer">Agence X</a>'
            ", by Jane Roe",
        ),
        ({"source_name": "Agence X"}, "Source: Agence X</p>"),
        (
            {"source_url": "https://wire.example.net/story"},
            'Source: <a href="https://wire.example.net/story" rel="noopener noreferrer">'
            "wire.example.net</a>",
        ),
        ({"source_author": "Jane Roe"}, "Originally by Jane Roe"),
    ],
)
def test_source_line_reads_naturally(client, source, expected):
    """The source line uses whatever is known and never prints a placeholder."""
    article = ArticleFactory(**source)
    html = client.get(article.get_absolute_url()).content.decode()
    assert expected in html
    assert "[author_name]" not in html
    assert "Source by" not in html


def test_no_source_line_without_a_source(client):
    article = ArticleFactory()
    assert 'class="source-line"' not in client.get(article.get_absolute_url()).content.decode()


def test_unpublished_and_scheduled_articles_are_not_found(client):
    """Drafts and articles whose time has not come answer 404 to readers."""
    draft = ArticleFactory(status=Article.Status.DRAFT)
    scheduled = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_custom_404_page(client):
    response = client.get("/news/no-such-story/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1e9", "%00"])
def test_nonsense_page_numbers_give_a_page(client, page):
    """?page= with anything a script can send gives a page, never an error."""
    ArticleFactory.create_batch(3)
    assert client.get("/", {"page": page}).status_code == 200


def test_section_tag_and_author_pages_list_their_articles(client):
    section = SectionFactory(name="Science")
    tag = TagFactory(name="Space")
    author = AuthorFactory(name="Ada Writer")
    mine = ArticleFactory(
        headline="Probe reaches orbit", section=section, tags=[tag], authors=[author]
    )
    other = ArticleFactory(headline="Unrelated budget story")
    for url in (section.get_absolute_url(), tag.get_absolute_url(), author.get_absolute_url()):
        html = client.get(url).content.decode()
        assert mine.headline in html
        assert other.headline not in html


def test_listing_pages_are_paginated(client, settings):
    section = SectionFactory()
    ArticleFactory.create_batch(15, section=section)
    first = client.get(section.get_absolute_url()).content.decode()
    second = client.get(section.get_absolute_url(), {"page": 2}).content.decode()
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "Page 2 of 2" in second and 'rel="prev"' in second


def test_search_finds_published_articles_only(client):
    hit = ArticleFactory(headline="Harbour flooding closes roads", body="<p>Water rose.</p>")
    ArticleFactory(headline="Harbour flooding draft", status=Article.Status.DRAFT)
    ArticleFactory(
        headline="Harbour flooding tomorrow", published_at=timezone.now() + timedelta(days=1)
    )
    ArticleFactory(headline="Budget vote")
    response = client.get(reverse("articles:search"), {"q": "harbour flooding"})
    html = response.content.decode()
    assert hit.headline in html
    assert "draft" not in html.lower().split("<main")[1]
    assert "tomorrow" not in html
    assert "Budget vote" not in html
    assert "1 article found" in html


@pytest.mark.parametrize(
    "query", ["", "   ", "\x00", "<script>alert(1)</script>", "a" * 5000, "'\"&|!:*()"]
)
def test_search_survives_any_input(client, query):
    """Search answers anything a browser or script sends with a page, escaping the query."""
    response = client.get(reverse("articles:search"), {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_every_page_has_a_search_box(client):
    article = ArticleFactory()
    for url in (
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        "/search/?q=x",
    ):
        assert '<input class="form-control" type="search"' in client.get(url).content.decode()


def test_search_ranks_headline_matches_above_body_matches(client):
    """On PostgreSQL (full-text rank) and SQLite (fallback) alike, headline hits come first."""
    ArticleFactory(
        headline="Council meets on Tuesday",
        body="<p>The turbine contract was discussed.</p>",
        published_at=timezone.now() - timedelta(hours=1),
    )
    ArticleFactory(
        headline="Turbine contract signed",
        body="<p>A deal for the new turbine.</p>",
        published_at=timezone.now() - timedelta(days=5),
    )
    html = client.get(reverse("articles:search"), {"q": "turbine"}).content.decode()
    assert html.index("Turbine contract signed") < html.index("Council meets on Tuesday")


def test_search_puts_standfirst_matches_next_and_the_rest_newest_first(client):
    """Articles about the words (headline, then standfirst) first; among those that only
    mention them in the body, the newest, however often an older one repeats them."""
    now = timezone.now()
    ArticleFactory(
        headline="Old story",
        body="<p>" + "Quarry quarry quarry. " * 20 + "</p>",
        published_at=now - timedelta(days=30),
    )
    ArticleFactory(headline="New story", body="<p>A quarry was mentioned.</p>", published_at=now)
    ArticleFactory(
        headline="Standfirst story",
        standfirst="The quarry reopens.",
        body="<p>Nothing more.</p>",
        published_at=now - timedelta(days=60),
    )
    html = client.get(reverse("articles:search"), {"q": "quarry"}).content.decode()
    order = [html.index(name) for name in ("Standfirst story", "New story", "Old story")]
    assert order == sorted(order)


def test_pages_carry_a_strict_content_security_policy(client):
    """Every asset comes from the site itself, so the policy allows no other origin."""
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in policy
