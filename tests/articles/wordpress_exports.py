"""WordPress exports written by the tests themselves, as WordPress's Tools → Export writes
them (wp-admin/includes/export.php): every text in CDATA, with `]]>` split across two CDATA
sections, and the `wp:` namespace of the WXR version asked for."""

from dataclasses import dataclass, field


def cdata(text: str) -> str:
    """WordPress's wxr_cdata(): one CDATA section, or several where the text holds `]]>`."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class Comment:
    id: int
    content: str
    author: str = "A Reader"
    email: str = "reader@example.org"
    url: str = ""
    ip: str = "203.0.113.7"
    date_gmt: str = "2024-03-02 10:00:00"
    approved: str = "1"
    type: str = "comment"
    parent: int = 0
    user_id: int = 0

    def xml(self) -> str:
        return f"""
		<wp:comment>
			<wp:comment_id>{self.id}</wp:comment_id>
			<wp:comment_author>{cdata(self.author)}</wp:comment_author>
			<wp:comment_author_email>{cdata(self.email)}</wp:comment_author_email>
			<wp:comment_author_url>{self.url}</wp:comment_author_url>
			<wp:comment_author_IP>{cdata(self.ip)}</wp:comment_author_IP>
			<wp:comment_date>{cdata(self.date_gmt)}</wp:comment_date>
			<wp:comment_date_gmt>{cdata(self.date_gmt)}</wp:comment_date_gmt>
			<wp:comment_content>{cdata(self.content)}</wp:comment_content>
			<wp:comment_approved>{cdata(self.approved)}</wp:comment_approved>
			<wp:comment_type>{cdata(self.type)}</wp:comment_type>
			<wp:comment_parent>{self.parent}</wp:comment_parent>
			<wp:comment_user_id>{self.user_id}</wp:comment_user_id>
		</wp:comment>"""


@dataclass
class Post:
    id: int
    title: str
    content: str = "<p>Body.</p>"
    excerpt: str = ""
    slug: str = ""
    creator: str = "editor"
    date_gmt: str = "2024-03-01 09:30:00"
    status: str = "publish"
    post_type: str = "post"
    parent: int = 0
    password: str = ""
    sticky: bool = False
    attachment_url: str = ""
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, nicename, name)
    meta: list[tuple[str, str]] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    link: str = ""  # the post's permalink; WordPress's ?p= form by default

    def xml(self) -> str:
        terms = "".join(
            f'\n\t\t<category domain="{domain}" nicename="{slug}">{cdata(name)}</category>'
            for domain, slug, name in self.terms
        )
        meta = "".join(
            f"""
		<wp:postmeta>
			<wp:meta_key>{cdata(key)}</wp:meta_key>
			<wp:meta_value>{cdata(value)}</wp:meta_value>
		</wp:postmeta>"""
            for key, value in self.meta
        )
        attachment = (
            f"\n\t\t<wp:attachment_url>{cdata(self.attachment_url)}</wp:attachment_url>"
            if self.attachment_url
            else ""
        )
        return f"""
	<item>
		<title>{cdata(self.title)}</title>
		<link>{self.link or f"https://old.example.com/?p={self.id}"}</link>
		<pubDate>Fri, 01 Mar 2024 09:30:00 +0000</pubDate>
		<dc:creator>{cdata(self.creator)}</dc:creator>
		<guid isPermaLink="false">https://old.example.com/?p={self.id}</guid>
		<description></description>
		<content:encoded>{cdata(self.content)}</content:encoded>
		<excerpt:encoded>{cdata(self.excerpt)}</excerpt:encoded>
		<wp:post_id>{self.id}</wp:post_id>
		<wp:post_date>{cdata(self.date_gmt)}</wp:post_date>
		<wp:post_date_gmt>{cdata(self.date_gmt)}</wp:post_date_gmt>
		<wp:comment_status>{cdata("open")}</wp:comment_status>
		<wp:post_name>{cdata(self.slug)}</wp:post_name>
		<wp:status>{cdata(self.status)}</wp:status>
		<wp:post_parent>{self.parent}</wp:post_parent>
		<wp:post_type>{cdata(self.post_type)}</wp:post_type>
		<wp:post_password>{cdata(self.password)}</wp:post_password>
		<wp:is_sticky>{int(self.sticky)}</wp:is_sticky>{attachment}{terms}{meta}{
            "".join(comment.xml() for comment in self.comments)
        }
	</item>"""


AUTHOR = """
	<wp:author>
		<wp:author_id>{id}</wp:author_id>
		<wp:author_login>{login}</wp:author_login>
		<wp:author_email>{email}</wp:author_email>
		<wp:author_display_name>{name}</wp:author_display_name>
		<wp:author_first_name>{first}</wp:author_first_name>
		<wp:author_last_name>{last}</wp:author_last_name>
	</wp:author>"""


def author(id, login, name, email="", first="", last="") -> str:  # noqa: A002 - WXR's name
    return AUTHOR.format(
        id=id,
        login=cdata(login),
        email=cdata(email),
        name=cdata(name),
        first=cdata(first),
        last=cdata(last),
    )


def category(slug, name, parent="", id=0) -> str:  # noqa: A002
    return f"""
	<wp:category>
		<wp:term_id>{id}</wp:term_id>
		<wp:category_nicename>{cdata(slug)}</wp:category_nicename>
		<wp:category_parent>{cdata(parent)}</wp:category_parent>
		<wp:cat_name>{cdata(name)}</wp:cat_name>
	</wp:category>"""


def tag(slug, name, id=0) -> str:  # noqa: A002
    return f"""
	<wp:tag>
		<wp:term_id>{id}</wp:term_id>
		<wp:tag_slug>{cdata(slug)}</wp:tag_slug>
		<wp:tag_name>{cdata(name)}</wp:tag_name>
	</wp:tag>"""


def export(*parts: str, version: str = "1.2", site: str = "https://old.example.com") -> bytes:
    """A whole export file: the channel's header, then `parts` (authors, terms, items)."""
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/{version}/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/{version}/"
>
<channel>
	<title>The Old Gazette</title>
	<link>{site}</link>
	<description>News from the old site</description>
	<language>en-GB</language>
	<wp:wxr_version>{version}</wp:wxr_version>
	<wp:base_site_url>{site}</wp:base_site_url>
	<wp:base_blog_url>{site}</wp:base_blog_url>
{"".join(parts)}
</channel>
</rss>
""".encode()
