from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from comments import spam
from tests.factories import ArticleFactory


def aged_token(seconds: int = 30) -> str:
    """A form token issued `seconds` ago, as if the reader had spent that long typing."""
    with time_machine.travel(timezone.now() - timedelta(seconds=seconds), tick=False):
        return spam.issue_token()


def post_form(browser, path, data, **extra):
    """POST `data` URL-encoded, as a browser sends a form (the test client's default is
    multipart, which public pages refuse)."""
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
        data = {
            "comment": "The new wall looks solid.",
            "name": "Ada Reader",
            "email": "ada@example.org",
            "url": "",
            "issued": aged_token(),
            **fields,
        }
        return post_form(
            browser or client,
            reverse("comments:post", kwargs={"article_id": article.pk}),
            data,
            follow=follow,
            headers=headers or {},
            **({"REMOTE_ADDR": remote_addr} if remote_addr else {}),
        )

    return post
