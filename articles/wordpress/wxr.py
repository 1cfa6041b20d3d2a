"""Reading a WordPress export (WXR 1.0, 1.1 and 1.2: Tools → Export) as a stream of records.

The file is read as it streams (a 1 GB export costs the memory of one item at a time) by the
standard library's expat parser through defusedxml, with any DOCTYPE refused: WordPress never
writes one, and a DTD is how XXE and entity-expansion ("billion laughs") files attack a reader.

What real exports contain and a strict XML parser would refuse or misread:
- control characters (0x1C, 0x1D and the like, pasted into posts; WordPress does not strip
  them) are dropped before parsing: they are invalid in XML 1.0 and invisible on a page;
- a field split over several CDATA sections, and a literal `]]>` (which WordPress writes as
  `]]]]><![CDATA[>`), read as the one text they are;
- the `wp:` namespace's address, which changes with each WXR version, is read as one.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

# Invalid in XML 1.0 (every C0 control but tab, line feed and carriage return). Single bytes
# below 0x20 never occur inside a multi-byte UTF-8 character, so they can be dropped as bytes.
_INVALID_XML_BYTES = bytes(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))
_WORDPRESS_NAMESPACE = re.compile(r"^http://wordpress\.org/export/\d+\.\d+/(excerpt/)?$")
NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}


class ExportError(Exception):
    """The file cannot be read as a WordPress export; the message says why and where."""


@dataclass
class Site:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""


@dataclass
class WPAuthor:
    id: int | None
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class WPTerm:
    """A category, a tag or another taxonomy's term, as the channel lists them."""

    taxonomy: str  # "category", "post_tag", or another taxonomy's name
    slug: str
    name: str = ""
    id: int | None = None
    parent_slug: str = ""
    description: str = ""


@dataclass
class WPComment:
    id: int
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = ""
    type: str = ""
    parent: int = 0
    user_id: int = 0
    meta: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class WPItem:
    """A post, a page, an attachment or another post type's item."""

    id: int
    post_type: str = "post"
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date: str = ""
    date_gmt: str = ""
    status: str = ""
    slug: str = ""
    parent: int = 0
    password: str = ""
    is_sticky: bool = False
    attachment_url: str = ""
    terms: list[WPTerm] = field(default_factory=list)
    meta: dict[str, list[str]] = field(default_factory=dict)
    comments: list[WPComment] = field(default_factory=list)


class _XmlSafeStream:
    """The export's bytes without the control characters XML 1.0 forbids. Line breaks are
    kept, so the parser's line numbers are the file's."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw

    def read(self, size: int = -1) -> bytes:
        return self.raw.read(size).translate(None, _INVALID_XML_BYTES)


def _name(tag: str) -> str:
    """`wp:post_id`, `content:encoded`, `title`: the tag with its namespace's usual prefix,
    whatever WXR version's address the file uses."""
    if not tag.startswith("{"):
        return tag
    namespace, _, local = tag[1:].partition("}")
    if match := _WORDPRESS_NAMESPACE.match(namespace):
        return f"{'excerpt' if match.group(1) else 'wp'}:{local}"
    return f"{NAMESPACES.get(namespace, namespace)}:{local}"


def _texts(element: Element) -> dict[str, str]:
    """{prefixed tag: text} of an element's children (the first of each name)."""
    texts: dict[str, str] = {}
    for child in element:
        texts.setdefault(_name(child.tag), child.text or "")
    return texts


def _number(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        return 0


def _meta(element: Element, tag: str) -> dict[str, list[str]]:
    meta: dict[str, list[str]] = {}
    for entry in element:
        if _name(entry.tag) == tag:
            texts = _texts(entry)
            meta.setdefault(texts.get("wp:meta_key", ""), []).append(texts.get("wp:meta_value", ""))
    return meta


def _author(element: Element) -> WPAuthor:
    texts = _texts(element)
    return WPAuthor(
        id=_number(texts.get("wp:author_id", "")) or None,
        login=texts.get("wp:author_login", "").strip(),
        email=texts.get("wp:author_email", "").strip(),
        display_name=texts.get("wp:author_display_name", "").strip(),
        first_name=texts.get("wp:author_first_name", "").strip(),
        last_name=texts.get("wp:author_last_name", "").strip(),
    )


# Each kind of channel term's element names: slug, name, parent's slug, description
# (wp-admin/includes/export.php: wxr_cat_name, wxr_tag_name, wxr_term_name).
_TERM_FIELDS = {
    "wp:category": (
        "wp:category_nicename",
        "wp:cat_name",
        "wp:category_parent",
        "wp:category_description",
    ),
    "wp:tag": ("wp:tag_slug", "wp:tag_name", None, "wp:tag_description"),
    "wp:term": ("wp:term_slug", "wp:term_name", "wp:term_parent", "wp:term_description"),
}
_TAXONOMIES = {"wp:category": "category", "wp:tag": "post_tag"}


def _channel_term(element: Element, kind: str) -> WPTerm:
    texts = _texts(element)
    slug, name, parent, description = _TERM_FIELDS[kind]
    return WPTerm(
        taxonomy=_TAXONOMIES.get(kind) or texts.get("wp:term_taxonomy", "").strip(),
        slug=texts.get(slug, "").strip(),
        name=texts.get(name, "").strip(),
        id=_number(texts.get("wp:term_id", "")) or None,
        parent_slug=texts.get(parent, "").strip() if parent else "",
        description=texts.get(description, "").strip(),
    )


def _comment(element: Element) -> WPComment:
    texts = _texts(element)
    return WPComment(
        id=_number(texts.get("wp:comment_id", "")),
        author=texts.get("wp:comment_author", "").strip(),
        email=texts.get("wp:comment_author_email", "").strip(),
        url=texts.get("wp:comment_author_url", "").strip(),
        ip=texts.get("wp:comment_author_IP", "").strip(),
        date=texts.get("wp:comment_date", "").strip(),
        date_gmt=texts.get("wp:comment_date_gmt", "").strip(),
        content=texts.get("wp:comment_content", ""),
        approved=texts.get("wp:comment_approved", "").strip(),
        type=texts.get("wp:comment_type", "").strip(),
        parent=_number(texts.get("wp:comment_parent", "")),
        user_id=_number(texts.get("wp:comment_user_id", "")),
        meta=_meta(element, "wp:commentmeta"),
    )


def _item(element: Element) -> WPItem:
    texts = _texts(element)
    terms = [
        WPTerm(
            taxonomy=child.get("domain", ""), slug=child.get("nicename", ""), name=child.text or ""
        )
        for child in element
        if _name(child.tag) == "category" and child.get("domain")
    ]
    return WPItem(
        id=_number(texts.get("wp:post_id", "")),
        post_type=texts.get("wp:post_type", "post").strip() or "post",
        title=texts.get("title", "").strip(),
        link=texts.get("link", "").strip(),
        guid=texts.get("guid", "").strip(),
        creator=texts.get("dc:creator", "").strip(),
        content=texts.get("content:encoded", ""),
        excerpt=texts.get("excerpt:encoded", ""),
        date=texts.get("wp:post_date", "").strip(),
        date_gmt=texts.get("wp:post_date_gmt", "").strip(),
        status=texts.get("wp:status", "").strip(),
        slug=texts.get("wp:post_name", "").strip(),
        parent=_number(texts.get("wp:post_parent", "")),
        password=texts.get("wp:post_password", ""),
        is_sticky=texts.get("wp:is_sticky", "").strip() == "1",
        attachment_url=texts.get("wp:attachment_url", "").strip(),
        terms=terms,
        meta=_meta(element, "wp:postmeta"),
        comments=[_comment(child) for child in element if _name(child.tag) == "wp:comment"],
    )


def read_export(source: BinaryIO) -> Iterator[Site | WPAuthor | WPTerm | WPItem]:
    """The export's records in file order: the Site (once its channel header has been read,
    before the first author, term or item), then authors, terms and items as they come.

    Raises ExportError for a file that is not a WordPress export, is not well-formed XML
    (naming the line), or declares a DTD.
    """
    site, site_sent = Site(), False
    path: list[Element] = []
    try:
        for event, element in iterparse(
            _XmlSafeStream(source), events=("start", "end"), forbid_dtd=True
        ):
            if event == "start":
                path.append(element)
                if len(path) == 1 and _name(element.tag) != "rss":
                    raise ExportError(
                        f"This is not a WordPress export: it starts with <{_name(element.tag)}>,"
                        " not <rss>. Export the site from WordPress with Tools → Export."
                    )
                continue
            path.pop()
            if len(path) != 2:  # not a child of <channel>
                continue
            name = _name(element.tag)
            if name in ("title", "link", "wp:base_site_url", "wp:base_blog_url", "wp:wxr_version"):
                setattr(site, name.removeprefix("wp:"), (element.text or "").strip())
                continue
            record = None
            if name == "wp:author":
                record = _author(element)
            elif name in ("wp:category", "wp:tag", "wp:term"):
                record = _channel_term(element, name)
            elif name == "item":
                record = _item(element)
            # Read: dropped from the tree, so that memory holds one item at a time.
            path[-1].remove(element)
            if record is None:
                continue
            if not site_sent:
                site_sent = True
                yield site
            yield record
    except ParseError as error:
        line, column = error.position
        raise ExportError(
            f"The export is not well-formed XML at line {line}, column {column + 1}: "
            f"{str(error).split(':')[0]}."
        ) from error
    except DefusedXmlException as error:
        raise ExportError(
            "The export declares a DTD or entities, which WordPress never writes and which can "
            "make a reader fetch files or expand text without end (XXE, billion laughs); it "
            f"was refused ({type(error).__name__})."
        ) from error
    if not site_sent:
        if not site.wxr_version and not site.base_site_url:
            raise ExportError(
                "This file has no WordPress export in it (no wp:wxr_version, no site address)."
            )
        yield site
