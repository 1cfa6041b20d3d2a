"""A WordPress post's body as WordPress shows it, then as this site stores it.

WordPress stores what the editor typed and builds the page at display time: paragraphs from
blank lines (wpautop, classic-editor posts), figures from `[caption]` and `[gallery]`, links
from a URL on a line of its own (oEmbed). The importer does the same once, then the result goes
through the article sanitiser like everything an editor saves (scripts and iframes never
survive).
"""

import html
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from articles.html import sanitise_body

# A picture a gallery shows: its address, alternative text and caption.
GalleryImage = tuple[str, str, str]

_BLOCK_EDITOR_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
# <!--more--> (the teaser's end), <!--nextpage--> (a page break) and <!--noteaser-->: markers
# for WordPress's own templates, with no place in an article page.
_MARKER_COMMENT = re.compile(r"<!--\s*(more|nextpage|noteaser)\b.*?-->", re.DOTALL)
# [name attributes], [name attributes /], [name attributes]content[/name]; [[name]] is
# WordPress's escape for a literal "[name]". Names as WordPress allows them.
_SHORTCODE = re.compile(
    r"\[(?P<escaped>\[?)(?P<name>[A-Za-z][\w-]*)(?P<attributes>(?:\s[^\]]*?)?)(?P<closed>/?)\]"
    r"(?:(?P<content>.*?)\[/(?P=name)\])?(?P<escaped_end>\]?)",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"]+))""")
_OWN_LINE_URL = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.MULTILINE)
_BLOCK_START = re.compile(
    r"^<(?:p|div|h[1-6]|ul|ol|li|dl|blockquote|figure|table|pre|hr|section|address|form"
    r"|iframe|script|style|object|embed|video|audio)\b",
    re.IGNORECASE,
)
_IMAGE_OR_LINKED_IMAGE = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.S)


@dataclass
class ConvertedBody:
    html: str
    # Shortcodes this site has no equivalent for, by name: their tags dropped, any text they
    # enclosed kept. Reported, so an editor can look at what they did.
    unknown_shortcodes: Counter = field(default_factory=Counter)


def shortcode_attributes(text: str) -> dict[str, str]:
    return {
        match.group(1).lower(): next(g for g in match.groups()[1:] if g is not None)
        for match in _ATTRIBUTE.finditer(text)
    }


def convert_body(
    content: str, *, gallery: Callable[[list[int]], list[GalleryImage]] | None = None
) -> ConvertedBody:
    """`content` (a WXR item's content:encoded) as the stored, sanitised article body.

    `gallery(ids)` gives the pictures of a `[gallery]`: those with the WordPress ids given, or
    with none, the post's own attached pictures.
    """
    converted = ConvertedBody(html="")
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    block_editor = bool(_BLOCK_EDITOR_COMMENT.search(text))
    text = _MARKER_COMMENT.sub("", _BLOCK_EDITOR_COMMENT.sub("", text))
    text = _SHORTCODE.sub(lambda match: _shortcode(match, converted, gallery), text)
    text = _OWN_LINE_URL.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', text)
    # The block editor stores its paragraphs; the classic one leaves them to wpautop.
    text = re.sub(r"\n\s*\n", "\n", text.strip()) if block_editor else paragraphs(text)
    converted.html = sanitise_body(text)
    return converted


def paragraphs(text: str) -> str:
    """WordPress's wpautop, as far as a stored body needs it: text between blank lines becomes
    a paragraph, a single line break a <br>; a chunk that is already a block stays one."""
    chunks = [chunk.strip() for chunk in re.split(r"\n[ \t]*\n", text.strip())]
    out = []
    for chunk in chunks:
        if not chunk:
            continue
        if _BLOCK_START.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    return "\n".join(out)


def _shortcode(match: re.Match, converted: ConvertedBody, gallery) -> str:
    if match.group("escaped") and match.group("escaped_end"):
        return match.group(0)[1:-1]  # [[name]]: the literal text "[name]"
    name = match.group("name").lower()
    attributes = shortcode_attributes(match.group("attributes"))
    inner = match.group("content") or ""
    if name in ("caption", "wp_caption"):
        return _caption(inner, attributes)
    if name == "gallery":
        chosen = attributes.get("ids") or attributes.get("include") or ""
        ids = [int(number) for number in re.findall(r"\d+", chosen)]
        return _gallery(gallery(ids) if gallery else [])
    if name == "embed":
        url = inner.strip()
        return f'<a href="{html.escape(url)}">{html.escape(url)}</a>' if url else ""
    if match.group("content") is None and "=" not in match.group("attributes"):
        # WordPress shows a shortcode no plugin registered as the text it is: "[Update 3pm]"
        # is an editor's note, not markup. Only what has a shortcode's shape is taken for one.
        return match.group(0)
    converted.unknown_shortcodes[name] += 1
    return inner


def _caption(inner: str, attributes: dict[str, str]) -> str:
    """[caption]<img …> The caption[/caption] (or caption="…", WordPress before 3.4)."""
    picture, caption = inner, attributes.get("caption", "")
    if found := _IMAGE_OR_LINKED_IMAGE.match(inner):
        picture, rest = found.group(1), found.group(2).strip()
        caption = caption or rest
    caption_html = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"\n\n<figure>{picture}{caption_html}</figure>\n\n"


def _gallery(images: list[GalleryImage]) -> str:
    figures = []
    for src, alt, caption in images:
        caption_html = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
        figures.append(
            f'<figure><img src="{html.escape(src)}" alt="{html.escape(alt)}">{caption_html}'
            "</figure>"
        )
    return "\n\n" + "\n\n".join(figures) + "\n\n" if figures else ""
