"""A WordPress site's old addresses lead to the imported pages (#10), with one query a
redirect and none for any other page; editors' own redirects work the same way."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Author, Section, Tag
from articles.redirects import Redirect
from newsportal.wordpress_import import import_export
from tests.articles.wordpress_exports import Post, author, category, export, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved_site(db):
    import_export(
        io.BytesIO(
            export(
                author(2, "Amira.T", "Amira Þórsdóttir"),
                category("news", "News", id=3),
                category("local", "Local news", parent="news", id=4),
                tag("floods", "Floods"),
                Post(
                    10,
                    "Barrier holds",
                    slug="barrier-holds",
                    link="https://old.example.com/2024/03/01/barrier-holds/",
                    date_gmt="2024-03-01 09:30:00",
                    creator="Amira.T",
                    terms=[("category", "local", "Local news"), ("post_tag", "floods", "Floods")],
                    meta=[("_wp_old_slug", "barrier-may-hold")],
                ).xml(),
                Post(11, "Unfinished", slug="unfinished", status="draft").xml(),
            )
        )
    )
    return Article.objects.get(slug="barrier-holds")


OLD_ARTICLE_ADDRESSES = [
    "/?p=10",
    "/2024/03/01/barrier-holds/",
    "/2024/03/barrier-holds/",
    "/barrier-holds/",
    "/barrier-holds",
    "/barrier-holds/feed/",
    "/archives/10/",
    "/barrier-may-hold/",  # the slug it had before (_wp_old_slug)
    "/2024/03/01/barrier-may-hold/",
]


@pytest.mark.parametrize("old", OLD_ARTICLE_ADDRESSES)
def test_every_old_address_of_a_post_leads_to_its_article(client, moved_site, old):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == moved_site.get_absolute_url()


@pytest.mark.parametrize(
    ("old", "page"),
    [
        ("/category/local/", lambda: Section.objects.get(slug="local").get_absolute_url()),
        ("/category/news/local/", lambda: Section.objects.get(slug="local").get_absolute_url()),
        ("/category/news/", lambda: Section.objects.get(slug="news").get_absolute_url()),
        ("/?cat=4", lambda: Section.objects.get(slug="local").get_absolute_url()),
        ("/?tag=floods", lambda: Tag.objects.get(slug="floods").get_absolute_url()),
        ("/?author=2", lambda: Author.objects.get(name="Amira Þórsdóttir").get_absolute_url()),
        ("/tag/floods/", lambda: Tag.objects.get(slug="floods").get_absolute_url()),
        (
            "/author/Amira.T/",
            lambda: Author.objects.get(name="Amira Þórsdóttir").get_absolute_url(),
        ),
        ("/author/amirat/", lambda: Author.objects.get(name="Amira Þórsdóttir").get_absolute_url()),
        ("/feed/", lambda: "/feeds/rss/"),
        ("/feed/atom/", lambda: "/feeds/atom/"),
        ("/comments/feed/", lambda: "/feeds/rss/"),
        ("/wp-rss2.php", lambda: "/feeds/rss/"),
        ("/?feed=rss2", lambda: "/feeds/rss/"),
    ],
)
def test_old_sections_tags_authors_and_feeds_lead_to_theirs(client, moved_site, old, page):
    """Each answers with the page, by a 301 or where the address is the same (/tag/floods/)."""
    response = client.get(old, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain in ([], [(page(), 301)])
    assert response.request["PATH_INFO"] == page()


def test_an_unpublished_article_is_not_revealed_by_its_old_address(client, moved_site):
    assert client.get("/?p=11").status_code == 200  # the home page, as for any unknown ?p=
    assert client.get("/unfinished/").status_code == 404
    moved_site.status = Article.Status.DRAFT
    moved_site.save()
    assert client.get("/barrier-holds/").status_code == 404


def test_other_pages_look_nothing_up_and_a_redirect_costs_one_query(client, moved_site):
    def redirect_queries(path):
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        return [q["sql"] for q in queries.captured_queries if "articles_redirect" in q["sql"]]

    assert redirect_queries(moved_site.get_absolute_url()) == []
    assert redirect_queries("/?utm_source=newsletter") == []
    assert len(redirect_queries("/?p=10")) == 1
    assert len(redirect_queries("/2024/03/01/barrier-holds/")) == 1


def test_an_editors_own_redirect_leads_where_it_says(client, moved_site):
    Redirect.objects.create(old_path="/flood-special/", section=moved_site.section)
    Redirect.objects.create(old_path="/old-rss.xml", url="/feeds/rss/")
    assert client.get("/flood-special/")["Location"] == moved_site.section.get_absolute_url()
    assert client.get("/old-rss.xml")["Location"] == "/feeds/rss/"
    assert client.get("/never-was/").status_code == 404


def test_wordpress_pages_are_pages_at_their_old_addresses(client):
    report = import_export(
        io.BytesIO(
            export(
                Post(
                    40,
                    "About us",
                    post_type="page",
                    slug="about",
                    link="https://old.example.com/about/",
                    content="We report on the harbour.\n\nSince 1998.",
                ).xml(),
                Post(41, "The team", post_type="page", slug="team",
                     link="https://old.example.com/about/team/").xml(),
                Post(42, "Unfinished page", post_type="page", slug="soon", status="draft").xml(),
                Post(43, "Search tips", post_type="page", slug="search",
                     link="https://old.example.com/search/").xml(),
            )
        )
    )  # fmt: skip
    about = client.get("/about/")
    assert about.status_code == 200
    page = about.content.decode()
    assert "<h1>About us</h1>" in page
    assert "<p>We report on the harbour.</p>\n<p>Since 1998.</p>" in page
    assert client.get("/about/team/").status_code == 200
    assert client.get("/?page_id=40")["Location"] == "/about/"
    assert client.get("/soon/").status_code == 404  # a draft
    assert "its address /search/ is one of this site's own pages" in "\n".join(report.lines())
