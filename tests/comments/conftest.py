from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from comments import spam, tokens
from tests.factories import ArticleFactory


def aged_token(seconds: int = 30, client_address: str = "127.0.0.1") -> str:
    """A form token issued `seconds` ago to the reader at `client_address` (the test client's
    own by default), as if they had spent that long typing."""
    with time_machine.travel(timezone.now() - timedelta(seconds=seconds), tick=False):
        return tokens.issue_token(client_address)


def post_form(browser, path, data, **extra):
    """POST `data` URL-encoded from a page of the site, as a browser sends a form: with its
    Origin (the test client's default body is multipart, which public pages refuse)."""
    extra.setdefault("HTTP_ORIGIN", "http://testserver")
    return browser.post(
        path, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded", **extra
    )


@pytest.fixture
def article(db):
    return ArticleFactory(headline="Harbour wall repaired")


@pytest.fixture
def post_comment(client):
    """Post the comment form as a browser without JavaScript would."""

    def post(article, *, browser=None, follow=False, headers=None, remote_addr=None, **fields):
        browser = browser or client
        meta = {**browser.defaults, **({"REMOTE_ADDR": remote_addr} if remote_addr else {})}
        # The token a reader fetched from this address (as the site sees it) 30 s ago.
        seen_as = spam.client_ip(RequestFactory().post("/", headers=headers or {}, **meta))
        data = {
            "comment": "The new wall looks solid.",
            "name": "Ada Reader",
            "email": "ada@example.org",
            "url": "",
            "issued": aged_token(client_address=seen_as),
            **fields,
        }
        return post_form(
            browser,
            reverse("comments:post", kwargs={"article_id": article.pk}),
            data,
            follow=follow,
            headers=headers or {},
            **({"REMOTE_ADDR": remote_addr} if remote_addr else {}),
        )

    return post
