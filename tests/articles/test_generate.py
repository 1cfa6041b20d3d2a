"""Generated articles (`manage.py generate_content`) are what the newsroom's own saves store."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles import html
from articles.generate import generate_articles
from articles.generate.words import SECTIONS
from articles.models import Article, Author, Byline, Section, Tag

pytestmark = pytest.mark.django_db

COUNT = 120


@pytest.fixture
def generated():
    run = generate_articles(count=COUNT, seed=7)
    return run, list(Article.objects.order_by("pk"))


def test_derived_fields_are_what_save_would_derive(generated):
    """Body sanitised to its fixed point, body_text extracted from it, slugs from the headline:
    saving a generated article again changes none of them."""
    _run, articles = generated
    for article in articles:
        assert html.sanitise_body(article.body) == article.body
        assert article.body_text == html.body_text(article.body)
        assert article.body.startswith("<p>") and len(article.body_text.split()) > 80
        assert article.slug.startswith(slugify(article.headline)[:50])
    derived = ["body", "body_text", "slug", "headline", "published_at"]
    for article in articles[:10]:
        before = {name: getattr(article, name) for name in derived}
        article.save()
        article.refresh_from_db()
        assert {name: getattr(article, name) for name in derived} == before


def test_slugs_are_unique_and_every_article_has_a_byline_and_tags(generated):
    _run, articles = generated
    assert len({article.slug for article in articles}) == COUNT
    bylines = Counter(Byline.objects.values_list("article_id", flat=True))
    assert set(bylines) == {article.pk for article in articles}
    assert set(bylines.values()) <= {1, 2, 3} and max(bylines.values()) > 1
    for article in articles:
        positions = list(article.bylines.values_list("position", flat=True))
        assert positions == list(range(len(positions)))
        assert 2 <= article.tags.count() <= 5


def test_drafts_and_scheduled_articles_exist_and_are_not_public(client, generated):
    run, articles = generated
    now = timezone.now()
    drafts = [a for a in articles if a.status == Article.Status.DRAFT]
    scheduled = [a for a in articles if a.published_at and a.published_at > now]
    assert len(drafts) == run.drafts > 0 and len(scheduled) == run.scheduled > 0
    assert all(a.published_at is None for a in drafts)
    public = set(Article.objects.published().values_list("pk", flat=True))
    assert len(public) == run.published == COUNT - run.drafts - run.scheduled
    for article in drafts[:2] + scheduled[:2]:
        assert article.pk not in public
        assert client.get(article.get_absolute_url()).status_code == 404


def test_publication_times_spread_over_the_years_and_ids_follow_them(generated):
    _run, articles = generated
    times = [a.published_at for a in articles if a.status == Article.Status.PUBLISHED]
    now = timezone.now()
    assert min(times) < now - timedelta(days=3 * 365) and max(times) > now - timedelta(days=365)
    assert times == sorted(times)
    for article in articles:
        assert article.created_at <= (article.published_at or now)
        assert article.updated_at is None or article.updated_at > article.published_at


def test_the_newsroom_is_a_dozen_sections_and_hundreds_of_tags_and_authors(generated):
    _run, articles = generated
    assert Section.objects.count() == len(SECTIONS) == 12
    assert Tag.objects.count() >= 200 and Author.objects.count() == 300
    assert len({article.section_id for article in articles}) >= 8


def test_a_second_run_adds_to_the_archive_and_reuses_the_newsroom(generated):
    """Additive: new articles with new ids and slugs; no second World section, tag or author."""
    run, _articles = generated
    newsroom = Section.objects.count(), Tag.objects.count(), Author.objects.count()
    second = generate_articles(count=30, seed=7)
    assert second.first_id == run.last_id + 1
    assert Article.objects.count() == COUNT + 30
    assert (Section.objects.count(), Tag.objects.count(), Author.objects.count()) == newsroom
    assert Article.objects.values("slug").distinct().count() == COUNT + 30
    # The database numbers what is saved next after the generated ids.
    assert Section.objects.first().articles.create(headline="By hand").pk > second.last_id


def test_the_same_seed_on_the_same_database_gives_the_same_articles():
    def snapshot(seed):
        with transaction.atomic():
            generate_articles(count=25, seed=seed)
            rows = list(
                Article.objects.order_by("pk").values_list("pk", "headline", "body", "status")
            )
            transaction.set_rollback(True)
        return rows

    assert snapshot(3) == snapshot(3)
    assert snapshot(3) != snapshot(4)


def test_existing_sections_of_the_same_name_are_reused():
    """An editor's "World" section under another slug is not duplicated (names are unique)."""
    Section.objects.create(name="World", slug="international")
    generate_articles(count=20)
    assert Section.objects.filter(name="World").count() == 1
    assert Section.objects.get(name="World").articles.exists()
