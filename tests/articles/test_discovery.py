"""Feeds, sitemaps, JSON-LD, OpenGraph and canonical links."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "atom": "http://www.w3.org/2005/Atom",
}


@pytest.fixture
def world():
    section = SectionFactory(name="World", slug="world")
    published = ArticleFactory(headline="Published story", section=section)
    ArticleFactory(headline="Draft story", section=section, status=Article.Status.DRAFT)
    ArticleFactory(
        headline="Scheduled story",
        section=section,
        published_at=timezone.now() + timedelta(hours=2),
    )
    return section, published


def test_rss_and_atom_feeds_list_published_articles_only(client, world):
    section, published = world
    for url in ("/feeds/rss/", "/feeds/atom/", "/section/world/rss/", "/section/world/atom/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        ET.fromstring(body)  # well-formed XML
        assert "Published story" in body
        assert "Draft story" not in body
        assert "Scheduled story" not in body


def test_section_feed_holds_only_its_section(client, world):
    ArticleFactory(headline="Business story", section=SectionFactory(name="Business"))
    body = client.get("/section/world/rss/").content.decode()
    assert "Business story" not in body
    assert "Business story" in client.get("/feeds/rss/").content.decode()


def test_unknown_section_feed_is_404(client):
    assert client.get("/section/nowhere/rss/").status_code == 404


def test_feeds_are_announced_in_head(client, world):
    section, published = world
    for url in ("/", section.get_absolute_url(), published.get_absolute_url()):
        head = client.get(url).content.decode().split("</head>")[0]
        assert 'type="application/rss+xml"' in head and 'href="/feeds/rss/"' in head
        assert 'type="application/atom+xml"' in head
    section_head = client.get(section.get_absolute_url()).content.decode().split("</head>")[0]
    assert 'href="/section/world/rss/"' in section_head


def sitemap_locations(client) -> list[str]:
    """Every address a crawler finds from /sitemap.xml: the index, then each sitemap it lists."""
    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = []
    for sitemap in index.findall("sm:sitemap/sm:loc", NS):
        response = client.get(sitemap.text.removeprefix("http://testserver"))
        assert response.status_code == 200, sitemap.text
        locations += [
            loc.text for loc in ET.fromstring(response.content).findall("sm:url/sm:loc", NS)
        ]
    return locations


def test_sitemap_lists_published_articles_and_sections(client, world):
    section, published = world
    locations = sitemap_locations(client)
    assert f"http://testserver{published.get_absolute_url()}" in locations
    assert f"http://testserver{section.get_absolute_url()}" in locations
    assert not any("draft-story" in loc or "scheduled" in loc for loc in locations)


def test_sitemap_index_reaches_every_article_of_a_long_archive(client, monkeypatch):
    """Past one sitemap's worth of articles, the index lists further pages and a crawler
    following them finds every published article once (Django's sitemap view alone served
    the first page only: #8)."""
    from articles.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 4)
    section = SectionFactory()
    published = ArticleFactory.create_batch(11, section=section)
    ArticleFactory(section=section, status=Article.Status.DRAFT)
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-articles.xml?p=3</loc>" in index and "?p=4" not in index

    locations = sitemap_locations(client)
    article_urls = [loc for loc in locations if "/news/" in loc]
    assert sorted(article_urls) == sorted(
        f"http://testserver{article.get_absolute_url()}" for article in published
    )
    newest = max(article.published_at for article in published)
    assert f"<lastmod>{newest:%Y-%m-%dT%H:%M:%S}" in index


def test_a_sitemap_page_past_the_end_is_404_not_an_error(client, world):
    for url in ("/sitemap-articles.xml?p=99", "/sitemap-articles.xml?p=x", "/sitemap-nope.xml"):
        assert client.get(url).status_code == 404, url


def test_news_sitemap_holds_the_last_two_days_only(client):
    recent = ArticleFactory(
        headline="Fresh & new", published_at=timezone.now() - timedelta(hours=30)
    )
    ArticleFactory(headline="Old news", published_at=timezone.now() - timedelta(days=3))
    ArticleFactory(headline="Not yet", published_at=timezone.now() + timedelta(hours=1))
    response = client.get("/sitemap-news.xml")
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    titles = [t.text for t in root.findall("sm:url/news:news/news:title", NS)]
    assert titles == ["Fresh & new"]
    assert root.find("sm:url/sm:loc", NS).text.endswith(recent.get_absolute_url())


def test_robots_txt_points_at_sitemaps(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Sitemap: http://testserver/sitemap-news.xml" in body


def _json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_news_article_json_ld(client):
    author = AuthorFactory(name="Jane Roe")
    article = ArticleFactory(
        headline="Bridge reopens",
        section=SectionFactory(name="Local"),
        authors=[author],
        tags=[TagFactory(name="Transport")],
        featured_image=ImageFactory(),
        updated_at=timezone.now(),
        source_name="Agence X",
        source_author="John Doe",
        source_url="https://example.org/original",
    )
    data = _json_ld(client.get(article.get_absolute_url()).content.decode())
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Bridge reopens"
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["dateModified"] == article.updated_at.isoformat()
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Jane Roe",
            "url": f"http://testserver{author.get_absolute_url()}",
        }
    ]
    assert data["publisher"]["@type"] == "Organization"
    assert data["articleSection"] == "Local"
    assert data["image"][0].startswith("http://testserver/media/renditions/")
    assert data["isBasedOn"] == {
        "@type": "CreativeWork",
        "url": "https://example.org/original",
        "publisher": {"@type": "Organization", "name": "Agence X"},
        "author": {"@type": "Person", "name": "John Doe"},
    }


def test_json_ld_cannot_be_broken_out_of(client):
    """A headline with </script> stays inside the JSON-LD block."""
    article = ArticleFactory(headline="</script><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert _json_ld(html)["headline"] == "</script><script>alert(1)</script>"


def test_opengraph_and_twitter_meta(client):
    article = ArticleFactory(headline='Mayor "wins" & celebrates', featured_image=ImageFactory())
    head = client.get(article.get_absolute_url()).content.decode().split("</head>")[0]
    assert '<meta property="og:type" content="article">' in head
    assert '<meta property="og:title" content="Mayor &quot;wins&quot; &amp; celebrates">' in head
    assert '<meta name="twitter:card" content="summary_large_image">' in head
    assert re.search(r'<meta property="og:image" content="http://testserver/media/[^"]+">', head)


def test_canonical_is_ours_unless_the_original_is_canonical(client):
    ours = ArticleFactory(source_name="Agence X", source_url="https://example.org/a")
    theirs = ArticleFactory(
        source_name="Agence X", source_url="https://example.org/b", source_is_canonical=True
    )
    head = client.get(ours.get_absolute_url()).content.decode().split("</head>")[0]
    assert f'<link rel="canonical" href="http://testserver{ours.get_absolute_url()}">' in head
    head = client.get(theirs.get_absolute_url()).content.decode().split("</head>")[0]
    assert '<link rel="canonical" href="https://example.org/b">' in head
