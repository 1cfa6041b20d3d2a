"""The whole site as a WordPress export (WXR 1.2), so that it is never locked in (#10): bylines
as authors, sections as categories, tags, pictures as attachments, articles as posts with their
featured image and their comments, threads and statuses, written as WordPress's own Tools →
Export writes them (wp-admin/includes/export.php), which WordPress's importer and this site's
read back.

An export holds no files, WordPress's neither: each attachment names its file by its address on
this site, which WordPress's importer downloads, and by its place in the media folder
(`_wp_attached_file`), where this site's importer reads it (`--uploads MEDIA_ROOT`).

Written as a stream: one article and its comments in memory at a time.
"""

import html
import re
from collections.abc import Iterator
from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from articles.models import Article, Author, Image, Page, Section, Tag
from comments.models import Comment

WXR_VERSION = "1.2"
COMMENT_STATUSES = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.REJECTED: "trash",
}
# Text in square brackets that WordPress itself would take for one of its own shortcodes
# (wp-includes/media.php, embed.php): written as its escape, [[name]], which WordPress shows
# as "[name]". Outside tags only: a link's query may hold brackets.
_WORDPRESS_SHORTCODE = re.compile(
    r"(<[^>]*>)|\[(/?(?:caption|wp_caption|gallery|embed|audio|video|playlist)\b[^\]]*)\]"
)
# Invalid in XML 1.0; the site's texts drop them, but an export must never carry one.
_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
BATCH = 500
# Pages and pictures share WordPress's ids (wp_posts) with posts: numbered after every article.
PAGE_IDS_FROM = 1_000_000_000
ATTACHMENT_IDS_FROM = 2_000_000_000
# Where a picture's credit travels: WordPress keeps a meta key it does not know as it is.
CREDIT_META_KEY = "_newsportal_credit"


def cdata(text: str) -> str:
    """wxr_cdata(): one CDATA section, or several where the text holds `]]>`."""
    text = _INVALID_XML.sub("", text or "")
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _date(moment) -> tuple[str, str]:
    """(local, GMT) as WordPress writes dates; its "never" for none."""
    if moment is None:
        return "0000-00-00 00:00:00", "0000-00-00 00:00:00"
    return (
        timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S"),
        moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
    )


def _absolute(path: str) -> str:
    """An address on this site as a whole URL (media may already be elsewhere: a CDN)."""
    return path if urlsplit(path).scheme else f"{settings.SITE_URL}{path}"


def _media_address() -> re.Pattern:
    """A picture of this site in a body: its stored file or one of its renditions
    (images/writing.py), at a relative or a whole address."""
    return re.compile(
        r'(?P<attribute>src|href)="(?:'
        + re.escape(settings.SITE_URL)
        + ")?"
        + re.escape(settings.MEDIA_URL)
        + r'(?:renditions/(?P<image>\d+)/[^"]*|(?P<file>[^"]*))"'
    )


def export_site() -> Iterator[str]:
    """The export's text, piece by piece."""
    yield f"""<?xml version="1.0" encoding="UTF-8" ?>
<!-- A WordPress eXtended RSS file written by newsportal: import it with WordPress's
     Tools → Import → WordPress, or with `manage.py import_wordpress`. -->
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/{WXR_VERSION}/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/{WXR_VERSION}/"
>
<channel>
	<title>{html.escape(settings.SITE_NAME)}</title>
	<link>{html.escape(settings.SITE_URL)}</link>
	<description></description>
	<pubDate>{timezone.now().strftime("%a, %d %b %Y %H:%M:%S +0000")}</pubDate>
	<language>{settings.LANGUAGE_CODE}</language>
	<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>
	<wp:base_site_url>{html.escape(settings.SITE_URL)}</wp:base_site_url>
	<wp:base_blog_url>{html.escape(settings.SITE_URL)}</wp:base_blog_url>
"""
    for author in Author.objects.order_by("pk").iterator():
        # On one line, as WordPress writes it: its importer's fallback parser
        # (class-wxr-parser-regex.php) reads an author from one line only.
        yield (
            f"\n\t<wp:author><wp:author_id>{author.pk}</wp:author_id>"
            f"<wp:author_login>{cdata(author.slug)}</wp:author_login>"
            f"<wp:author_email>{cdata(author.email)}</wp:author_email>"
            f"<wp:author_display_name>{cdata(author.name)}</wp:author_display_name>"
            f"<wp:author_first_name>{cdata('')}</wp:author_first_name>"
            f"<wp:author_last_name>{cdata('')}</wp:author_last_name></wp:author>"
        )
    for section in Section.objects.order_by("pk").iterator():
        yield f"""
	<wp:category>
		<wp:term_id>{section.pk}</wp:term_id>
		<wp:category_nicename>{cdata(section.slug)}</wp:category_nicename>
		<wp:category_parent>{cdata("")}</wp:category_parent>
		<wp:cat_name>{cdata(section.name)}</wp:cat_name>
		<wp:category_description>{cdata(section.description)}</wp:category_description>
	</wp:category>"""
    for tag in Tag.objects.order_by("pk").iterator():
        yield f"""
	<wp:tag>
		<wp:term_id>{tag.pk}</wp:term_id>
		<wp:tag_slug>{cdata(tag.slug)}</wp:tag_slug>
		<wp:tag_name>{cdata(tag.name)}</wp:tag_name>
	</wp:tag>"""
    # Pictures before the posts that show them, as either importer reads them best.
    featured_in = dict(
        Article.objects.filter(featured_image__isnull=False)
        .order_by("-pk")
        .values_list("featured_image_id", "pk")
    )
    for image in Image.objects.order_by("pk").iterator():
        yield _attachment(image, featured_in.get(image.pk, 0))
    articles = (
        Article.objects.select_related("section")
        .prefetch_related("tags", "bylines__author")
        .order_by("pk")
    )
    last = 0
    while batch := list(articles.filter(pk__gt=last)[:BATCH]):
        comments: dict[int, list[Comment]] = {}
        for comment in Comment.objects.filter(article__in=batch).order_by("pk"):
            comments.setdefault(comment.article_id, []).append(comment)
        for article in batch:
            yield _item(article, comments.get(article.pk, []))
        last = batch[-1].pk
    for page in Page.objects.order_by("pk").iterator():
        yield _page(page)
    yield "\n</channel>\n</rss>\n"


def _item(article: Article, comments: list[Comment]) -> str:
    if article.status != Article.Status.PUBLISHED:
        status = "draft"
    else:
        status = "future" if article.is_scheduled else "publish"
    local, gmt = _date(article.published_at)
    creator = article.byline_authors[0].slug if article.byline_authors else ""
    terms = [("category", article.section.slug, article.section.name)] + [
        ("post_tag", tag.slug, tag.name) for tag in article.tags.all()
    ]
    categories = "".join(
        f'\n\t\t<category domain="{domain}" nicename="{html.escape(slug)}">{cdata(name)}</category>'
        for domain, slug, name in terms
    )
    published = article.published_at
    pub_date = published.strftime("%a, %d %b %Y %H:%M:%S +0000") if published else ""
    comments_xml = "".join(_comment(comment) for comment in comments)
    body = _wordpress_body(article.body)
    featured = ""
    if article.featured_image_id:
        featured = _meta("_thumbnail_id", str(ATTACHMENT_IDS_FROM + article.featured_image_id))
    return f"""
	<item>
		<title>{cdata(article.headline)}</title>
		<link>{html.escape(_absolute(article.get_absolute_url()))}</link>
		<pubDate>{pub_date}</pubDate>
		<dc:creator>{cdata(creator)}</dc:creator>
		<guid isPermaLink="false">{html.escape(_absolute(article.get_absolute_url()))}</guid>
		<description></description>
		<content:encoded>{cdata(body)}</content:encoded>
		<excerpt:encoded>{cdata(html.escape(article.standfirst))}</excerpt:encoded>
		<wp:post_id>{article.pk}</wp:post_id>
		<wp:post_date>{cdata(local)}</wp:post_date>
		<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>
		<wp:comment_status>{cdata("open")}</wp:comment_status>
		<wp:ping_status>{cdata("closed")}</wp:ping_status>
		<wp:post_name>{cdata(article.slug)}</wp:post_name>
		<wp:status>{cdata(status)}</wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type>{cdata("post")}</wp:post_type>
		<wp:post_password>{cdata("")}</wp:post_password>
		<wp:is_sticky>{int(article.is_lead)}</wp:is_sticky>{categories}{featured}{comments_xml}
	</item>"""


def _page(page: Page) -> str:
    local, gmt = _date(page.updated_at)
    body = _wordpress_body(page.body)
    slug = page.path.strip("/").rsplit("/", 1)[-1]
    return f"""
	<item>
		<title>{cdata(page.title)}</title>
		<link>{html.escape(_absolute(page.path))}</link>
		<dc:creator>{cdata("")}</dc:creator>
		<guid isPermaLink="false">{html.escape(_absolute(page.path))}</guid>
		<content:encoded>{cdata(body)}</content:encoded>
		<excerpt:encoded>{cdata("")}</excerpt:encoded>
		<wp:post_id>{PAGE_IDS_FROM + page.pk}</wp:post_id>
		<wp:post_date>{cdata(local)}</wp:post_date>
		<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>
		<wp:comment_status>{cdata("closed")}</wp:comment_status>
		<wp:ping_status>{cdata("closed")}</wp:ping_status>
		<wp:post_name>{cdata(slug)}</wp:post_name>
		<wp:status>{cdata("publish" if page.is_published else "draft")}</wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type>{cdata("page")}</wp:post_type>
		<wp:post_password>{cdata("")}</wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
	</item>"""


def _attachment(image: Image, parent: int) -> str:
    """A picture as WordPress lists an upload: its file's address and place, its words."""
    local, gmt = _date(image.created_at)
    address = html.escape(_absolute(image.file.url))
    meta = [
        ("_wp_attached_file", image.file.name),
        ("_wp_attachment_image_alt", image.alt_text),
        (CREDIT_META_KEY, image.credit),
    ]
    return f"""
	<item>
		<title>{cdata(image.alt_text)}</title>
		<link>{address}</link>
		<dc:creator>{cdata("")}</dc:creator>
		<guid isPermaLink="false">{address}</guid>
		<content:encoded>{cdata("")}</content:encoded>
		<excerpt:encoded>{cdata(html.escape(image.caption, quote=False))}</excerpt:encoded>
		<wp:post_id>{ATTACHMENT_IDS_FROM + image.pk}</wp:post_id>
		<wp:post_date>{cdata(local)}</wp:post_date>
		<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>
		<wp:comment_status>{cdata("closed")}</wp:comment_status>
		<wp:ping_status>{cdata("closed")}</wp:ping_status>
		<wp:post_name>{cdata(f"image-{image.pk}")}</wp:post_name>
		<wp:status>{cdata("inherit")}</wp:status>
		<wp:post_parent>{parent}</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type>{cdata("attachment")}</wp:post_type>
		<wp:post_password>{cdata("")}</wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
		<wp:attachment_url>{cdata(_absolute(image.file.url))}</wp:attachment_url>{
        "".join(_meta(key, value) for key, value in meta if value)
    }
	</item>"""


def _meta(key: str, value: str) -> str:
    return f"""
		<wp:postmeta>
			<wp:meta_key>{cdata(key)}</wp:meta_key>
			<wp:meta_value>{cdata(value)}</wp:meta_value>
		</wp:postmeta>"""


def _wordpress_body(body: str) -> str:
    """A body as WordPress should read it: its own shortcodes escaped; this site's pictures at
    their attachments' addresses (a rendition's as its picture's file), which both importers
    rewrite to the pictures they make of them."""
    body = _WORDPRESS_SHORTCODE.sub(lambda m: m.group(1) or f"[[{m.group(2)}]]", body)
    media = _media_address()
    wanted = {int(m.group("image")) for m in media.finditer(body) if m.group("image")}
    files = dict(Image.objects.filter(pk__in=wanted).values_list("pk", "file")) if wanted else {}

    def file_address(match: re.Match) -> str:
        if match.group("file") is not None:  # already escaped, as the body's text
            address = _absolute(settings.MEDIA_URL + match.group("file"))
        elif name := files.get(int(match.group("image"))):
            address = html.escape(_absolute(default_storage.url(name)))
        else:  # a picture deleted since: its address stays as it was
            return match.group(0)
        return f'{match.group("attribute")}="{address}"'

    return media.sub(file_address, body)


def _comment(comment: Comment) -> str:
    local, gmt = _date(comment.created_at)
    # Comment text is kept as plain text here; WordPress keeps it as HTML.
    return f"""
		<wp:comment>
			<wp:comment_id>{comment.pk}</wp:comment_id>
			<wp:comment_author>{cdata(comment.name)}</wp:comment_author>
			<wp:comment_author_email>{cdata(comment.email)}</wp:comment_author_email>
			<wp:comment_author_url>{html.escape(comment.url)}</wp:comment_author_url>
			<wp:comment_author_IP>{cdata(comment.ip_address or "")}</wp:comment_author_IP>
			<wp:comment_date>{cdata(local)}</wp:comment_date>
			<wp:comment_date_gmt>{cdata(gmt)}</wp:comment_date_gmt>
			<wp:comment_content>{cdata(html.escape(comment.body, quote=False))}</wp:comment_content>
			<wp:comment_approved>{cdata(COMMENT_STATUSES[comment.status])}</wp:comment_approved>
			<wp:comment_type>{cdata("comment")}</wp:comment_type>
			<wp:comment_parent>{comment.parent_id or 0}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>"""
