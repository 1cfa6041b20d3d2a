"""'Published' means status published and publication time reached, everywhere."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from articles.querysets import STATES
from tests.factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db

# The article sitemap, not /sitemap.xml: that is the index of the sitemaps.
PLACES = ("/", "/feeds/rss/", "/feeds/atom/", "/sitemap-articles.xml", "/sitemap-news.xml")


def test_scheduled_article_appears_by_itself_when_its_time_comes(client):
    """No cron: before its time it is nowhere; after it, it is on every page that lists it."""
    now = timezone.now()
    tag = TagFactory(name="Elections")
    ArticleFactory(headline="Already out", tags=[tag], published_at=now - timedelta(hours=2))
    scheduled = ArticleFactory(
        headline="Polls close in Port Halden",
        slug="polls-close",
        tags=[tag],
        published_at=now + timedelta(minutes=30),
    )
    places = (
        *PLACES,
        scheduled.section.get_absolute_url(),
        tag.get_absolute_url(),
        "/search/?q=Halden",
        "/section/" + scheduled.section.slug + "/rss/",
    )
    with time_machine.travel(now, tick=False):
        for url in places:
            assert "polls-close" not in client.get(url).content.decode(), url
        assert client.get(scheduled.get_absolute_url()).status_code == 404
    with time_machine.travel(now + timedelta(minutes=31), tick=False):
        for url in places:
            assert "polls-close" in client.get(url).content.decode(), url
        assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_published_queryset_definition():
    now = timezone.now()
    live = ArticleFactory(published_at=now - timedelta(seconds=1))
    ArticleFactory(published_at=now + timedelta(seconds=60))
    ArticleFactory(status=Article.Status.DRAFT, published_at=now - timedelta(days=1))
    assert list(Article.objects.published(now=now)) == [live]


def test_each_article_is_in_exactly_the_state_it_is_listed_under(admin_client):
    """Draft, scheduled, published: the admin's filter, the article's own state and the admin
    index's counts agree, because they are one definition."""
    now = timezone.now()
    ArticleFactory(headline="Live", published_at=now - timedelta(seconds=1))
    ArticleFactory(headline="Timed", published_at=now + timedelta(seconds=60))
    ArticleFactory(headline="Unfinished", status=Article.Status.DRAFT, published_at=None)
    ArticleFactory(headline="Pulled", status=Article.Status.DRAFT, published_at=now)
    expected = {
        "draft": {"Unfinished", "Pulled"},
        "scheduled": {"Timed"},
        "published": {"Live"},
    }
    with time_machine.travel(now, tick=False):
        read = {
            "draft": Article.objects.drafts(),
            "scheduled": Article.objects.scheduled(),
            "published": Article.objects.published(),
        }
        for state, headlines in expected.items():
            assert {article.headline for article in read[state]} == headlines, state
            assert {article.state for article in read[state]} == {STATES[state]}
            assert {(a.is_public, a.is_scheduled) for a in read[state]} == {
                (state == "published", state == "scheduled")
            }
            listed = admin_client.get(f"/admin/articles/article/?state={state}").content.decode()
            shown = {h for h in ("Live", "Timed", "Unfinished", "Pulled") if f">{h}</a>" in listed}
            assert shown == headlines, state
        assert Article.objects.state_counts() == {"drafts": 2, "scheduled": 1}


def test_publishing_without_a_time_publishes_now():
    article = ArticleFactory(published_at=None)
    assert article.published_at is not None
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_body_is_stored_sanitised():
    """Script, event handlers and javascript: links never reach the page."""
    article = ArticleFactory(
        body='<p onclick="steal()">Hi <a href="javascript:alert(1)">x</a></p>'
        '<script>alert(1)</script><img src=x onerror="alert(1)"><a href="https://example.org">ok</a>'
    )
    assert "onclick" not in article.body
    assert "javascript:" not in article.body
    assert "<script" not in article.body
    assert "onerror" not in article.body
    assert '<a href="https://example.org" rel="noopener noreferrer">ok</a>' in article.body
    assert article.body_text.startswith("Hi x")


def test_body_is_sanitised_again_when_rendered(client):
    """Rows written behind the model's back (raw SQL, imports) still render safely."""
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(body="<p>Fine</p><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<p>Fine</p>" in html
    assert "<script>alert(1)</script>" not in html
