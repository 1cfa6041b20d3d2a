"""The site written as a WordPress export and read back (#10): nothing lost on the way, so a
newsroom that leaves takes everything with it."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Author, Page, Section, Tag, WordPressOrigin
from articles.redirects import Redirect
from articles.wordpress.wxr import WPItem, read_export
from comments.models import Comment, Status
from newsportal.wordpress_import import import_export
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, TagFactory

pytestmark = pytest.mark.django_db


def exported() -> bytes:
    output = io.StringIO()
    call_command("export_wordpress", stdout=output)
    return output.getvalue().encode()


def snapshot() -> dict:
    """What a reader and a moderator see of the site, independent of database ids."""
    articles = {}
    for article in Article.objects.prefetch_related("tags", "bylines__author"):
        comments = {
            c.body: (
                c.name,
                c.email,
                c.url,
                c.ip_address,
                c.status,
                c.created_at.replace(microsecond=0),  # WXR's dates are to the second
                c.parent.body if c.parent else None,
            )
            for c in Comment.objects.filter(article=article).select_related("parent")
        }
        articles[article.slug] = {
            "headline": article.headline,
            "standfirst": article.standfirst,
            "body": article.body,
            "section": (article.section.slug, article.section.name),
            "tags": sorted((t.slug, t.name) for t in article.tags.all()),
            "bylines": [(a.slug, a.name) for a in article.byline_authors],
            "state": article.state,
            "published_at": article.published_at,
            "is_lead": article.is_lead,
            "comments": comments,
        }
    return articles


@pytest.fixture
def newsroom(db):
    amira = AuthorFactory(name="Amira Þórsdóttir", slug="amira")
    floods = TagFactory(name="Floods", slug="floods")
    lead = ArticleFactory(
        headline="Barrier holds & the pumps <fail>",
        standfirst="Overnight, the new wall took the tide. Then: [Update 3pm] more.",
        body=(
            "<p>The barrier held; ]]> is not a problem.</p>\n"
            '<p>See <a href="https://example.org/?a[b]=1">the report</a> [caption] text.</p>'
        ),
        is_lead=True,
        published_at=datetime(2024, 3, 1, 9, 30, tzinfo=UTC),
    )
    lead.bylines.create(author=amira, position=0)
    lead.tags.add(floods)
    ArticleFactory(
        headline="Tomorrow's tide",
        published_at=timezone.now().replace(microsecond=0) + timedelta(days=3),
    )
    ArticleFactory(headline="Half written", status=Article.Status.DRAFT, published_at=None)
    first = CommentFactory(
        article=lead,
        body="Well done, <b>all</b> of you & thanks.\nSecond line.",
        name="Þóra Reader",
        email="thora@example.org",
        url="https://thora.example/",
        ip_address="2001:db8::7",
        status=Status.APPROVED,
    )
    CommentFactory(article=lead, parent=first, body="Agreed.", status=Status.APPROVED)
    CommentFactory(article=lead, body="Waiting.", status=Status.PENDING)
    CommentFactory(article=lead, body="Buy pills", status=Status.SPAM)
    CommentFactory(article=lead, body="Rude.", status=Status.REJECTED)
    Page.objects.create(title="About us", path="/about/team/", body="<p>Who we are.</p>")
    Page.objects.create(title="Soon", path="/soon/", is_published=False)
    Comment.objects.filter(body="Agreed.").update(
        created_at=datetime(2024, 3, 2, 8, 0, 12, tzinfo=UTC)
    )


def test_import_export_import_keeps_every_article_and_comment(newsroom):
    before = snapshot()
    data = exported()
    # Everything is cleared, as on a new site, then the export is imported.
    pages_before = list(Page.objects.values_list("title", "path", "body", "is_published"))
    for model in (Comment, Redirect, WordPressOrigin, Article, Author, Section, Tag, Page):
        model.objects.all().delete()
    report = import_export(io.BytesIO(data))
    after = snapshot()
    assert after == before
    assert list(Page.objects.values_list("title", "path", "body", "is_published")) == pages_before
    assert report.skipped == []
    assert Author.objects.get(slug="amira").name == "Amira Þórsdóttir"


def test_the_export_is_what_wordpress_reads(newsroom):
    """WXR 1.2 with the fields WordPress's importer reads (class-wxr-parser-*.php)."""
    data = exported()
    assert b'xmlns:wp="http://wordpress.org/export/1.2/"' in data
    items = [r for r in read_export(io.BytesIO(data)) if isinstance(r, WPItem)]
    by_title = {item.title: item for item in items}
    lead = by_title["Barrier holds & the pumps <fail>"]
    assert (lead.status, lead.post_type, lead.is_sticky, lead.creator) == (
        "publish",
        "post",
        True,
        "amira",
    )
    assert by_title["Tomorrow's tide"].status == "future"
    assert by_title["Half written"].status == "draft"
    assert by_title["Half written"].date_gmt == "0000-00-00 00:00:00"
    assert sorted(c.approved for c in lead.comments) == ["0", "1", "1", "spam", "trash"]
    # WordPress's own shortcodes in the text are escaped, so WordPress shows them as text.
    assert "[[caption]] text" in lead.content
    assert 'href="https://example.org/?a[b]=1"' in lead.content
