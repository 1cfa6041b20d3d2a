"""Reading WordPress exports (#10): every WXR version, the oddities real exports contain, and
hostile or broken files refused with a message that says why and where."""

import io
import tracemalloc

import pytest

from articles.wordpress.wxr import (
    ExportError,
    Site,
    WPAuthor,
    WPItem,
    WPTerm,
    read_export,
)
from tests.articles.wordpress_exports import Comment, Post, author, category, export, tag


def records(data: bytes) -> list:
    return list(read_export(io.BytesIO(data)))


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_wxr_version_reads_the_same(version):
    """The wp: namespace's address changes with each version; what is read does not."""
    read = records(
        export(
            author(2, "amira", "Amira Þórsdóttir", "amira@example.org"),
            category("news", "News"),
            category("local", "Local news", parent="news"),
            tag("floods", "Floods"),
            Post(
                7,
                "Barrier holds",
                slug="barrier-holds",
                excerpt="The short version.",
                terms=[("category", "local", "Local news"), ("post_tag", "floods", "Floods")],
                meta=[("_thumbnail_id", "12"), ("_wp_old_slug", "barrier-may-hold")],
                comments=[Comment(31, "Well done.", parent=0), Comment(32, "Agreed.", parent=31)],
            ).xml(),
            version=version,
        )
    )
    site, amira, news, local, floods, post = read
    assert site == Site(
        title="The Old Gazette",
        link="https://old.example.com",
        base_site_url="https://old.example.com",
        base_blog_url="https://old.example.com",
        wxr_version=version,
    )
    assert amira == WPAuthor(
        id=2, login="amira", email="amira@example.org", display_name="Amira Þórsdóttir"
    )
    assert (news.taxonomy, news.slug, news.name, news.parent_slug) == (
        "category",
        "news",
        "News",
        "",
    )
    assert (local.slug, local.parent_slug) == ("local", "news")
    assert (floods.taxonomy, floods.slug, floods.name) == ("post_tag", "floods", "Floods")
    assert isinstance(post, WPItem)
    assert (post.id, post.title, post.slug, post.status, post.post_type) == (
        7,
        "Barrier holds",
        "barrier-holds",
        "publish",
        "post",
    )
    assert (post.creator, post.excerpt, post.date_gmt) == (
        "editor",
        "The short version.",
        "2024-03-01 09:30:00",
    )
    assert [(t.taxonomy, t.slug, t.name) for t in post.terms] == [
        ("category", "local", "Local news"),
        ("post_tag", "floods", "Floods"),
    ]
    assert post.meta == {"_thumbnail_id": ["12"], "_wp_old_slug": ["barrier-may-hold"]}
    assert [(c.id, c.parent, c.content, c.approved) for c in post.comments] == [
        (31, 0, "Well done.", "1"),
        (32, 31, "Agreed.", "1"),
    ]


def test_a_literal_cdata_end_and_several_cdata_sections_read_as_one_text():
    body = "<p>In XML, ]]> ends a CDATA section; ]]>]]> twice.</p>"
    (_, post) = records(export(Post(1, "Markup ]]> lesson", content=body).xml()))
    assert post.content == body
    assert post.title == "Markup ]]> lesson"


def test_control_characters_pasted_into_a_post_are_dropped_not_fatal():
    """Invalid in XML 1.0 and kept by WordPress's export: 0x1C and 0x1D in real files."""
    (_, post) = records(export(Post(1, "Field\x1creport", content="<p>A\x1d B\x00C\x08</p>").xml()))
    assert post.title == "Fieldreport"
    assert post.content == "<p>A BC</p>"


def test_tags_and_categories_sharing_a_slug_stay_apart_and_other_taxonomies_are_kept():
    (_, post) = records(
        export(
            Post(
                1,
                "Shared slug",
                terms=[
                    ("category", "weather", "Weather"),
                    ("post_tag", "weather", "weather"),
                    ("post_format", "post-format-video", "Video"),
                ],
            ).xml()
        )
    )
    assert [(t.taxonomy, t.slug) for t in post.terms] == [
        ("category", "weather"),
        ("post_tag", "weather"),
        ("post_format", "post-format-video"),
    ]


def test_an_export_with_only_a_header_yields_its_site():
    (site,) = records(export())
    assert site.base_site_url == "https://old.example.com"


def test_a_malformed_file_is_refused_naming_its_line():
    data = export(Post(1, "Fine").xml(), "\n\t<item><title>Broken</titel></item>")
    lines = data.decode().splitlines()
    broken_line = next(n for n, line in enumerate(lines, start=1) if "</titel>" in line)
    read = read_export(io.BytesIO(data))
    assert isinstance(next(read), Site)
    assert next(read).title == "Fine"  # what came before is read
    with pytest.raises(ExportError, match=f"not well-formed XML at line {broken_line}, column"):
        next(read)


def test_a_file_that_is_not_an_export_is_refused():
    with pytest.raises(ExportError, match="starts with <html>, not <rss>"):
        records(b"<html><body>Not an export</body></html>")
    with pytest.raises(ExportError, match="no WordPress export in it"):
        records(b'<rss version="2.0"><channel><title>A plain feed</title></channel></rss>')


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<wp:wxr_version>1.2</wp:wxr_version><item><title>&secret;</title></item></channel></rss>"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol4;</title></channel></rss>"""


@pytest.mark.parametrize("data", [XXE, BILLION_LAUGHS], ids=["xxe", "billion-laughs"])
def test_files_with_a_dtd_or_entities_are_refused(data):
    with pytest.raises(ExportError, match="declares a DTD or entities"):
        records(data)


def test_a_long_export_is_read_in_bounded_memory():
    """Each item is dropped once read: 4,000 posts with big bodies cost about what 1 does."""

    def posts(count):
        body = "<p>" + "Flood defences were tested overnight. " * 200 + "</p>"
        return export(*(Post(n, f"Post {n}", content=body).xml() for n in range(1, count + 1)))

    def peak(data):
        tracemalloc.start()
        try:
            for record in read_export(io.BytesIO(data)):
                assert isinstance(record, Site | WPItem | WPTerm | WPAuthor)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = posts(10), posts(4_000)
    assert len(large) > 30_000_000
    # Not the file: a few items' worth (the parser reads 64 KB at a time).
    assert peak(large) < 3 * peak(small) + 1_000_000


def test_terms_of_other_taxonomies_are_read_with_their_taxonomy():
    term = """
	<wp:term>
		<wp:term_id>9</wp:term_id>
		<wp:term_taxonomy><![CDATA[series]]></wp:term_taxonomy>
		<wp:term_slug><![CDATA[flood-diary]]></wp:term_slug>
		<wp:term_parent><![CDATA[diaries]]></wp:term_parent>
		<wp:term_name><![CDATA[Flood diary]]></wp:term_name>
	</wp:term>"""
    (_, read) = records(export(term))
    assert read == WPTerm(
        taxonomy="series", slug="flood-diary", name="Flood diary", id=9, parent_slug="diaries"
    )
