"""The application server's own page cache: public pages served again without rendering, until
a purge of any key they show (or the next scheduled publication)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from comments.services import comment_moderate
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True


def test_a_public_page_is_served_again_without_rendering(django_assert_num_queries):
    article = ArticleFactory()
    first = Client().get(article.get_absolute_url())
    assert "X-Page-Cache" not in first
    with django_assert_num_queries(0):
        again = Client().get(article.get_absolute_url())
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content
    assert again["xkey"] == first["xkey"]
    assert "public" in again["Cache-Control"]


def test_a_purged_key_takes_every_page_showing_it_out(django_capture_on_commit_callbacks):
    """An approved comment shows at once, on the article and on the lists showing its count."""
    article = ArticleFactory()
    comment = CommentFactory(
        article=article, status=Comment.Status.PENDING, body="Approved just now"
    )
    client = Client()
    client.get(article.get_absolute_url())
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        comment_moderate(comment=comment, to_status=Comment.Status.APPROVED)
    page = client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in page
    assert "Approved just now" in page.content.decode()
    assert "X-Page-Cache" not in client.get("/")


def test_a_purge_of_keys_a_page_does_not_show_leaves_it_in_the_cache():
    from newsportal.front_cache import purge_now

    article = ArticleFactory()
    client = Client()
    shown = client.get(article.get_absolute_url())["xkey"].split()
    purge_now(["tag-999999", "author-999999"])
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    purge_now([shown[0]])
    assert "X-Page-Cache" not in client.get(article.get_absolute_url())


def test_personal_requests_never_use_it(admin_client):
    article = ArticleFactory()
    Client().get(article.get_absolute_url())
    response = admin_client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]


def test_a_stored_page_says_how_long_it_may_still_be_kept():
    """A front cache fed from the page cache keeps the page no longer than the page cache
    would: not past the next scheduled publication."""
    ArticleFactory(published_at=timezone.now() + timedelta(seconds=120))
    Client().get("/")
    with time_machine.travel(timezone.now() + timedelta(seconds=100)):
        again = Client().get("/")
    assert again["X-Page-Cache"] == "hit"
    max_age = int(again["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert max_age <= 21


def test_an_unreachable_cache_is_an_empty_cache(cache_down):
    article = ArticleFactory()
    response = Client().get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.headline in response.content.decode()


def test_a_scheduled_article_appears_on_time_through_the_page_cache():
    scheduled = ArticleFactory(
        headline="Embargoed until noon", published_at=timezone.now() + timedelta(seconds=60)
    )
    assert "Embargoed until noon" not in Client().get("/").content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert "Embargoed until noon" in Client().get("/").content.decode()
        assert Article.objects.published().filter(pk=scheduled.pk).exists()


def test_a_page_is_checked_against_its_keys_when_the_purge_generation_was_lost():
    """A hit costs one cache read while nothing was purged; if the cache lost the generation
    (evicted under memory pressure), each page's own keys decide, never the lost value."""
    from newsportal.front_cache import purge_now
    from newsportal.page_cache import GENERATION

    article = ArticleFactory()
    client = Client()
    client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    purge_now([f"article-{article.pk}"])
    cache.delete(GENERATION)
    assert "X-Page-Cache" not in client.get(article.get_absolute_url())


def test_a_stored_page_keeps_its_etag_and_answers_304():
    article = ArticleFactory()
    first = Client().get(article.get_absolute_url())
    again = Client().get(article.get_absolute_url())
    assert again["X-Page-Cache"] == "hit"
    assert again["ETag"] == first["ETag"]
    unchanged = Client().get(article.get_absolute_url(), headers={"If-None-Match": first["ETag"]})
    assert unchanged.status_code == 304


def test_a_hit_on_a_cache_that_never_saw_a_purge_is_one_read(monkeypatch):
    """The purge generation is started with the first stored page: until the next purge a hit
    does not read its keys' versions."""
    from newsportal import page_cache

    article = ArticleFactory()
    Client().get(article.get_absolute_url())
    versions_read = []
    monkeypatch.setattr(page_cache, "key_versions", versions_read.append)
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    assert versions_read == []


def test_a_page_a_purge_overtook_is_kept_by_no_cache(monkeypatch):
    """A page whose data was read just before a change committed, and whose purge landed while
    it was being made, would reach the front cache after that purge and stay there stale: it
    is stored nowhere and a front cache keeps it for a second at most."""
    from articles import views
    from newsportal.front_cache import purge_now

    article = ArticleFactory()
    render = views.render

    def render_while_an_editor_publishes(*args, **kwargs):
        purge_now([f"article-{article.pk}"])  # committed elsewhere, mid-render
        return render(*args, **kwargs)

    monkeypatch.setattr(views, "render", render_while_an_editor_publishes)
    overtaken = Client().get(article.get_absolute_url())
    assert "s-maxage=1," in overtaken["Cache-Control"]
    monkeypatch.setattr(views, "render", render)
    again = Client().get(article.get_absolute_url())
    assert "X-Page-Cache" not in again
    assert "s-maxage=600," in again["Cache-Control"]
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"
