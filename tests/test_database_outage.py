"""A database that cannot be reached (#9): readers get a 503 that needs no database and says
when to come back; a commenter whose post failed gets their text back, and can send it again
once the database returns."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.comments.conftest import aged_token, post_form
from tests.factories import ArticleFactory
from tests.test_error_pages import database_down

pytestmark = pytest.mark.django_db


def reader():
    return Client(raise_request_exception=False)


class KeptText(HTMLParser):
    """The 503 page's kept text (its read-only boxes) and its "send again" form."""

    def __init__(self, html: str):
        super().__init__()
        self.boxes, self.hidden, self.action, self._box = [], {}, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.action = attrs["action"]
        elif tag == "input" and attrs.get("type") == "hidden":
            self.hidden[attrs["name"]] = attrs["value"]
        elif tag == "textarea":
            self._box = ""

    def handle_data(self, data):
        if self._box is not None:
            self._box += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.boxes.append(self._box)
            self._box = None


@pytest.mark.parametrize("path", ["/", "article", "/search/?q=flood", "/feeds/rss/"])
def test_readers_get_a_503_with_retry_after_while_the_database_is_down(path):
    article = ArticleFactory(headline="Flood barrier holds")
    url = article.get_absolute_url() if path == "article" else path
    with database_down():
        response = reader().get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Back in a moment" in page and "try again in 10 seconds" in page
    # Once the database is back, so is the page.
    assert reader().get(url).status_code == 200


def test_a_comment_that_could_not_be_stored_comes_back_to_its_author_to_send_again():
    article = ArticleFactory()
    typed = 'The barrier held, but "the pumps" <failed> at 3 a.m. & nobody came.'
    fields = {
        "comment": typed,
        "name": "Ada Reader",
        "email": "ada@example.org",
        "url": "",
        "issued": aged_token(),
    }
    path = reverse("comments:post", kwargs={"article_id": article.pk})
    with database_down():
        response = post_form(reader(), path, fields)
    assert response.status_code == 503
    page = response.content.decode()
    assert "What you sent was not saved" in page
    assert typed not in page  # escaped, never markup
    kept = KeptText(page)
    assert kept.boxes == [typed, "Ada Reader", "ada@example.org"]
    assert Comment.objects.count() == 0

    # "Send it again" posts the hidden copy of the form, token included, to the same address.
    assert kept.action == path
    assert kept.hidden["comment"] == typed and kept.hidden["issued"] == fields["issued"]
    post_form(reader(), path, kept.hidden)
    assert list(Comment.objects.values_list("body", flat=True)) == [typed]


def test_a_failed_post_without_text_shows_no_empty_box():
    with database_down():
        response = post_form(reader(), "/comments/post/1/", {"comment": "", "issued": "x"})
    assert response.status_code == 503
    assert "What you sent was not saved" not in response.content.decode()
