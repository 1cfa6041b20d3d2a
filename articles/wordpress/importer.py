"""A WordPress export's authors, categories, tags and posts as bylines, sections, tags and
articles (#10).

Each record is stored in a transaction of its own, keyed by (site, kind, WordPress key) in
WordPressOrigin: a second run updates what changed and creates nothing twice, and a run that
was interrupted continues where it stopped. What cannot be carried over is skipped with its
reason, in the report.
"""

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import validate_email
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from django.utils.text import slugify

from articles.html import body_text
from articles.models import Article, Author, Byline, Image, Page, Section, Tag
from articles.pages import normal_path
from articles.redirects import Redirect

from .content import convert_body
from .models import WordPressOrigin
from .wxr import Site, WPAuthor, WPItem, WPTerm

# WordPress's statuses (wp-includes/post.php) as this site has them; missing ones are skipped.
DRAFT_STATUSES = {"draft", "pending", "private"}
SKIPPED_STATUSES = {
    "trash": "in WordPress's trash",
    "auto-draft": "an automatic draft WordPress never showed",
    "inherit": "a revision",
}
UNCATEGORISED = ("uncategorized", "Uncategorized")  # WordPress's default category
# Few, and looked up for every post that names them: kept in memory for the run.
REMEMBERED_KINDS = {"author", "category", "post_tag", "attachment", "upload"}
# A file's address in a body, a link or an attachment: .../wp-content/uploads/2024/03/name.jpg,
# or a size WordPress made of it, name-640x480.jpg; the part after uploads/ and the width.
UPLOAD_URL = re.compile(
    r"(?:https?://[^\s\"'<>]*?)?/wp-content/uploads/(?P<path>[^\s\"'<>?#]+?)"
    r"(?:-(?P<width>\d+)x\d+)?(?P<extension>\.[A-Za-z0-9]+)(?=[\s\"'<>?#]|$)"
)

# A picture or a link in a body; WordPress's name for a resized copy ("name-640x427.jpg").
_ADDRESS_ATTRIBUTE = re.compile(r'(?P<attribute>src|href)="(?P<address>[^"]+)"')
_RESIZED = re.compile(r"-(?P<width>\d+)x\d+(?=\.[A-Za-z0-9]+$)")
# A picture still shown from a whole address: one of the export's, maybe, read later.
_PICTURE_ELSEWHERE = re.compile(r'<img [^>]*src="https?://')


@dataclass
class Report:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    # (what, which, why)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    # Skipped by kind, each too common to list (pingbacks and trackbacks).
    not_imported: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        getattr(self, outcome)[kind] += 1

    def lines(self) -> list[str]:
        kinds = sorted({*self.created, *self.updated, *self.unchanged})
        lines = [
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, "
            f"{self.unchanged[kind]} unchanged"
            for kind in kinds
        ]
        skipped = Counter(what for what, _, _ in self.skipped) + self.not_imported
        if skipped:
            lines.append("skipped: " + ", ".join(f"{n} {what}" for what, n in skipped.items()))
        lines += [f"  skipped {what} {which}: {why}" for what, which, why in self.skipped]
        lines += [f"  note: {note}" for note in self.notes]
        return lines


def wordpress_time(gmt: str, local: str = "") -> datetime | None:
    """A WXR date ("2024-03-01 09:30:00", UTC in *_gmt) as an aware datetime; None for
    WordPress's "0000-00-00 00:00:00" (a draft never dated). Where only the local time is
    known, it is read in this site's time zone."""
    for text, zone in ((gmt, UTC), (local, ZoneInfo(settings.TIME_ZONE))):
        if text and not text.startswith("0000"):
            try:
                return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
            except ValueError:
                continue
    return None


def readable_slug(slug: str, fallback: str) -> str:
    """A WordPress slug as this site's, readable: WordPress stores a slug in another script
    percent-encoded ("%d0%bd%d0%be…"), which is decoded ("но…"); from `fallback` (a name)
    where there is none."""
    return (
        slugify(unquote(slug), allow_unicode=True)
        or slugify(fallback)
        or slugify(fallback, allow_unicode=True)
    )


class ArticleImport:
    """The articles side of one import run from the export of `site`."""

    def __init__(self, site: Site, report: Report, uploads: Path | None = None):
        self.site = site.base_site_url or site.link
        self.report = report
        self.uploads = uploads.resolve() if uploads else None
        # Authors, terms and pictures by (kind, WordPress key): read again for every post.
        self._known: dict[tuple[str, str], object] = {}
        # Articles to finish once every attachment has been read (attachments may come after
        # the posts that show them): (article id, WordPress id of its featured image, and the
        # post's text where a gallery named pictures not read yet).
        self.unfinished: list[tuple[int, int, str | None]] = []
        self._gallery_waits = False
        # Pictures by the address the export gives for their file, where that is not in
        # wp-content/uploads; bodies that show them are rewritten after every attachment is read.
        self._attachment_addresses: dict[str, Image] = {}
        # Each category's parent, by slug: its old address is /category/parent/child/.
        self.category_parents: dict[str, str] = {}
        # The feeds' addresses (wp-includes/rewrite.php; wp-rss2.php and wp-atom.php before 1.5).
        rss, atom = reverse("articles:rss"), reverse("articles:atom")
        _redirect(
            {"/feed/", "/feed/rss2/", "/comments/feed/", "/wp-rss2.php", "/wp-commentsrss2.php"}
            | {"/?feed=rss2"},
            url=rss,
        )
        _redirect({"/feed/atom/", "/wp-atom.php", "/?feed=atom"}, url=atom)

    # --- origins -----------------------------------------------------------------------------

    def _found(self, model, kind: str, key: str):
        """What the WordPress object became in an earlier run or record; None if nothing."""
        if (kind, key) in self._known:
            return self._known[(kind, key)]
        origin = WordPressOrigin.objects.filter(site=self.site, kind=kind, key=key).first()
        found = model.objects.filter(pk=origin.object_id).first() if origin else None
        if found is not None and kind in REMEMBERED_KINDS:
            self._known[(kind, key)] = found
        return found

    def _remember(self, kind: str, key: str, obj) -> None:
        if kind in REMEMBERED_KINDS:
            if getattr(self._known.get((kind, key)), "pk", None) == obj.pk:
                return
            self._known[(kind, key)] = obj
        WordPressOrigin.objects.bulk_create(
            [WordPressOrigin(site=self.site, kind=kind, key=key, object_id=obj.pk)],
            update_conflicts=True,
            unique_fields=["site", "kind", "key"],
            update_fields=["object_id"],
        )

    def _save(self, kind: str, obj, values: dict, *, created: bool) -> None:
        """Set `values` on `obj` and save it if anything changed; counted in the report."""
        changed = created or any(getattr(obj, name) != value for name, value in values.items())
        for name, value in values.items():
            setattr(obj, name, value)
        if changed:
            # Related rows were just read or made: checking that they exist is a query apiece.
            related = [f.name for f in obj._meta.concrete_fields if f.is_relation]
            obj.full_clean(exclude=related, validate_unique=False)
            obj.save()
        self.report.count(kind, "created" if created else "updated" if changed else "unchanged")

    @staticmethod
    def _unique(model, field_name: str, wanted: str, max_length: int, obj) -> str:
        """`wanted`, or `wanted-2`, `-3`…: the first that no other row of `model` has."""
        candidate, number = wanted[:max_length], 1
        others = model.objects.exclude(pk=obj.pk) if obj.pk else model.objects.all()
        while others.filter(**{field_name: candidate}).exists():
            number += 1
            suffix = f"-{number}" if field_name == "slug" else f" ({number})"
            candidate = wanted[: max_length - len(suffix)] + suffix
        return candidate

    # --- records -----------------------------------------------------------------------------

    @transaction.atomic
    def author(self, record: WPAuthor) -> Author:
        author = self._found(Author, "author", record.login)
        created = author is None
        author = author or Author()
        name = (
            record.display_name
            or " ".join(part for part in (record.first_name, record.last_name) if part)
            or record.login
        )
        wanted = readable_slug(record.login, name) or f"author-{record.id or 1}"
        slug = self._unique(Author, "slug", wanted, 120, author)
        values = {"name": name[:120], "slug": slug}
        if _is_email(record.email):
            values["email"] = record.email
        elif record.email:
            self.report.notes.append(
                f"author {record.login}: e-mail {record.email!r} is not an address, left out"
            )
        self._save("authors", author, values, created=created)
        self._remember("author", record.login, author)
        paths = {f"/author/{record.login}/", f"/author/{slugify(record.login)}/"}
        _redirect(paths | ({f"/?author={record.id}"} if record.id else set()), author=author)
        return author

    def author_by_login(self, login: str) -> Author | None:
        """A post's dc:creator: an author listed in the export, or one made from the login
        alone (WXR 1.0 lists none)."""
        if not login:
            return None
        return self._found(Author, "author", login) or self.author(WPAuthor(id=None, login=login))

    @transaction.atomic
    def term(self, record: WPTerm) -> Section | Tag | None:
        if record.taxonomy == "category":
            model, kind, counted = Section, "category", "sections"
        elif record.taxonomy == "post_tag":
            model, kind, counted = Tag, "post_tag", "tags"
        else:
            self.report.skipped.append(
                ("term", f"{record.taxonomy}:{record.slug}", "a taxonomy this site does not have")
            )
            return None
        obj = self._found(model, kind, record.slug)
        created = obj is None
        obj = obj or model()
        name = (unquote(record.name) if "%" in record.name else record.name) or record.slug
        values = {
            "name": self._unique(model, "name", name.strip(), 80, obj),
            "slug": self._unique(
                model, "slug", readable_slug(record.slug, name) or kind.replace("_", "-"), 80, obj
            ),
        }
        if model is Section and record.description:
            values["description"] = record.description[:300]
        self._save(counted, obj, values, created=created)
        self._remember(kind, record.slug, obj)
        if model is Section:
            self.category_parents[record.slug] = record.parent_slug
            by_id = {f"/?cat={record.id}"} if record.id else set()
            _redirect(self._category_paths(record.slug) | by_id, section=obj)
        else:
            _redirect({f"/tag/{unquote(record.slug)}/", f"/?tag={record.slug}"}, tag=obj)
        return obj

    def _category_paths(self, slug: str) -> set[str]:
        """/category/child/ and, for a nested one, /category/parent/child/ (WordPress's own)."""
        chain, seen = [slug], {slug}
        while (parent := self.category_parents.get(chain[0])) and parent not in seen:
            chain.insert(0, parent)
            seen.add(parent)
        return {
            f"/category/{unquote(slug)}/",
            "/category/" + "/".join(unquote(s) for s in chain) + "/",
        }

    def _term(self, taxonomy: str, slug: str, name: str):
        kind = "category" if taxonomy == "category" else "post_tag"
        model = Section if taxonomy == "category" else Tag
        return self._found(model, kind, slug) or self.term(WPTerm(taxonomy, slug, name))

    @transaction.atomic
    def post(self, item: WPItem) -> Article | None:
        """A post as an article; None (reported) for what this site does not publish."""
        which = f"#{item.id} “{item.title or '(no title)'}”"
        if item.status in SKIPPED_STATUSES:
            self.report.skipped.append(("post", which, SKIPPED_STATUSES[item.status]))
            return None
        article = self._found(Article, "post", str(item.id))
        created = article is None
        article = article or Article()
        published_at = wordpress_time(item.date_gmt, item.date)
        status = Article.Status.DRAFT
        if item.status in ("publish", "future") and not item.password:
            status = Article.Status.PUBLISHED
        elif item.status not in DRAFT_STATUSES | {"publish", "future"}:
            self.report.notes.append(f"post {which}: status {item.status!r} imported as a draft")
        if item.password:
            self.report.notes.append(
                f"post {which}: password-protected in WordPress, imported as a draft"
            )
        categories = [t for t in item.terms if t.taxonomy == "category"]
        if not categories:
            categories = [WPTerm("category", *UNCATEGORISED)]
        if len(categories) > 1:
            self.report.notes.append(
                f"post {which}: in {len(categories)} categories, filed under the first "
                f"({categories[0].name})"
            )
        section = self._term("category", categories[0].slug, categories[0].name)
        self._gallery_waits = False
        body = convert_body(item.content, gallery=self._gallery)
        for name, times in body.unknown_shortcodes.items():
            self.report.notes.append(f"post {which}: shortcode [{name}] ×{times} dropped")
        headline = item.title or "(no title)"
        slug = self._unique(
            Article, "slug", readable_slug(item.slug, headline) or f"post-{item.id}", 200, article
        )
        values = {
            "headline": headline[:200],
            "slug": slug,
            "standfirst": convert_body(item.excerpt).html if item.excerpt.strip() else "",
            "body": self.body_with_new_addresses(body.html),
            "section": section,
            "status": status,
            "published_at": published_at if status == Article.Status.PUBLISHED else None,
            "is_lead": item.is_sticky,
        }
        if values["standfirst"]:
            values["standfirst"] = _plain(values["standfirst"])
        thumbnail = int(item.meta.get("_thumbnail_id", ["0"])[0] or 0)
        if thumbnail and (image := self._found(Image, "attachment", str(thumbnail))):
            values["featured_image"] = image
        self._save("articles", article, values, created=created)
        self._remember("post", str(item.id), article)
        if (
            (thumbnail and "featured_image" not in values)
            or self._gallery_waits
            or UPLOAD_URL.search(article.body)
            or _PICTURE_ELSEWHERE.search(article.body)
            or self._links_waiting(article.body)
        ):
            content = item.content if self._gallery_waits else None
            self.unfinished.append((article.pk, thumbnail, content))
        _redirect(post_paths(item), article=article)
        self._bylines(article, item.creator, created=created)
        article.tags.set(
            [self._term("post_tag", t.slug, t.name) for t in item.terms if t.taxonomy == "post_tag"]
        )
        return article

    @transaction.atomic
    def page(self, item: WPItem) -> Page | None:
        """A page ("About us") as a page of this site at the address it had."""
        which = f"#{item.id} “{item.title or '(no title)'}”"
        if item.status in SKIPPED_STATUSES:
            self.report.skipped.append(("page", which, SKIPPED_STATUSES[item.status]))
            return None
        link = urlsplit(item.link)
        if link.path not in ("", "/"):
            path = unquote(link.path)
        elif item.slug:
            path = f"/{unquote(item.slug)}/"
        else:
            self.report.skipped.append(("page", which, "it has no address"))
            return None
        page = self._found(Page, "page", str(item.id))
        created = page is None
        page = page or Page()
        body = convert_body(item.content, gallery=self._gallery)
        values = {
            "title": (item.title or "(no title)")[:200],
            "path": self._unique(Page, "path", normal_path(path), 300, page),
            "body": self.body_with_new_addresses(body.html),
            "is_published": item.status == "publish" and not item.password,
        }
        self._save("pages", page, values, created=created)
        self._remember("page", str(item.id), page)
        _redirect({f"/?page_id={item.id}"}, url=page.path)
        try:
            answered_by = resolve(page.path).url_name
        except Resolver404:
            answered_by = None
        if answered_by != "page":
            self.report.notes.append(
                f"page {which}: its address {page.path} is one of this site's own pages; "
                "give it another in the admin (Articles → Pages)"
            )
        return page

    # --- pictures ----------------------------------------------------------------------------

    @transaction.atomic
    def attachment(self, item: WPItem) -> Image | None:
        """An attached picture, read from the uploads folder (never fetched over the network)."""
        which = f"#{item.id} “{item.title or item.attachment_url}”"
        address = item.attachment_url or item.guid
        relative = _uploaded_file(address, item.meta.get("_wp_attached_file", [""])[0])
        if not relative:
            self.report.skipped.append(
                ("attachment", which, "its place in the uploads folder is not known")
            )
            return None
        if self.uploads is None:
            self.report.skipped.append(("attachment", which, "no --uploads folder was given"))
            return None
        path = (self.uploads / relative).resolve()
        if not path.is_relative_to(self.uploads) or not path.is_file():
            self.report.skipped.append(
                ("attachment", which, f"{relative} is not in the uploads folder")
            )
            return None
        image = self._found(Image, "attachment", str(item.id))
        created = image is None
        values = {
            "alt_text": (item.meta.get("_wp_attachment_image_alt", [""])[0] or item.title)[:250],
            "caption": _plain(item.excerpt)[:300] if item.excerpt.strip() else "",
            "credit": _credit(item.meta)[:150],
        }
        if created:
            image = Image(**values)
            with path.open("rb") as source:
                image.file = File(source, name=path.name)
                try:
                    image.full_clean()
                except ValidationError as error:
                    self.report.skipped.append(("attachment", which, " ".join(error.messages)))
                    return None
                image.save()
            self.report.count("images", "created")
        else:
            self._save("images", image, values, created=False)
        self._remember("attachment", str(item.id), image)
        self._remember("upload", relative, image)
        # Its old addresses: WordPress's own, and the one the export gives where that is
        # elsewhere (a CDN, another site's media folder), which bodies that show it name.
        old_paths = {f"/wp-content/uploads/{relative}"}
        if not UPLOAD_URL.search(address):
            self._attachment_addresses[address] = image
            old_path = urlsplit(address).path
            if address.startswith(self.site.rstrip("/") + "/") and old_path:
                self._attachment_addresses[old_path] = image
                old_paths.add(unquote(old_path))
        _redirect(old_paths, url=image.largest_url)
        return image

    def _gallery(self, ids: list[int]) -> list[tuple[str, str, str]]:
        images = [self._found(Image, "attachment", str(n)) for n in ids]
        if None in images:
            self._gallery_waits = True
        return [(i.largest_url, i.alt_text, i.caption) for i in images if i is not None]

    def body_with_new_addresses(self, body: str) -> str:
        """Links to the old site's posts, sections, tags and authors as links to what they
        became; addresses of uploaded files (and WordPress's resized copies of them) as those
        of the imported pictures' renditions, the nearest in width."""
        return self._pictures_moved(self._links_moved(body))

    def _old_site_links(self):
        """Links to the old site, whole or relative addresses."""
        base = re.escape(self.site.rstrip("/"))
        return re.compile(rf'href="(?P<site>{base})?(?P<path>/[^"#]*)(?P<fragment>#[^"]*)?"')

    def _links_moved(self, body: str) -> str:
        if not self.site:
            return body

        def moved(match: re.Match) -> str:
            path = html.unescape(match.group("path"))
            if path.startswith("/wp-content/uploads/"):
                return match.group(0)  # a file: its picture's address, below
            query = urlsplit(path).query
            paths = [f"/?{query}"] if urlsplit(path).path == "/" and query else [unquote(path)]
            found = Redirect.objects.filter(old_path__in=paths).first()
            target = found.target() if found else None
            if target is None:
                return match.group(0)
            return f'href="{html.escape(target)}{match.group("fragment") or ""}"'

        return self._old_site_links().sub(moved, body)

    def _links_waiting(self, body: str) -> bool:
        """Whether the body still links to the old site's pages (ones not imported yet)."""
        return bool(self.site) and any(
            m.group("site") and not m.group("path").startswith("/wp-content/uploads/")
            for m in self._old_site_links().finditer(body)
        )

    def _pictures_moved(self, body: str) -> str:
        def new_upload_address(match: re.Match) -> str:
            relative = unquote(match.group("path") + match.group("extension"))
            image = self._found(Image, "upload", relative)
            if image is None:
                return match.group(0)
            width = int(match.group("width") or 0)
            return image.url_for_width(width) if width else image.largest_url

        def new_address(match: re.Match) -> str:
            address = html.unescape(match.group("address"))
            image, width = self._attachment_addresses.get(address), 0
            if image is None and (resized := _RESIZED.search(address)):
                original = address[: resized.start()] + address[resized.end() :]
                image, width = self._attachment_addresses.get(original), int(resized["width"])
            if image is None:
                return match.group(0)
            new = image.url_for_width(width) if width else image.largest_url
            return f'{match.group("attribute")}="{html.escape(new)}"'

        body = UPLOAD_URL.sub(new_upload_address, body)
        if self._attachment_addresses:
            body = _ADDRESS_ATTRIBUTE.sub(new_address, body)
        return body

    def finish(self) -> None:
        """What waited for attachments read after the posts: featured images and addresses."""
        for article_id, thumbnail, content in self.unfinished:
            with transaction.atomic():
                article = Article.objects.select_for_update().get(pk=article_id)
                changed = []
                if content is not None:  # its galleries again, with every picture read now
                    body = convert_body(content, gallery=self._gallery).html
                else:
                    body = article.body
                body = self.body_with_new_addresses(body)
                if body != article.body:
                    article.body = body
                    changed.append("body")
                image = self._found(Image, "attachment", str(thumbnail)) if thumbnail else None
                if image and article.featured_image_id != image.pk:
                    article.featured_image = image
                    changed.append("featured_image")
                elif thumbnail and image is None:
                    self.report.notes.append(
                        f"article “{article.headline}”: its featured image #{thumbnail} was "
                        "not imported"
                    )
                if changed:
                    article.save(update_fields=[*changed, "body_text"])
        self.unfinished = []

    def _bylines(self, article: Article, login: str, *, created: bool) -> None:
        author = self.author_by_login(login)
        wanted = [author.pk] if author else []
        if created:
            if author:
                Byline.objects.create(article=article, author=author, position=0)
        elif [b.author_id for b in article.bylines.all()] != wanted:
            article.bylines.all().delete()
            if author:
                Byline.objects.create(article=article, author=author, position=0)


def _uploaded_file(address: str, attached_file: str) -> str:
    """Where an attachment's file is in the uploads folder: the part of its address after
    wp-content/uploads/, or else WordPress's record of it (`_wp_attached_file`: media moved to
    another host, or a newsportal export, whose files are in its media folder)."""
    if found := UPLOAD_URL.search(address):
        return unquote(found.group("path") + found.group("extension"))
    # Before WordPress 2.7 the record was the file's absolute path on the old server.
    if attached_file and not attached_file.startswith("/"):
        return attached_file
    return ""


def _credit(meta: dict[str, list[str]]) -> str:
    """A picture's credit: newsportal's own key, or the one WordPress read from the file's
    IPTC data into its serialised metadata (found in the text, never unserialised)."""
    if credit := meta.get("_newsportal_credit", [""])[0]:
        return credit
    serialised = meta.get("_wp_attachment_metadata", [""])[0]
    found = re.search(r'"credit";s:\d+:"([^"]*)";', serialised)
    return found.group(1) if found else ""


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _plain(html: str) -> str:
    """An excerpt as the standfirst's plain text."""
    return body_text(html).strip()


def _redirect(old_paths: set[str], **target) -> None:
    """`old_paths` lead to `target` (one of article, section, tag, author or url) from now on;
    in one statement."""
    leads_to = {"article": None, "section": None, "tag": None, "author": None, "url": ""}
    Redirect.objects.bulk_create(
        [Redirect(old_path=path[:500], **{**leads_to, **target}) for path in sorted(old_paths)],
        update_conflicts=True,
        unique_fields=["old_path"],
        update_fields=list(leads_to),
    )


def post_paths(item: WPItem) -> set[str]:
    """Every address a post may have had on its WordPress site: ?p=, its permalink as the
    export gives it, and each permalink structure WordPress offers (day and name, month and
    name, post name; and the post's comments feed) under its slug and each former slug."""
    paths = {f"/?p={item.id}", f"/archives/{item.id}/"}
    link = urlsplit(item.link)
    if link.path not in ("", "/"):
        paths.add(unquote(link.path))
    elif link.query.startswith("p="):
        paths.add(f"/?{link.query}")
    local_date = item.date if item.date and not item.date.startswith("0000") else ""
    for slug in {item.slug, *item.meta.get("_wp_old_slug", [])} - {""}:
        name = unquote(slug)
        paths |= {f"/{name}/", f"/{name}/feed/"}
        if local_date:
            year, month, day = local_date[:4], local_date[5:7], local_date[8:10]
            paths |= {f"/{year}/{month}/{day}/{name}/", f"/{year}/{month}/{name}/"}
    return paths
