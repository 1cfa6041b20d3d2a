"""Importing a WordPress export (#10): authors, categories, tags and posts as this site's
bylines, sections, tags and articles; run again without duplicates; resumed after a failure."""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Author, Section, Tag, WordPressOrigin
from articles.wordpress.wxr import ExportError
from newsportal.wordpress_import import import_export
from tests.articles.test_wordpress_reader import XXE
from tests.articles.wordpress_exports import Post, author, category, export, tag

pytestmark = pytest.mark.django_db


def run(data: bytes, **options):
    return import_export(io.BytesIO(data), **options)


def newsroom_export(**changes) -> bytes:
    posts = {
        "barrier": Post(
            10,
            changes.get("title", "Barrier holds"),
            slug="barrier-holds",
            content="The barrier held.\n\nThe pumps did not.",
            excerpt="<p>The short <em>version</em>.</p>",
            creator="amira",
            terms=[
                ("category", "local", "Local news"),
                ("post_tag", "floods", "Floods"),
                ("post_tag", "weather", "weather"),
            ],
            sticky=True,
        ),
        "scheduled": Post(11, "Tomorrow's tide", status="future", date_gmt="2031-01-01 06:00:00"),
        "draft": Post(12, "Half written", status="draft", date_gmt="0000-00-00 00:00:00"),
        "pending": Post(13, "Awaiting review", status="pending"),
        "private": Post(14, "Staff only", status="private"),
        "locked": Post(15, "Members' story", password="secret"),
        "binned": Post(16, "Deleted story", status="trash"),
        "uncategorised": Post(17, "No category", creator="ghost"),
    }
    return export(
        author(2, "amira", "Amira Þórsdóttir", "amira@example.org"),
        category("news", "News"),
        category("local", "Local news", parent="news"),
        category("weather", "Weather"),
        tag("floods", "Floods"),
        tag("weather", "weather"),
        *(post.xml() for post in posts.values()),
    )


def test_a_newsroom_export_becomes_bylines_sections_tags_and_articles():
    report = run(newsroom_export())

    amira = Author.objects.get(slug="amira")
    assert amira.name == "Amira Þórsdóttir"
    assert amira.email == "amira@example.org"
    assert set(Section.objects.values_list("slug", "name")) >= {
        ("news", "News"),
        ("local", "Local news"),
        ("weather", "Weather"),
        ("uncategorized", "Uncategorized"),
    }
    # A tag and a category with the same slug stay two things.
    assert Tag.objects.filter(slug="weather").exists()
    assert Section.objects.filter(slug="weather").exists()

    barrier = Article.objects.get(slug="barrier-holds")
    assert barrier.headline == "Barrier holds"
    assert barrier.body == "<p>The barrier held.</p>\n<p>The pumps did not.</p>"
    assert barrier.standfirst == "The short version."
    assert barrier.section.slug == "local"
    assert barrier.byline_authors == [amira]
    assert sorted(barrier.tags.values_list("slug", flat=True)) == ["floods", "weather"]
    assert barrier.status == Article.Status.PUBLISHED
    assert barrier.published_at == datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    assert barrier.is_lead  # sticky: a lead candidate

    scheduled = Article.objects.get(headline="Tomorrow's tide")
    assert scheduled.state == "Scheduled"
    assert scheduled.published_at == datetime(2031, 1, 1, 6, 0, tzinfo=UTC)
    for headline in ("Half written", "Awaiting review", "Staff only", "Members' story"):
        draft = Article.objects.get(headline=headline)
        assert (draft.state, draft.published_at) == ("Draft", None), headline
    assert not Article.objects.filter(headline="Deleted story").exists()

    # A post whose author the export does not list, in no category.
    lost = Article.objects.get(headline="No category")
    assert lost.section.slug == "uncategorized"
    assert [a.slug for a in lost.byline_authors] == ["ghost"]

    lines = "\n".join(report.lines())
    assert "articles: 7 created, 0 updated, 0 unchanged" in lines
    assert "skipped post #16 “Deleted story”: in WordPress's trash" in lines
    assert "#15 “Members' story”: password-protected in WordPress, imported as a draft" in lines


def test_a_second_run_creates_nothing_and_updates_what_changed():
    run(newsroom_export())
    counts = [m.objects.count() for m in (Article, Author, Section, Tag, WordPressOrigin)]
    again = run(newsroom_export())
    assert [m.objects.count() for m in (Article, Author, Section, Tag, WordPressOrigin)] == counts
    assert again.created == {}
    assert again.unchanged["articles"] == 7 and again.updated == {}

    edited = run(newsroom_export(title="Barrier holds, just"))
    assert Article.objects.get(slug="barrier-holds").headline == "Barrier holds, just"
    assert edited.updated == {"articles": 1}
    assert Article.objects.count() == counts[0]


def test_posts_with_the_same_title_and_date_are_two_articles():
    """WordPress's own importer takes the second for a duplicate of the first."""
    run(export(Post(1, "Weather update").xml(), Post(2, "Weather update").xml()))
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "weather-update",
        "weather-update-2",
    ]


def test_an_interrupted_run_continues_where_it_stopped():
    """A file broken after two posts: those two are stored, nothing half of the third; the
    mended file brings in the rest and nothing twice."""
    good = [Post(n, f"Story {n}").xml() for n in (1, 2)]
    broken = export(*good, "\n\t<item><title>Story 3</titel></item>")
    with pytest.raises(ExportError, match="line"):
        run(broken)
    assert sorted(Article.objects.values_list("headline", flat=True)) == ["Story 1", "Story 2"]
    report = run(export(*good, Post(3, "Story 3").xml()))
    assert sorted(Article.objects.values_list("headline", flat=True)) == [
        "Story 1",
        "Story 2",
        "Story 3",
    ]
    assert report.created["articles"] == 1 and report.unchanged["articles"] == 2


def test_a_dry_run_reports_and_stores_nothing():
    report = run(newsroom_export(), dry_run=True)
    assert report.created["articles"] == 7
    assert not Article.objects.exists() and not WordPressOrigin.objects.exists()


def test_the_command_prints_the_report_and_refuses_a_hostile_file(tmp_path):
    good, hostile = tmp_path / "site.xml", tmp_path / "hostile.xml"
    good.write_bytes(newsroom_export())
    hostile.write_bytes(XXE)
    output = io.StringIO()
    call_command("import_wordpress", str(good), stdout=output)
    assert "articles: 7 created" in output.getvalue()
    with pytest.raises(CommandError, match="declares a DTD or entities"):
        call_command("import_wordpress", str(hostile), stdout=io.StringIO())
    with pytest.raises(CommandError, match="Cannot open"):
        call_command("import_wordpress", str(tmp_path / "missing.xml"), stdout=io.StringIO())


def test_links_between_imported_posts_lead_to_the_new_addresses():
    """Also to a post that comes later in the file, by its permalink or its ?p= address."""
    body = (
        '<p>See <a href="https://old.example.com/2024/03/02/pumps-fail/#timeline">the pumps</a>, '
        '<a href="https://old.example.com/?p=21">the same</a>, '
        '<a href="https://old.example.com/category/local/">local news</a> and '
        '<a href="https://elsewhere.example/2024/03/02/pumps-fail/">another site</a>.</p>'
    )
    run(
        export(
            category("local", "Local news"),
            Post(20, "Barrier holds", slug="barrier-holds", content=body).xml(),
            Post(
                21,
                "Pumps fail",
                slug="pumps-fail",
                link="https://old.example.com/2024/03/02/pumps-fail/",
                date_gmt="2024-03-02 07:00:00",
            ).xml(),
        )
    )
    pumps = Article.objects.get(slug="pumps-fail").get_absolute_url()
    local = Section.objects.get(slug="local").get_absolute_url()
    linked = Article.objects.get(slug="barrier-holds").body
    assert f'<a href="{pumps}#timeline"' in linked
    assert f'<a href="{pumps}" rel' in linked
    assert f'<a href="{local}" rel' in linked
    assert '<a href="https://elsewhere.example/2024/03/02/pumps-fail/"' in linked


def test_slugs_in_other_scripts_stay_readable_and_their_pages_open(client):
    """WordPress stores "новости" as %d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8."""
    run(
        export(
            category("%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8", "Новости"),
            Post(
                5,
                "Мост открыт",
                slug="%d0%bc%d0%be%d1%81%d1%82",
                terms=[("category", "%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8", "Новости")],
            ).xml(),
        )
    )
    article = Article.objects.get(headline="Мост открыт")
    assert (article.slug, article.section.slug) == ("мост", "новости")
    assert article.get_absolute_url() == "/news/%D0%BC%D0%BE%D1%81%D1%82/"
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get(article.section.get_absolute_url()).status_code == 200
    old = client.get("/%d0%bc%d0%be%d1%81%d1%82/")  # its old address, as a browser sends it
    assert (old.status_code, old["Location"]) == (301, article.get_absolute_url())


def test_an_authors_email_is_kept_for_the_newsroom_and_never_shown(client):
    report = run(
        export(
            author(2, "amira", "Amira Þórsdóttir", "amira@example.org"),
            author(3, "bo", "Bo", "not an address"),
            Post(10, "Barrier holds", slug="barrier-holds", creator="amira").xml(),
        )
    )
    amira = Author.objects.get(slug="amira")
    assert (amira.email, Author.objects.get(slug="bo").email) == ("amira@example.org", "")
    assert "author bo: e-mail 'not an address' is not an address, left out" in report.notes
    for page in (amira.get_absolute_url(), Article.objects.get().get_absolute_url()):
        response = client.get(page)
        assert response.status_code == 200
        assert "Amira Þórsdóttir" in response.text
        assert "amira@example.org" not in response.text
