"""What readers of live coverage get (#13): the live article's page with its updates, key events
and state; each update's permalink with its own social card; the LiveBlogPosting JSON-LD; the
coverage's own feeds. A draft or scheduled update never reaches any of them before its time."""

import json
import re
from datetime import timedelta

import feedparser
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.live.coverage import UPDATES_PER_PAGE
from articles.live.models import LiveUpdate
from articles.live.services import live_coverage_end
from tests.factories import ArticleFactory, ImageFactory, superuser

pytestmark = pytest.mark.django_db

# The coverage's count and latest time, its page of updates, its key events, its next
# scheduled update; a permalink also reads its update and where it falls in the stream.
LIVE_QUERIES = 4
PERMALINK_QUERIES = LIVE_QUERIES + 2


def live_article(**fields):
    fields.setdefault("headline", "Storm reaches the harbour")
    return ArticleFactory(is_live=True, body="<p>What we know so far.</p>", **fields)


def post(article, words: str, *, minutes_ago: float = 0, **fields) -> LiveUpdate:
    """An update `minutes_ago` (negative: scheduled that far ahead), public unless told."""
    return LiveUpdate.objects.create(
        article=article,
        body=f"<p>{words}</p>",
        published_at=timezone.now() - timedelta(minutes=minutes_ago),
        byline="Desk Editor",
        **fields,
    )


def stream(html: str) -> list[int]:
    """The ids of the updates in the coverage's stream, in page order."""
    return [
        int(pk) for pk in re.findall(r'<article class="live-update[^"]*"\s+id="update-(\d+)"', html)
    ]


def key_events(html: str) -> list[int]:
    listed = html.split("data-live-key-events>")[1].split("</ol>")[0]
    return [int(pk) for pk in re.findall(r'data-update-id="(\d+)"', listed)]


def meta_tags(html: str) -> dict[str, str]:
    return dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html))


def json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def max_age(response) -> int:
    return int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])


def page(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def coverage():
    """A live article with three public updates (one a key event), a draft and a scheduled one."""
    article = live_article()
    first = post(article, "Winds of ninety kilometres an hour.", minutes_ago=30)
    key = post(article, "The harbour is closed.", minutes_ago=20, headline="Harbour closed")
    key.is_key_event = True
    key.save()
    newest = post(article, "Ferries are cancelled until morning.", minutes_ago=10)
    draft = post(article, "DRAFT words nobody may read.", status=LiveUpdate.Status.DRAFT)
    scheduled = post(article, "SCHEDULED words for later.", minutes_ago=-30, is_key_event=True)
    return {
        "article": article,
        "updates": [first, key, newest],
        "key": key,
        "draft": draft,
        "scheduled": scheduled,
    }


class TestLivePage:
    def test_updates_newest_first_by_default(self, coverage):
        """A reader sees the latest update at the top of the coverage."""
        first, key, newest = coverage["updates"]
        html = page(coverage["article"].get_absolute_url())
        assert stream(html) == [newest.pk, key.pk, first.pk]
        assert 'data-live-order="newest"' in html
        assert "Ferries are cancelled until morning." in html

    def test_the_site_can_default_to_oldest_first(self, coverage, settings):
        settings.ARTICLES_LIVE_ORDER = "oldest"
        first, key, newest = coverage["updates"]
        html = page(coverage["article"].get_absolute_url())
        assert stream(html) == [first.pk, key.pk, newest.pk]
        assert 'data-live-order="oldest"' in html
        url = coverage["article"].get_absolute_url()
        assert f'href="{url}?updates_order=newest#live"' in html

    def test_a_reader_can_toggle_the_order(self, coverage):
        """The toggle is a link; it leaves the comments' own ?order= alone."""
        first, key, newest = coverage["updates"]
        url = coverage["article"].get_absolute_url()
        html = page(url)
        assert f'href="{url}?updates_order=oldest#live"' in html
        assert '<span aria-current="true">Newest first</span>' in html
        oldest = page(f"{url}?updates_order=oldest")
        assert stream(oldest) == [first.pk, key.pk, newest.pk]
        assert '<span aria-current="true">Oldest first</span>' in oldest
        assert f'href="{url}#live"' in oldest
        assert stream(page(f"{url}?updates_order=nonsense")) == [newest.pk, key.pk, first.pk]
        assert stream(page(f"{url}?order=oldest")) == [newest.pk, key.pk, first.pk]

    def test_key_events_are_listed_at_the_top_newest_first(self, coverage):
        article = coverage["article"]
        unnamed = post(article, " ".join(f"word{n}" for n in range(20)), minutes_ago=5)
        unnamed.is_key_event = True
        unnamed.save()
        html = page(article.get_absolute_url())
        assert key_events(html) == [unnamed.pk, coverage["key"].pk]
        assert html.index("Key events") < html.index("data-live-stream")
        assert f'href="{coverage["key"].get_absolute_url()}"' in html
        assert "Harbour closed</a>" in html
        # No headline: named by its opening words.
        assert "word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11…" in html

    def test_no_key_events_leaves_the_list_hidden_for_the_script_to_fill(self):
        article = live_article()
        post(article, "Quiet so far.", minutes_ago=1)
        html = page(article.get_absolute_url())
        assert re.search(r'<nav class="live-key-events"[^>]*\shidden>', html)
        assert key_events(html) == []

    def test_live_badge_and_the_time_of_the_latest_update(self, coverage):
        newest = coverage["updates"][-1]
        html = page(coverage["article"].get_absolute_url())
        assert '<span class="live-badge">Live</span>' in html
        assert 'data-live-state="live"' in html
        iso = timezone.localtime(newest.published_at).isoformat()
        assert re.search(
            rf'<time data-live-latest datetime="{re.escape(iso)}">\d\d:\d\d</time>', html
        )
        assert "This live coverage has ended" not in html

    def test_ended_coverage_says_so(self, coverage):
        article = coverage["article"]
        live_coverage_end(article=article, editor=superuser())
        html = page(article.get_absolute_url())
        assert "This live coverage has ended." in html
        assert 'data-live-state="ended"' in html
        assert "live-badge" not in html
        assert len(stream(html)) == 3

    def test_an_article_that_is_not_live_shows_no_coverage(self, coverage):
        article = coverage["article"]
        article.is_live = False
        article.save()
        html = page(article.get_absolute_url())
        assert "live-coverage" not in html
        assert "Ferries are cancelled" not in html
        assert "live/rss" not in html

    def test_a_live_article_without_updates_yet(self):
        article = live_article()
        html = page(article.get_absolute_url())
        assert "No updates yet" in html
        assert stream(html) == []
        assert "LiveBlogPosting" in html

    def test_long_coverage_is_paginated(self):
        """Older updates are on later pages, reached by links, in either order."""
        article = live_article()
        updates = [post(article, f"Update {n}.", minutes_ago=100 - n) for n in range(45)]
        newest_first = [u.pk for u in reversed(updates)]
        url = article.get_absolute_url()
        html = page(url)
        assert stream(html) == newest_first[:UPDATES_PER_PAGE]
        assert 'data-live-first-page="true"' in html and 'data-live-last-page="false"' in html
        assert f'href="{url}?updates=2#live">Older updates' in html
        assert "Page 1 of 3" in html
        last = page(f"{url}?updates=3")
        assert stream(last) == newest_first[40:]
        assert 'data-live-first-page="false"' in last and 'data-live-last-page="true"' in last
        assert f'href="{url}?updates=2#live">Newer updates' in last
        oldest = page(f"{url}?updates=2&updates_order=oldest")
        assert stream(oldest) == [u.pk for u in updates][20:40]
        assert f'href="{url}?updates=3&amp;updates_order=oldest#live">Newer updates' in oldest
        # Nonsense asks for the first page; beyond the end, the last.
        assert stream(page(f"{url}?updates=x%00")) == newest_first[:UPDATES_PER_PAGE]
        assert stream(page(f"{url}?updates=99")) == newest_first[40:]

    def test_queries_do_not_grow_with_the_updates(self, django_assert_num_queries):
        article = live_article()
        image = ImageFactory()

        def count(url):
            with CaptureQueriesContext(connection) as queries:
                assert Client().get(url).status_code == 200
            return len(queries)

        for n in range(3):
            post(article, f"Update {n}.", minutes_ago=200 - n, is_key_event=True, image=image)
        small = count(article.get_absolute_url())
        small_permalink = count(LiveUpdate.objects.first().get_absolute_url())
        for n in range(50):
            post(article, f"More {n}.", minutes_ago=100 - n, is_key_event=n % 2, image=image)
        post(article, "Later.", minutes_ago=-10)
        assert count(article.get_absolute_url()) == small
        assert count(f"{article.get_absolute_url()}?updates=3") == small
        oldest = LiveUpdate.objects.order_by("published_at").first()
        assert count(oldest.get_absolute_url()) == small_permalink
        # What any article's page costs (tests/articles/test_queries.py), and the coverage.
        plain = count(ArticleFactory(section=article.section).get_absolute_url())
        with django_assert_num_queries(plain + LIVE_QUERIES):
            Client().get(article.get_absolute_url())
        with django_assert_num_queries(plain + PERMALINK_QUERIES):
            Client().get(oldest.get_absolute_url())

    def test_the_coverage_has_its_own_feeds_linked(self, coverage):
        slug = coverage["article"].slug
        html = page(coverage["article"].get_absolute_url())
        assert (
            'type="application/rss+xml" title="Storm reaches the harbour: live updates (RSS)" '
            f'href="/news/{slug}/live/rss/"'
        ) in html
        assert f'href="/news/{slug}/live/atom/"' in html
        assert "js/live.js" in html

    def test_the_lead_story_and_a_card_say_live(self, coverage):
        lead = page("/").split('class="lead-story')[1].split("</section>")[0]
        assert '<span class="live-badge">Live</span>' in lead
        ArticleFactory(published_at=timezone.now())  # the lead now; the live one is a card
        html = page("/")
        card = html.split('class="article-card')[1].split("</article>")[0]
        assert "Storm reaches the harbour" in card
        assert '<span class="live-badge">Live</span>' in card
        live_coverage_end(article=coverage["article"], editor=superuser())
        assert "live-badge" not in page("/")


class TestPermalink:
    def test_opens_the_page_at_the_update_marked(self, coverage):
        key = coverage["key"]
        html = page(key.get_absolute_url())
        assert key.get_absolute_url() == f"/news/{coverage['article'].slug}/updates/{key.pk}/"
        marked = rf'class="live-update live-update-key live-update-focus"\s+id="update-{key.pk}"'
        assert re.search(rf"{marked}[^>]*data-live-focus", html)
        assert html.count("data-live-focus") == 1
        # Without the script, the shared update is at the top of the page too.
        assert html.index("Shared update") < html.index("What we know so far.")
        assert f'href="#update-{key.pk}"' in html
        assert len(stream(html)) == 3

    def test_finds_the_page_that_holds_the_update_in_the_readers_order(self):
        article = live_article()
        updates = [post(article, f"Update {n}.", minutes_ago=100 - n) for n in range(45)]
        oldest, newest = updates[0], updates[-1]
        html = page(oldest.get_absolute_url())
        assert oldest.pk in stream(html)
        assert "Page 3 of 3" in html
        assert "Page 1 of 3" in page(newest.get_absolute_url())
        assert "Page 1 of 3" in page(f"{oldest.get_absolute_url()}?updates_order=oldest")
        assert "Page 3 of 3" in page(f"{newest.get_absolute_url()}?updates_order=oldest")
        # The permalink decides the page, whatever ?updates= says.
        assert "Page 3 of 3" in page(f"{oldest.get_absolute_url()}?updates=1")
        # Updates at the same second keep their order across pages.
        same = timezone.now() - timedelta(minutes=200)
        LiveUpdate.objects.update(published_at=same)
        by_id = sorted(u.pk for u in updates)
        assert by_id[0] in stream(page(LiveUpdate.objects.get(pk=by_id[0]).get_absolute_url()))
        assert stream(page(f"{article.get_absolute_url()}?updates=3")) == list(reversed(by_id))[40:]

    @pytest.mark.parametrize("which", ["draft", "scheduled"])
    def test_a_draft_or_scheduled_update_has_no_page(self, coverage, which):
        assert Client().get(coverage[which].get_absolute_url()).status_code == 404

    def test_404s(self, coverage):
        article, key = coverage["article"], coverage["key"]
        other = live_article(headline="Another storm")
        elsewhere = post(other, "Elsewhere.", minutes_ago=1)
        assert Client().get(f"/news/{article.slug}/updates/{elsewhere.pk}/").status_code == 404
        assert Client().get(f"/news/{article.slug}/updates/999999/").status_code == 404
        assert Client().get(f"/news/no-such-article/updates/{key.pk}/").status_code == 404
        article.is_live = False
        article.save()
        assert Client().get(key.get_absolute_url()).status_code == 404
        article.is_live = True
        article.status = article.Status.DRAFT
        article.save()
        assert Client().get(key.get_absolute_url()).status_code == 404

    def test_an_update_of_ended_coverage_keeps_its_permalink(self, coverage):
        live_coverage_end(article=coverage["article"], editor=superuser())
        assert "This live coverage has ended." in page(coverage["key"].get_absolute_url())

    def test_shares_with_its_own_card(self, coverage):
        key = coverage["key"]
        html = page(key.get_absolute_url())
        tags = meta_tags(html)
        permalink = f"http://testserver{key.get_absolute_url()}"
        assert tags["og:title"] == tags["twitter:title"] == "Harbour closed"
        assert tags["og:description"] == tags["twitter:description"] == "The harbour is closed."
        assert tags["og:url"] == permalink
        assert f'<link rel="canonical" href="{permalink}">' in html

    def test_an_update_without_headline_is_titled_by_the_article_and_its_time(self, coverage):
        first = coverage["updates"][0]
        tags = meta_tags(page(first.get_absolute_url()))
        time = timezone.localtime(first.published_at).strftime("%H:%M")
        assert tags["og:title"].startswith("Storm reaches the harbour: update at ")
        assert time in tags["og:title"]
        assert tags["og:description"] == "Winds of ninety kilometres an hour."

    def test_a_long_update_is_described_by_its_opening_words(self):
        article = live_article()
        update = post(article, "Rain " * 200, minutes_ago=1)
        description = meta_tags(page(update.get_absolute_url()))["og:description"]
        assert description.startswith("Rain Rain") and description.endswith("…")
        assert len(description) <= 200

    def test_an_update_with_a_picture_shares_it(self, coverage):
        update = post(coverage["article"], "Picture.", minutes_ago=1, image=ImageFactory())
        tags = meta_tags(page(update.get_absolute_url()))
        assert tags["twitter:card"] == "summary_large_image"
        assert tags["og:image"].startswith("http://testserver/")

    def test_the_article_page_keeps_its_own_card(self, coverage):
        html = page(coverage["article"].get_absolute_url())
        assert meta_tags(html)["og:title"] == "Storm reaches the harbour"
        assert "Shared update" not in html
        assert "data-live-focus" not in html


class TestJsonLd:
    def test_a_live_article_is_a_live_blog_posting(self, coverage):
        article = coverage["article"]
        schema = json_ld(page(article.get_absolute_url()))
        assert schema["@type"] == "LiveBlogPosting"
        assert schema["coverageStartTime"] == article.published_at.isoformat()
        assert "coverageEndTime" not in schema
        first, key, newest = coverage["updates"]
        entries = schema["liveBlogUpdate"]
        assert [entry["url"] for entry in entries] == [
            f"http://testserver{update.get_absolute_url()}" for update in (newest, key, first)
        ]
        assert entries[1] == {
            "@type": "BlogPosting",
            "headline": "Harbour closed",
            "articleBody": "The harbour is closed.",
            "datePublished": key.published_at.isoformat(),
            "dateModified": key.published_at.isoformat(),
            "url": f"http://testserver{key.get_absolute_url()}",
            "author": {"@type": "Person", "name": "Desk Editor"},
        }
        assert entries[0]["headline"] == "Ferries are cancelled until morning."

    def test_ended_coverage_has_an_end_time(self, coverage):
        article = live_coverage_end(article=coverage["article"], editor=superuser())
        schema = json_ld(page(article.get_absolute_url()))
        assert schema["coverageEndTime"] == article.live_ended_at.isoformat()

    def test_an_article_that_is_not_live_stays_a_news_article(self):
        schema = json_ld(page(ArticleFactory().get_absolute_url()))
        assert schema["@type"] == "NewsArticle"
        assert "liveBlogUpdate" not in schema


class TestFeeds:
    @pytest.mark.parametrize("kind", ["rss", "atom"])
    def test_lists_the_public_updates_newest_first(self, coverage, kind):
        article = coverage["article"]
        response = Client().get(f"/news/{article.slug}/live/{kind}/")
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        first, key, newest = coverage["updates"]
        assert [entry.title for entry in feed.entries] == [
            "Ferries are cancelled until morning.",
            "Harbour closed",
            "Winds of ninety kilometres an hour.",
        ]
        assert [entry.link for entry in feed.entries] == [
            f"http://testserver{update.get_absolute_url()}" for update in (newest, key, first)
        ]
        assert feed.entries[0].published_parsed is not None
        assert "The harbour is closed." in feed.entries[1].summary
        assert (
            feed.feed.title
            == "Storm reaches the harbour: live updates | " + feed.feed.title.split(" | ")[1]
        )

    def test_only_a_published_live_article_has_one(self, coverage):
        assert Client().get(f"/news/{ArticleFactory().slug}/live/rss/").status_code == 404
        assert Client().get("/news/no-such-article/live/atom/").status_code == 404
        article = coverage["article"]
        article.status = article.Status.DRAFT
        article.save()
        assert Client().get(f"/news/{article.slug}/live/rss/").status_code == 404

    def test_is_cached_under_the_coverage_and_until_the_next_scheduled_update(
        self, coverage, settings
    ):
        settings.FRONT_CACHE_SECONDS = 3600
        article = coverage["article"]
        response = Client().get(f"/news/{article.slug}/live/rss/")
        assert {f"live-{article.pk}", f"article-{article.pk}"} <= set(response["xkey"].split())
        assert 1 <= max_age(response) <= 30 * 60 + 1


class TestNothingLeaksBeforeItsTime:
    def everything(self, coverage) -> dict[str, str]:
        article = coverage["article"]
        return {
            "page": page(article.get_absolute_url()),
            "oldest first": page(f"{article.get_absolute_url()}?updates_order=oldest"),
            "permalink": page(coverage["key"].get_absolute_url()),
            "rss": page(f"/news/{article.slug}/live/rss/"),
            "atom": page(f"/news/{article.slug}/live/atom/"),
        }

    def test_drafts_and_scheduled_updates_are_nowhere(self, coverage):
        for name, text in self.everything(coverage).items():
            for hidden in ("draft", "scheduled"):
                assert hidden.upper() not in text, (name, hidden)
                assert f"update-{coverage[hidden].pk}" not in text, (name, hidden)
                assert f"/updates/{coverage[hidden].pk}/" not in text, (name, hidden)

    def test_a_scheduled_update_appears_when_its_time_comes(self, coverage):
        scheduled = coverage["scheduled"]
        with time_machine.travel(scheduled.published_at + timedelta(seconds=1)):
            everything = self.everything(coverage)
            for name, text in everything.items():
                assert "SCHEDULED words for later." in text, name
            assert key_events(everything["page"])[0] == scheduled.pk
            assert Client().get(scheduled.get_absolute_url()).status_code == 200
        assert "DRAFT" not in "".join(everything.values())


class TestCacheHeaders:
    def test_the_page_is_keyed_by_the_coverage(self, coverage):
        article = coverage["article"]
        for url in (article.get_absolute_url(), coverage["key"].get_absolute_url()):
            response = Client().get(url)
            assert {f"live-{article.pk}", f"article-{article.pk}"} <= set(response["xkey"].split())
            assert "public" in response["Cache-Control"]

    def test_kept_no_longer_than_until_the_next_scheduled_update(self, coverage, settings):
        """A scheduled update appears on time with nobody saving anything."""
        settings.FRONT_CACHE_SECONDS = 3600
        article = coverage["article"]
        for url in (article.get_absolute_url(), coverage["key"].get_absolute_url()):
            assert 1 <= max_age(Client().get(url)) <= 30 * 60 + 1
        coverage["scheduled"].delete()
        assert max_age(Client().get(article.get_absolute_url())) == 3600

    def test_a_later_end_of_coverage_caps_it_too(self, coverage, settings):
        settings.FRONT_CACHE_SECONDS = 3600
        coverage["scheduled"].delete()
        article = coverage["article"]
        article.live_ended_at = timezone.now() + timedelta(minutes=5)
        article.save()
        assert 1 <= max_age(Client().get(article.get_absolute_url())) <= 5 * 60 + 1

    def test_an_article_that_is_not_live_is_keyed_as_before(self):
        article = ArticleFactory()
        assert f"live-{article.pk}" not in Client().get(article.get_absolute_url())["xkey"]
