"""The site answers only the methods it serves: no page for TRACE, OPTIONS, PUT or WebDAV."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLResolver, get_resolver

from articles.live.models import LiveUpdate
from articles.pages import Page
from comments import replies
from comments.models import ReplySubscription
from tests.comments.conftest import post_form
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, TagFactory

pytestmark = pytest.mark.django_db

READER = "GET, HEAD, OPTIONS"
# An example address for every public route of the root URLconf, and the methods it answers.
# A new route fails test_every_public_route_has_an_example until it gets a row here.
ROUTES = {
    "sitemap.xml": (lambda site: "/sitemap.xml", READER),
    "sitemap-news.xml": (lambda site: "/sitemap-news.xml", READER),
    "sitemap-<slug:section>.xml": (lambda site: "/sitemap-articles.xml", READER),
    "robots.txt": (lambda site: "/robots.txt", READER),
    "favicon.ico": (lambda site: "/favicon.ico", READER),
    "comments/post/<int:article_id>/": (
        lambda site: f"/comments/post/{site['article'].pk}/",
        "POST, OPTIONS",
    ),
    "comments/token/": (lambda site: "/comments/token/", READER),
    "comments/<int:comment_id>/": (lambda site: f"/comments/{site['comment'].pk}/", READER),
    "comments/<int:comment_id>/edit/": (
        lambda site: f"/comments/{site['comment'].pk}/edit/",
        "GET, HEAD, POST, OPTIONS",
    ),
    "comments/replies/confirm/<str:token>/": (
        lambda site: f"/comments/replies/confirm/{replies.confirm_token(site['subscription'])}/",
        "GET, HEAD, POST, OPTIONS",
    ),
    "comments/replies/unsubscribe/<str:token>/": (
        lambda site: (
            f"/comments/replies/unsubscribe/{replies.unsubscribe_token(site['subscription'])}/"
        ),
        "GET, HEAD, POST, OPTIONS",
    ),
    "comments/<int:comment_id>/report/": (
        lambda site: f"/comments/{site['comment'].pk}/report/",
        "GET, HEAD, POST, OPTIONS",
    ),
    "": (lambda site: "/", READER),
    "news/<unicode_slug:slug>/": (lambda site: site["article"].get_absolute_url(), READER),
    "news/<unicode_slug:slug>/updates/<int:update_id>/": (
        lambda site: site["live_update"].get_absolute_url(),
        READER,
    ),
    "news/<unicode_slug:slug>/live/rss/": (
        lambda site: f"/news/{site['live_update'].article.slug}/live/rss/",
        READER,
    ),
    "news/<unicode_slug:slug>/live/atom/": (
        lambda site: f"/news/{site['live_update'].article.slug}/live/atom/",
        READER,
    ),
    "live/<int:article_id>/updates.json": (
        lambda site: f"/live/{site['live_update'].article_id}/updates.json",
        READER,
    ),
    "section/<unicode_slug:slug>/": (
        lambda site: site["article"].section.get_absolute_url(),
        READER,
    ),
    "section/<unicode_slug:slug>/rss/": (
        lambda site: f"/section/{site['article'].section.slug}/rss/",
        READER,
    ),
    "section/<unicode_slug:slug>/atom/": (
        lambda site: f"/section/{site['article'].section.slug}/atom/",
        READER,
    ),
    "tag/<unicode_slug:slug>/": (lambda site: site["tag"].get_absolute_url(), READER),
    "author/<unicode_slug:slug>/": (lambda site: site["author"].get_absolute_url(), READER),
    "search/": (lambda site: "/search/?q=harbour", READER),
    "feeds/rss/": (lambda site: "/feeds/rss/", READER),
    "feeds/atom/": (lambda site: "/feeds/atom/", READER),
    f"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$": (lambda site: site["media_url"], READER),
    "<path:path>": (lambda site: site["page"].get_absolute_url(), READER),
}
REFUSED_METHODS = ["TRACE", "PUT", "PATCH", "DELETE", "PROPFIND", "CONNECT", "MKCOL", "BREW"]


def public_routes(patterns=None, prefix=""):
    """Every route of the root URLconf outside the admin, as written in the URLconf."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.startswith("admin/"):
            continue
        if isinstance(entry, URLResolver):
            yield from public_routes(entry.url_patterns, route)
        else:
            yield route


@pytest.fixture
def site():
    """A published article with a tag and an author, a live one with an update, and an
    uploaded file."""
    author = AuthorFactory()
    tag = TagFactory()
    article = ArticleFactory(tags=[tag], authors=[author])
    media_file = Path(settings.MEDIA_ROOT) / "methods-probe.svg"
    media_file.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    yield {
        "article": article,
        "tag": tag,
        "author": author,
        "media_url": f"{settings.MEDIA_URL}methods-probe.svg",
        "page": Page.objects.create(title="About us", path="/about/"),
        "comment": (comment := CommentFactory(article=article, status="approved")),
        "subscription": ReplySubscription.objects.create(comment=comment, email="a@example.org"),
        "live_update": LiveUpdate.objects.create(
            article=ArticleFactory(is_live=True), body="<p>The harbour is closed.</p>"
        ),
    }
    media_file.unlink()


def test_every_public_route_has_an_example():
    """The class tests below cover every public route: a new one must be added to ROUTES."""
    assert sorted(public_routes()) == sorted(ROUTES)


def test_trace_gets_a_405_not_the_page(client, site):
    """TRACE / used to answer with the full home page."""
    response = client.generic("TRACE", "/")
    assert response.status_code == 405
    assert response["Allow"] == READER
    assert response.content == b""


def test_every_public_route_refuses_the_methods_it_does_not_serve(client, site):
    """Every public page x TRACE, PUT, PATCH, DELETE, WebDAV, unknown: an empty 405 + Allow."""
    for example, allowed in ROUTES.values():
        url = example(site)
        for method in REFUSED_METHODS:
            response = client.generic(method, url)
            assert (response.status_code, response.get("Allow")) == (405, allowed), (url, method)
            assert response.content == b"", (url, method)


def test_options_gets_an_empty_answer_naming_the_methods(client, site):
    """OPTIONS on every public page: 204, no body, and the methods that page answers."""
    for example, allowed in ROUTES.values():
        url = example(site)
        response = client.options(url)
        assert (response.status_code, response.get("Allow")) == (204, allowed), url
        assert response.content == b"", url


def test_reader_pages_refuse_post(client, site):
    """A POST to a page that only shows something is a 405, not the page."""
    for example, allowed in ROUTES.values():
        if "POST" in allowed:
            continue
        url = example(site)
        response = post_form(client, url, {"q": "harbour"})
        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD", url
        assert response.content == b"", url


def test_reader_pages_still_answer_get_and_head(client, site):
    """The narrowing keeps what readers, feed readers and crawlers use."""
    for route, (example, allowed) in ROUTES.items():
        if "GET" not in allowed:
            continue
        url = example(site)
        # A comment's permalink leads to the page that shows it today: a temporary redirect.
        # Its edit page is its author's alone: for anyone else, there is no such page.
        answers = {
            "comments/<int:comment_id>/": (302,),
            "comments/<int:comment_id>/edit/": (404,),
        }.get(route, (200, 301))
        for method in ("GET", "HEAD"):
            status = client.generic(method, url).status_code
            assert status in answers, (url, method, status)


def test_the_admin_and_unknown_addresses_refuse_trace_too(client):
    """The refusal is site-wide: the admin and addresses that match no route."""
    for url in ("/admin/", "/admin/login/", "/no-such-page/"):
        response = client.generic("TRACE", url)
        assert response.status_code == 405, url
        assert response.content == b""


def test_options_on_the_admin_names_its_methods(client):
    """The admin takes forms, so its Allow header names POST too."""
    response = client.options("/admin/login/")
    assert (response.status_code, response["Allow"]) == (204, "GET, HEAD, POST, OPTIONS")
