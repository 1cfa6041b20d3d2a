"""Anything a browser or a script can put in a URL gets a page or a clear 4xx, never a 500."""

import pytest

from tests.comments.conftest import post_form
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, TagFactory

pytestmark = pytest.mark.django_db

ODD_VALUES = [
    "²", "٣", "-1", "0", "1e5", "1.5", "99999999999999999999999", "9" * 400, "\x00", "%",
    "<script>alert(1)</script>", "' OR 1=1 --", "", " ", "１２",
]  # fmt: skip
PARAMETERS = ["page", "comments", "replyto", "q"]


@pytest.fixture
def urls():
    author = AuthorFactory()
    tag = TagFactory()
    article = ArticleFactory(tags=[tag], authors=[author])
    CommentFactory(article=article)
    return [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        tag.get_absolute_url(),
        author.get_absolute_url(),
        "/search/",
        "/feeds/rss/",
        f"/section/{article.section.slug}/atom/",
        "/sitemap.xml",
        "/sitemap-articles.xml?p=1",
        "/sitemap-news.xml",
    ]


def test_odd_query_parameters_never_cause_a_server_error(client, urls):
    failures = []
    for url in urls:
        for name in PARAMETERS:
            for value in ODD_VALUES:
                status = client.get(url, {name: value}).status_code
                if status >= 500:
                    failures.append(f"{url}?{name}={value!r}: {status}")
    assert failures == []


@pytest.mark.parametrize(
    "path",
    [
        "/news/%C2%B2/",
        "/news/..%2F..%2Fetc%2Fpasswd/",
        "/section/%00/",
        "/media/../settings.py",
        "/media/" + "a" * 256,  # "File name too long" from the file system was a 500
        "/media/images/" + "é" * 128 + ".jpg",  # 256 bytes in UTF-8
        "/comments/post/99999999999999999999999/",
        "/comments/post/-1/",
    ],
)
def test_odd_paths_are_refused_not_errors(path):
    from django.test import Client

    # As a server answers: a suspicious path is a 400 response, not an exception.
    browser = Client(raise_request_exception=False)
    assert browser.get(path).status_code in (400, 404, 405)


@pytest.mark.parametrize("field", ["parent", "issued", "comment", "name", "email", "url"])
def test_odd_comment_form_values_never_cause_a_server_error(client, field):
    article = ArticleFactory()
    for value in ODD_VALUES:
        data = {"comment": "Hello", "name": "Ada", "email": "ada@example.org", field: value}
        for headers in ({}, {"X-Requested-With": "fetch"}):
            response = post_form(client, f"/comments/post/{article.pk}/", data, headers=headers)
            assert response.status_code < 500, (field, value, response.status_code)
