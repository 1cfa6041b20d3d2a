"""`manage.py generate_content`: the thin command over the two apps' generators."""

import io

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_the_command_fills_the_site_and_shows_its_progress_on_one_line(client):
    out = io.StringIO()
    call_command("generate_content", articles=40, comments=300, seed=1, stdout=out)
    assert Article.objects.count() == 40 and Comment.objects.count() == 300
    output = out.getvalue()
    # Each bar is redrawn in place with "\r" and ends with a newline at 100%.
    articles_bar = output.split("\n")[0]
    assert articles_bar.startswith("\r  articles [") and articles_bar.count("\r") >= 2
    assert "100%  40/40" in articles_bar
    assert "40 articles (" in output and "300 comments on " in output
    assert "Generated in " in output
    # The generated site is browsable.
    assert client.get("/").status_code == 200
    article = Article.objects.published().filter(comments__isnull=False).first()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_quiet_with_verbosity_zero():
    out = io.StringIO()
    call_command("generate_content", articles=20, comments=50, verbosity=0, stdout=out)
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    "arguments",
    [{"articles": -1}, {"comments": -5}, {"years": 0}],
    ids=["articles", "comments", "years"],
)
def test_impossible_numbers_are_refused_with_a_message(arguments):
    with pytest.raises(CommandError, match="must be"):
        call_command("generate_content", **arguments)
    assert not Article.objects.exists()


def test_comments_without_articles_to_comment_on_are_refused_with_a_message():
    with pytest.raises(CommandError, match="no published articles"):
        call_command("generate_content", articles=0, comments=10, stdout=io.StringIO())
