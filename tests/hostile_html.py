"""Reading our pages as an attacker hopes a browser would: did any input become markup?

Used by the hostile-input tests (#7). The checks look for what only an injection could have put
on a page: our templates write no event-handler attribute, no inline script other than JSON-LD,
no script-bearing URL and none of the elements below.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
# Elements none of our pages uses: each a way to run script, restyle or redirect the page, or
# a marker the hostile-input tests send.
NEVER_ON_OUR_PAGES = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "base",
    "marquee", "isindex", "xss-probe", "hostile-mark", "noembed", "plaintext", "xmp", "portal",
    "template",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "poster", "background", "data",
    "cite", "ping", "lowsrc", "dynsrc", "srcdoc",
}  # fmt: skip
# The elements of RSS 2.0, Atom and Google News sitemaps that our feeds use.
XML_ELEMENTS = {
    "rss", "channel", "title", "link", "description", "language", "lastBuildDate", "item",
    "pubDate", "guid", "category", "creator", "author", "feed", "subtitle", "id", "updated",
    "entry", "published", "summary", "name", "uri", "email", "urlset", "url", "loc", "news",
    "publication", "publication_date",
}  # fmt: skip
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)


@dataclass
class Element:
    tag: str
    attrs: list[tuple[str, str | None]]
    parent: "Element | None" = None
    children: list["Element | str"] = field(default_factory=list)

    def attr(self, name: str) -> str | None:
        return next((value for key, value in self.attrs if key == name), None)

    @property
    def classes(self) -> set[str]:
        return set((self.attr("class") or "").split())

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find(self, *, tag=None, id=None, css_class=None) -> "Element | None":
        return next(iter(self.find_all(tag=tag, id=id, css_class=css_class)), None)

    def find_all(self, *, tag=None, id=None, css_class=None) -> list["Element"]:
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and (id is None or element.attr("id") == id)
            and (css_class is None or css_class in element.classes)
        ]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", [])
        self.current = self.root
        self.tags_seen = 0

    def handle_starttag(self, tag, attrs):
        self.tags_seen += 1
        element = Element(tag, attrs, parent=self.current)
        self.current.children.append(element)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.tags_seen += 1
        self.current.children.append(Element(tag, attrs, parent=self.current))

    def handle_endtag(self, tag):
        self.tags_seen += 1
        element = self.current
        while element is not None and element.tag != tag:
            element = element.parent
        if element is not None and element.parent is not None:
            self.current = element.parent

    def handle_data(self, data):
        self.current.children.append(data)

    def handle_comment(self, data):
        self.tags_seen += 1

    def unknown_decl(self, data):
        self.tags_seen += 1

    def handle_decl(self, decl):
        self.tags_seen += 1

    def handle_pi(self, data):
        self.tags_seen += 1


def parse(html: str) -> Element:
    """The document (or fragment) as a tree; unclosed elements end where their parent does."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    builder.root.tags_seen = builder.tags_seen
    return builder.root


def url_scheme(value: str) -> str | None:
    """The scheme a browser reads from an attribute's URL: it drops ASCII tabs and newlines
    anywhere and control characters and spaces at either end (WHATWG URL standard)."""
    cleaned = re.sub(r"[\t\n\r]", "", value).strip("".join(map(chr, range(0x21))))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def injected_markup(root: Element) -> list[str]:
    """Everything on the page that only an injection could have written there."""
    problems = []
    for element in root.iter():
        if element.tag in NEVER_ON_OUR_PAGES:
            problems.append(f"<{element.tag}> element")
        if (
            element.tag == "script"
            and not element.attr("src")
            and element.attr("type") != "application/ld+json"
        ):
            problems.append(f"inline script {element.text()[:80]!r}")
        if element.tag == "meta" and element.attr("http-equiv"):
            problems.append(f"<meta http-equiv={element.attr('http-equiv')!r}>")
        for name, value in element.attrs:
            if name.startswith("on"):
                problems.append(f"<{element.tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value and f"{url_scheme(value)}:" in SCRIPT_SCHEMES:
                problems.append(f"<{element.tag} {name}={value!r}>")
    return problems


def words(text: str) -> str:
    """Text without its whitespace, for comparing what was typed with what a page shows."""
    return "".join(text.split())
