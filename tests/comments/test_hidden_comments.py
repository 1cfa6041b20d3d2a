"""A comment readers may not see is never named to them: not its author, not its words, by any
path that takes a comment id from a reader."""

import pytest
from django.test import Client

from comments.models import Comment
from tests.comments.conftest import aged_token, post_form
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

HIDDEN_NAME = "Harriet Hidden"
HIDDEN_WORDS = "words nobody has approved"


def _form(parent, **fields):
    return {
        "comment": "My reply",
        "name": "Ada",
        "email": "ada@example.org",
        "issued": aged_token(),
        "parent": str(parent),
        **fields,
    }


def test_the_json_error_does_not_name_the_author_of_a_pending_comment(client, article):
    """The leak as found: a fetch-POST with an invalid field and someone else's pending
    comment as the parent said "Reply to <their name>"."""
    pending = CommentFactory(
        article=article, status=Comment.Status.PENDING, name=HIDDEN_NAME, body=HIDDEN_WORDS
    )
    response = post_form(
        client,
        f"/comments/post/{article.pk}/",
        _form(pending.pk, name=""),
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 400
    assert HIDDEN_NAME not in response.json()["html"]
    assert "Reply to" not in response.json()["html"]


def _reader_views_of(article, comment_id) -> dict[str, str]:
    """Every response a reader can get that takes a comment id from them."""
    path = f"/comments/post/{article.pk}/"
    fetch = {"X-Requested-With": "fetch"}
    views = {}
    for label, fields in {"invalid": {"name": ""}, "valid": {}}.items():
        views[f"fetch, {label} form"] = post_form(
            Client(), path, _form(comment_id, **fields), headers=fetch
        ).json()["html"]
        views[f"no script, {label} form"] = post_form(
            Client(), path, _form(comment_id, **fields), follow=True
        ).content.decode()
    views["?replyto="] = (
        Client().get(article.get_absolute_url(), {"replyto": comment_id}).content.decode()
    )
    return views


@pytest.mark.parametrize(
    "status", [Comment.Status.PENDING, Comment.Status.REJECTED, Comment.Status.SPAM]
)
@pytest.mark.parametrize("where", ["this article", "another article"])
def test_no_reader_path_names_a_comment_they_cannot_see(article, status, where):
    """Pending, rejected and spam comments (and approved ones on other articles, as reply
    targets) are invisible through every reader path, and cannot be replied to."""
    home = article if where == "this article" else ArticleFactory()
    hidden = CommentFactory(article=home, status=status, name=HIDDEN_NAME, body=HIDDEN_WORDS)
    leaks = [
        label
        for label, html in _reader_views_of(article, hidden.pk).items()
        if HIDDEN_NAME in html or HIDDEN_WORDS in html
    ]
    assert leaks == []
    assert not Comment.objects.filter(parent=hidden).exists()


def test_an_approved_comment_on_another_article_is_not_a_reply_target(article):
    elsewhere = CommentFactory(article=ArticleFactory(), name=HIDDEN_NAME, body=HIDDEN_WORDS)
    views = _reader_views_of(article, elsewhere.pk)
    assert not any(HIDDEN_NAME in html for html in views.values())
    assert not Comment.objects.filter(parent=elsewhere).exists()


def test_an_approved_comment_is_named_as_the_reply_target(article):
    """The one path works for what readers may see (the test above could not pass by
    never naming anyone)."""
    approved = CommentFactory(article=article, name="Visible Victor")
    views = _reader_views_of(article, approved.pk)
    assert "Reply to Visible Victor" in views["?replyto="]
    assert "Reply to Visible Victor" in views["fetch, invalid form"]
    assert Comment.objects.filter(parent=approved).exists()
