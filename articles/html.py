"""Article body HTML: what may be stored, and the plain text derived from it."""

from html.parser import HTMLParser

import nh3
from django.utils.html import escape

# The allow-list matches what the admin editor can produce: structure, emphasis, links, quotes,
# lists and figures. Anything else (script, style, event handlers, javascript: URLs) is dropped.
ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "a", "blockquote", "q", "cite", "ul", "ol", "li", "figure", "figcaption", "img",
    "hr", "code", "pre", "abbr", "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": set(),  # none on every tag: nh3 would otherwise allow lang and title everywhere
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "abbr": {"title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


# Enough passes for every body the hostile-input suite has found (two at most); one more guards
# against a body that keeps changing.
MAX_SANITISER_PASSES = 4


def sanitise_body(html: str) -> str:
    """Return `html` reduced to the allow-list; links get rel="noopener noreferrer".

    Cleaned until cleaning changes nothing: one pass can leave markup no browser would build
    (`<p><object><p>` becomes a paragraph inside a paragraph), which a browser then reads
    differently from what was checked, the precondition for mutation XSS. What is stored is a
    fixed point: exactly what the sanitiser, and so the browser, would make of it.
    """
    cleaned = html or ""
    for _ in range(MAX_SANITISER_PASSES):
        previous, cleaned = cleaned, _clean_once(cleaned)
        if cleaned == previous:
            break
    return cleaned


def _clean_once(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "br", "h2", "h3", "h4", "li", "blockquote", "figcaption", "tr", "pre", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def body_text(html: str) -> str:
    """The words of an HTML body as plain text, for search, feeds and descriptions."""
    extractor = _TextExtractor()
    extractor.feed(html or "")
    extractor.close()
    return " ".join("".join(extractor.parts).split())


def paragraphs_to_html(paragraphs: list[str]) -> str:
    """Plain-text paragraphs as escaped HTML paragraphs."""
    return "\n".join(f"<p>{escape(text)}</p>" for text in paragraphs if text.strip())
