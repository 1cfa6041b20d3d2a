"""The site written as a WordPress export and read back (#10): nothing lost on the way, so a
newsroom that leaves takes everything with it."""

import io
import re
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Author, Image, Page, Section, Tag, WordPressOrigin
from articles.redirects import Redirect
from articles.wordpress.wxr import WPItem, read_export
from comments.models import Comment
from newsportal.wordpress_import import import_export
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    ImageFactory,
    TagFactory,
    jpeg_bytes,
)

pytestmark = pytest.mark.django_db


def exported() -> bytes:
    output = io.StringIO()
    call_command("export_wordpress", stdout=output)
    return output.getvalue().encode()


def picture(image: Image | None):
    if image is None:
        return None
    return (image.alt_text, image.caption, image.credit, image.width, image.height)


def pictures_named(body: str) -> str:
    """A body with each picture's addresses (its file, any rendition) as the picture's words:
    the same picture may be shown at another width after the move."""
    for image in Image.objects.all():
        addresses = [image.file.url] + [settings.MEDIA_URL + r["name"] for r in image.renditions]
        for address in sorted(set(addresses), key=len, reverse=True):
            body = body.replace(address, f"[picture {picture(image)}]")
    return body


def snapshot() -> dict:
    """What a reader and a moderator see of the site, independent of database ids."""
    articles = {}
    articles_with_pictures = Article.objects.prefetch_related("tags", "bylines__author")
    for article in articles_with_pictures.select_related("featured_image"):
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
            "body": pictures_named(article.body),
            "featured_image": picture(article.featured_image),
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
    amira = AuthorFactory(name="Amira Þórsdóttir", slug="amira", email="amira@example.org")
    dawn = ImageFactory(
        file=ContentFile(jpeg_bytes(1200, 800, "#225588"), name="barrier.jpg"),
        alt_text="The barrier at dawn",
        caption="Before the tide & the storm",
        credit="Þóra Photographer",
    )
    pumps = ImageFactory(
        file=ContentFile(jpeg_bytes(900, 600, "#aa3322"), name="pumps.jpg"),
        alt_text="The pumps",
        caption="",
        credit="",
    )
    floods = TagFactory(name="Floods", slug="floods")
    lead = ArticleFactory(
        headline="Barrier holds & the pumps <fail>",
        standfirst="Overnight, the new wall took the tide. Then: [Update 3pm] more.",
        body=(
            "<p>The barrier held; ]]> is not a problem.</p>\n"
            '<p>See <a href="https://example.org/?a[b]=1">the report</a> [caption] text.</p>\n'
            f'<figure><img src="{pumps.url_for_width(640)}" alt="The pumps" width="640">'
            f'<figcaption><a href="{pumps.file.url}">Full size</a></figcaption></figure>'
        ),
        featured_image=dawn,
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
        status=Comment.Status.APPROVED,
    )
    CommentFactory(article=lead, parent=first, body="Agreed.", status=Comment.Status.APPROVED)
    CommentFactory(article=lead, body="Waiting.", status=Comment.Status.PENDING)
    CommentFactory(article=lead, body="Buy pills", status=Comment.Status.SPAM)
    CommentFactory(article=lead, body="Rude.", status=Comment.Status.REJECTED)
    Page.objects.create(title="About us", path="/about/team/", body="<p>Who we are.</p>")
    Page.objects.create(title="Soon", path="/soon/", is_published=False)
    Comment.objects.filter(body="Agreed.").update(
        created_at=datetime(2024, 3, 2, 8, 0, 12, tzinfo=UTC)
    )


def test_import_export_import_keeps_every_article_and_comment(newsroom, tmp_path):
    before = snapshot()
    data = exported()
    # Everything is cleared, as on a new site, then the export is imported, with the old
    # site's media folder as it would be copied over.
    pages_before = list(Page.objects.values_list("title", "path", "body", "is_published"))
    old_media = shutil.copytree(settings.MEDIA_ROOT, tmp_path / "old-media")
    authors_before = list(Author.objects.values_list("slug", "name", "email"))
    for model in (Comment, Redirect, WordPressOrigin, Article, Author, Section, Tag, Page, Image):
        model.objects.all().delete()
    report = import_export(io.BytesIO(data), uploads=old_media)
    after = snapshot()
    lead = next(a for a in after.values() if a["is_lead"])
    assert lead["featured_image"] == (
        "The barrier at dawn",
        "Before the tide & the storm",
        "Þóra Photographer",
        1200,
        800,
    )
    assert "[picture ('The pumps', '', '', 900, 600)]" in lead["body"]
    assert after == before
    assert Image.objects.count() == 2
    assert list(Author.objects.values_list("slug", "name", "email")) == authors_before
    assert list(Page.objects.values_list("title", "path", "body", "is_published")) == pages_before
    assert report.skipped == []
    assert Author.objects.get(slug="amira").name == "Amira Þórsdóttir"


def test_the_export_is_what_wordpress_reads(newsroom):
    """WXR 1.2 with the fields WordPress's importer reads (class-wxr-parser-*.php)."""
    data = exported()
    assert b'xmlns:wp="http://wordpress.org/export/1.2/"' in data
    # Each author on one line, as WordPress writes them: its importer's fallback parser
    # (class-wxr-parser-regex.php) finds an author on one line or not at all.
    one_line = re.findall(rb"^\t<wp:author>.*</wp:author>$", data, flags=re.MULTILINE)
    assert len(one_line) == Author.objects.count() == 1
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


def test_pictures_are_attachments_that_wordpress_downloads_and_posts_show(newsroom, settings):
    settings.SITE_URL = "https://news.example"
    items = [r for r in read_export(io.BytesIO(exported())) if isinstance(r, WPItem)]
    attachments = {item.title: item for item in items if item.post_type == "attachment"}
    lead = next(item for item in items if item.is_sticky)
    dawn, pumps = (
        Image.objects.get(alt_text="The barrier at dawn"),
        Image.objects.get(alt_text="The pumps"),
    )

    # WordPress's importer downloads each picture from its address on this site.
    attachment = attachments["The barrier at dawn"]
    assert attachment.attachment_url == f"https://news.example{dawn.file.url}"
    assert attachment.meta["_wp_attached_file"] == [dawn.file.name]
    assert attachment.meta["_wp_attachment_image_alt"] == ["The barrier at dawn"]
    assert attachment.excerpt == "Before the tide &amp; the storm"
    assert attachment.parent == lead.id
    # The lead's featured image is that attachment.
    assert lead.meta["_thumbnail_id"] == [str(attachment.id)]
    # A rendition in the body is written as its picture's file, the address WordPress's
    # importer replaces with the copy it made.
    assert f'src="https://news.example{pumps.file.url}"' in lead.content
    assert f'href="https://news.example{pumps.file.url}"' in lead.content
    assert "/renditions/" not in lead.content
