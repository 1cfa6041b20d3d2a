from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.related import related_items
from tests.factories import ArticleFactory, RelatedLinkFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def _detail(article):
    return Article.objects.for_detail().get(pk=article.pk)


def test_editors_picks_come_first_in_their_order_then_automatic_fill():
    """Picks keep the editor's order; fewer picks than the count are topped up automatically."""
    section = SectionFactory()
    tag = TagFactory(name="Floods")
    article = ArticleFactory(section=section, tags=[tag])
    first, second = ArticleFactory(headline="Second pick"), ArticleFactory(headline="First pick")
    RelatedLinkFactory(article=article, position=0, target=second)
    RelatedLinkFactory(
        article=article, position=1, url="https://example.org/report", title="External report"
    )
    RelatedLinkFactory(article=article, position=2, target=first)
    ArticleFactory.create_batch(3, section=section, tags=[tag])

    items = related_items(_detail(article), count=4)

    assert [item.title for item in items[:3]] == ["First pick", "External report", "Second pick"]
    assert items[1].is_external and items[1].url == "https://example.org/report"
    assert len(items) == 4
    assert not items[3].is_external


def test_never_itself_never_unpublished_never_twice():
    tag = TagFactory(name="Budget")
    article = ArticleFactory(tags=[tag])
    draft = ArticleFactory(status=Article.Status.DRAFT, tags=[tag])
    scheduled = ArticleFactory(published_at=timezone.now() + timedelta(days=1), tags=[tag])
    shared = ArticleFactory(tags=[tag])
    RelatedLinkFactory(article=article, position=0, target=draft)
    RelatedLinkFactory(article=article, position=1, target=scheduled)
    RelatedLinkFactory(article=article, position=2, target=shared)
    RelatedLinkFactory(article=article, position=3, target=shared)
    RelatedLinkFactory(article=article, position=4, url="https://example.org/x", title="X")
    RelatedLinkFactory(article=article, position=5, url="https://example.org/x", title="X again")

    items = related_items(_detail(article), count=10)
    urls = [item.url for item in items]

    assert len(urls) == len(set(urls))
    assert article.get_absolute_url() not in urls
    assert draft.get_absolute_url() not in urls
    assert scheduled.get_absolute_url() not in urls
    assert shared.get_absolute_url() in urls


def test_automatic_fill_prefers_shared_tags_and_section_over_recency():
    science = SectionFactory(name="Science")
    tag = TagFactory(name="Space probe")
    article = ArticleFactory(headline="Probe enters orbit", section=science, tags=[tag])
    close = ArticleFactory(
        headline="Probe sends first pictures",
        section=science,
        tags=[tag],
        published_at=timezone.now() - timedelta(days=20),
    )
    ArticleFactory.create_batch(5, headline="Council budget approved")  # newer, unrelated

    items = related_items(_detail(article), count=1)

    assert items[0].article == close


def test_text_similarity_breaks_ties():
    section = SectionFactory()
    article = ArticleFactory(headline="Harbour flood barrier fails in storm", section=section)
    similar = ArticleFactory(
        headline="Storm floods harbour after barrier fails",
        section=section,
        published_at=timezone.now() - timedelta(days=3),
    )
    ArticleFactory(headline="Library extends opening hours", section=section)

    assert related_items(_detail(article), count=1)[0].article == similar


def test_related_heading_absent_when_nothing_is_related(client):
    """With no other published article, the page has no empty "Related Articles" heading."""
    article = ArticleFactory()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Related Articles" not in html


def test_related_count_setting(settings):
    tag = TagFactory()
    article = ArticleFactory(tags=[tag])
    ArticleFactory.create_batch(8, tags=[tag])
    assert len(related_items(_detail(article))) == 4
    assert len(related_items(_detail(article), count=6)) == 6


def test_candidates_come_from_the_articles_published_around_this_one(monkeypatch):
    """An archived story's automatic picks are from its own time: the ranking reads a few
    hundred neighbours, not the whole archive (0.6 s at 100,000 articles: #8)."""
    from articles import related

    monkeypatch.setattr(related, "NEIGHBOURS", 3)
    tag = TagFactory(name="Ferries")
    now = timezone.now()
    archived = ArticleFactory(tags=[tag], published_at=now - timedelta(days=400))
    before = ArticleFactory(tags=[tag], published_at=now - timedelta(days=401))
    later = [ArticleFactory(tags=[tag], published_at=now - timedelta(days=d)) for d in range(9)]

    picked = {item.article for item in related_items(_detail(archived), count=10)}

    assert before in picked and later[-1] in picked  # its neighbours, either side
    assert not picked & set(later[:4])  # this week's stories are beyond its neighbours
