"""What editors type reaches feed readers as the text they typed: never as markup, never escaped
twice, in every feed (RSS and Atom, site-wide and per section) and every element."""

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser

import feedparser
import pytest
from django.conf import settings
from django.test import override_settings
from django.utils.html import escape

from articles.html import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db

FEEDS = {
    "rss": "/feeds/rss/",
    "atom": "/feeds/atom/",
    "section rss": "/section/desk/rss/",
    "section atom": "/section/desk/atom/",
}
# Markup that would run in a reader, text that looks like markup, and text that is merely awkward.
AWKWARD_TEXT = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "Tom & Jerry <3",
    "&amp;",
    "AT&T &lt;b&gt; &#60;i&#62;",
    "]]>",
    "<!-- hidden --> <b>bold</b>",
    'O\'Brien said "no"',
    "Zoë Brontë — «naïve» café, 東京 ✓ 🗞",
    "مرحبا بالعالم",
]
EDITOR_FIELDS = [
    "headline",
    "standfirst",
    "body text",
    "section name",
    "section description",
    "tag name",
    "author name",
    "site name",
]
HTML_TYPES = {"text/html", "application/xhtml+xml"}


@dataclass
class Newsroom:
    """What the editors typed, field by field, as plain text."""

    headline: str = "Harbour wall repaired"
    standfirst: str = "Work finished a week early."
    body_text: str = "The new wall stands two metres higher."
    section_name: str = "Coast"
    section_description: str = "News from along the coast."
    tag_name: str = "Harbours"
    author_name: str = "Ada Reporter"
    site_name: str = settings.SITE_NAME

    def publish(self):
        """Save one published article as the admin would, with a byline, a tag and a section."""
        section = SectionFactory(
            name=self.section_name, slug="desk", description=self.section_description
        )
        ArticleFactory(
            headline=self.headline,
            standfirst=self.standfirst,
            body=f"<p>{escape(self.body_text)}</p>",
            section=section,
            tags=[TagFactory(name=self.tag_name, slug="tag")],
            authors=[AuthorFactory(name=self.author_name, slug="author")],
        )

    def as_read(self, feed: str) -> dict:
        """What a reader of `feed` should show, composed from the plain text above."""
        site, section = self.site_name, self.section_name
        in_section = feed.startswith("section")
        return {
            "feed title": f"{site}: {section}" if in_section else f"{site}: latest articles",
            "feed subtitle": (
                self.section_description or f"The newest {section} articles on {site}."
                if in_section
                else f"The newest articles published on {site}."
            ),
            "headline": self.headline,
            "summary": self.standfirst or self.body_text,
            "categories": [section, self.tag_name],
            "author": self.author_name,
        }


class RenderedHTML(HTMLParser):
    """An HTML value as a reader renders it: its text, and the elements it creates."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text, self.elements = "", []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name for name, _ in attrs}))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text += data


def unsafe_elements(html: str) -> list:
    """Elements (or attributes) in `html` that the article body's sanitiser would not allow."""
    return [
        (tag, names)
        for tag, names in RenderedHTML(html).elements
        if tag not in ALLOWED_TAGS or not names <= ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}
    ]


def fetch(client, feed: str):
    """The feed as a reader gets it, checked to be well-formed XML first."""
    response = client.get(FEEDS[feed])
    assert response.status_code == 200, feed
    ET.fromstring(response.content)  # raises on anything not well-formed
    parsed = feedparser.parse(response.content, sanitize_html=False, resolve_relative_uris=False)
    assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
    return parsed


def shown(detail) -> str:
    """A text construct as the reader shows it: HTML rendered to its text, text as it is."""
    return RenderedHTML(detail.value).text if detail.type in HTML_TYPES else detail.value


def reader_view(parsed) -> tuple[dict, list]:
    """What the reader shows for each element, and every value it treats as HTML."""
    entry = parsed.entries[0]
    details = {
        "feed title": parsed.feed.title_detail,
        "feed subtitle": parsed.feed.subtitle_detail,
        "headline": entry.title_detail,
        "summary": entry.summary_detail,
    }
    view = {name: shown(detail) for name, detail in details.items()}
    view["categories"] = [tag.term for tag in entry.tags]  # text, in both formats
    view["author"] = entry.author  # text, in both formats
    html_values = [detail.value for detail in details.values() if detail.type in HTML_TYPES]
    return view, html_values


@pytest.mark.parametrize("feed", ["rss", "atom"])
def test_markup_in_a_standfirst_reaches_readers_as_text(client, feed):
    """#7: a standfirst "<svg onload=alert(1)>" shows as those characters, not as an element."""
    Newsroom(standfirst="<svg onload=alert(1)>").publish()
    summary = fetch(client, feed).entries[0].summary_detail
    assert shown(summary) == "<svg onload=alert(1)>"
    assert "svg" not in {tag for tag, _ in RenderedHTML(summary.value).elements}


@pytest.mark.parametrize("text", AWKWARD_TEXT)
@pytest.mark.parametrize("field", EDITOR_FIELDS)
def test_every_feed_shows_exactly_what_the_editor_typed(client, field, text):
    """Any editor's field, however awkward: each feed shows it as typed and runs no markup."""
    newsroom = Newsroom(**{field.replace(" ", "_"): text})
    if field == "body text":
        newsroom.standfirst = ""  # the summary then comes from the body
    newsroom.publish()
    wrong = []
    with override_settings(SITE_NAME=newsroom.site_name):
        for feed in FEEDS:
            view, html_values = reader_view(fetch(client, feed))
            expected = newsroom.as_read(feed)
            wrong += [
                f"{feed} {name}: shows {view[name]!r}, typed {expected[name]!r}"
                for name in expected
                if view[name] != expected[name]
            ]
            wrong += [
                f"{feed}: would run {unsafe_elements(html)} from {html!r}"
                for html in html_values
                if unsafe_elements(html)
            ]
    assert not wrong, "\n".join(wrong)


# Where a reader that takes every title literally (no HTML at all) finds the headline.
LITERAL_TITLE = {"rss": "channel/item/title", "atom": "{http://www.w3.org/2005/Atom}entry/"
                 "{http://www.w3.org/2005/Atom}title"}  # fmt: skip


@pytest.mark.parametrize("feed", ["rss", "atom"])
@pytest.mark.parametrize("headline", ["Tom & Jerry <3", 'O\'Brien: "no" > maybe', "Q&A"])
def test_ordinary_headlines_show_as_typed_even_where_titles_are_taken_literally(
    client, feed, headline
):
    """A headline that cannot be mistaken for markup goes out once-escaped: no "&amp;" anywhere."""
    Newsroom(headline=headline).publish()
    response = client.get(FEEDS[feed])
    assert ET.fromstring(response.content).find(LITERAL_TITLE[feed]).text == headline


@pytest.mark.parametrize("feed", FEEDS)
def test_a_control_character_pasted_into_a_headline_does_not_take_the_feed_down(client, feed):
    """XML cannot carry U+000B or U+001F: they are dropped, and what is left is still text."""
    Newsroom(headline="Storm\x0bwarning <\x0bi>now<\x0b/i>", standfirst="Gusts\x1f of 90").publish()
    view, html_values = reader_view(fetch(client, feed))
    assert (view["headline"], view["summary"]) == ("Stormwarning <i>now</i>", "Gusts of 90")
    assert not any(RenderedHTML(html).elements for html in html_values)


@pytest.mark.parametrize(
    "path", ["/sitemap.xml", "/sitemap-articles.xml", "/sitemap-news.xml", "/feeds/rss/"]
)
def test_pasted_control_characters_are_not_stored_and_xml_stays_well_formed(client, path):
    """A vertical tab pasted into a headline is dropped on save: every XML view parses."""
    article = ArticleFactory(headline="Harbour\x0b wall\x0c repaired\x1b", standfirst="A\x08B")
    article.refresh_from_db()
    assert article.headline == "Harbour wall repaired" and article.standfirst == "AB"
    ET.fromstring(client.get(path).content)


@pytest.mark.parametrize("feed", FEEDS)
def test_each_item_names_its_own_authors_in_byline_order_and_its_section_and_tags(client, feed):
    desk = SectionFactory(name="Desk", slug="desk")
    ArticleFactory(
        headline="Two reporters",
        section=desk,
        authors=[AuthorFactory(name="Zed Second"), AuthorFactory(name="Ada First")],
        tags=[TagFactory(name="Weather"), TagFactory(name="Harbour")],
    )
    ArticleFactory(
        headline="One reporter",
        section=desk,
        authors=[AuthorFactory(name="Solo Writer")],
        tags=[TagFactory(name="Council")],
    )
    parsed = feedparser.parse(client.get(FEEDS[feed]).content)
    entries = {entry.title: entry for entry in parsed.entries}
    assert set(entries) == {"Two reporters", "One reporter"}
    assert entries["Two reporters"].author == "Zed Second, Ada First"
    assert [tag.term for tag in entries["Two reporters"].tags] == ["Desk", "Harbour", "Weather"]
    assert entries["One reporter"].author == "Solo Writer"
    assert [tag.term for tag in entries["One reporter"].tags] == ["Desk", "Council"]


@pytest.mark.parametrize("feed", FEEDS)
def test_a_feed_reaches_the_server_as_one_piece_not_a_write_per_element(client, feed):
    """Django's feed writer writes each element apart; a response made of those pieces was sent
    by gunicorn one socket write at a time, about 1,400 a feed: half the feed's time (#8)."""
    desk = SectionFactory(slug="desk")
    for number in range(5):
        ArticleFactory(headline=f"Harbour works, day {number}", section=desk)
    response = client.get(FEEDS[feed])
    assert response.status_code == 200
    assert len([piece for piece in response if piece]) == 1
    ET.fromstring(response.content)  # whole and well-formed
