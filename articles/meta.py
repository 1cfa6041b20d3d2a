"""What an article page tells machines: canonical URL, OpenGraph/Twitter cards, JSON-LD."""

from urllib.parse import urljoin

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.templatetags.static import static
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.encoding import iri_to_uri

from .live.coverage import update_title
from .live.models import LiveUpdate
from .models import Article, Image

# What machines show of an article's words, which the editors' form counts against (#12):
# Google's NewsArticle takes a headline of up to 110 characters (news_article_schema cuts it
# there), and X's card a description of up to 200 (twitter:description; og:description carries
# the same summary, the standfirst).
HEADLINE_LIMIT = 110
DESCRIPTION_LIMIT = 200


def absolute_url(request, location: str) -> str:
    """`location` (a path) as an absolute URL on the request's host.

    CommonMiddleware refuses a Host outside ALLOWED_HOSTS before any view runs, but a page must
    not turn a request it renders anyway (a refused Host, no Host and no SERVER_NAME) into a
    500: then the URL is built on SITE_URL instead.
    """
    try:
        return request.build_absolute_uri(location)
    except (DisallowedHost, KeyError):
        return urljoin(f"{settings.SITE_URL}/", iri_to_uri(location))


def canonical_url(request, article: Article) -> str:
    """Our own URL, unless the editor said the syndicated original is canonical."""
    if article.source_is_canonical and article.source_url:
        return article.source_url
    return absolute_url(request, article.get_absolute_url())


def _image_urls(request, article: Article) -> list[str]:
    return _picture_urls(request, article.featured_image)


def _picture_urls(request, image: Image | None) -> list[str]:
    if not image:
        return []
    return [absolute_url(request, image.url_for_width(1200))]


def opening_words(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """The opening words of `text` that fit in `limit` characters, "…" marking a cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def news_article_schema(request, article: Article) -> dict:
    """schema.org NewsArticle (https://schema.org/NewsArticle) for one article."""
    page_url = absolute_url(request, article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": page_url},
        "headline": article.headline[:HEADLINE_LIMIT],
        "description": article.summary,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": (article.updated_at or article.published_at).isoformat()
        if article.published_at
        else None,
        "articleSection": article.section.name,
        "author": [
            {
                "@type": "Person",
                "name": author.name,
                "url": absolute_url(request, author.get_absolute_url()),
            }
            for author in article.byline_authors
        ],
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": absolute_url(request, "/"),
            "logo": {
                "@type": "ImageObject",
                "url": absolute_url(request, static("img/logo.png")),
            },
        },
        "keywords": [tag.name for tag in article.tags.all()],
    }
    images = _image_urls(request, article)
    if images:
        data["image"] = images
    if article.source:
        data["isBasedOn"] = article.source.as_schema()
    return {key: value for key, value in data.items() if value not in (None, [], "")}


def live_blog_posting_schema(request, article: Article, updates: list[LiveUpdate]) -> dict:
    """schema.org LiveBlogPosting (https://schema.org/LiveBlogPosting) for a live article: the
    NewsArticle's data, the coverage's start and end, and the updates the page shows. A draft or
    scheduled update is left out even if a caller passes one."""
    data = news_article_schema(request, article)
    data["@type"] = "LiveBlogPosting"
    if article.published_at:
        data["coverageStartTime"] = article.published_at.isoformat()
    if not article.live_now and article.live_ended_at:
        data["coverageEndTime"] = article.live_ended_at.isoformat()
    entries = [_blog_posting(request, update) for update in updates if update.is_public]
    if entries:
        data["liveBlogUpdate"] = entries
    return data


def _blog_posting(request, update: LiveUpdate) -> dict:
    """One update as a schema.org BlogPosting, for a LiveBlogPosting's liveBlogUpdate."""
    data = {
        "@type": "BlogPosting",
        "headline": update_title(update)[:HEADLINE_LIMIT],
        "articleBody": update.body_text,
        "datePublished": update.published_at.isoformat(),
        "dateModified": (update.edited_at or update.published_at).isoformat(),
        "url": absolute_url(request, update.get_absolute_url()),
    }
    if update.byline:
        data["author"] = {"@type": "Person", "name": update.byline}
    if images := _picture_urls(request, update.image):
        data["image"] = images
    return data


def update_title_for_sharing(update: LiveUpdate) -> str:
    """An update's title on a social card: its headline, or the article's and the update's time."""
    if update.headline:
        return update.headline
    time = format_date(timezone.localtime(update.published_at), "H:i, j M")
    return f"{update.article.headline}: update at {time}"


def live_update_social_meta(request, update: LiveUpdate) -> list[tuple[str, str, str]]:
    """The social card of an update's permalink: the article's card with the update's own
    title, opening words, address and (if it has one) picture, so that a shared update is
    shown as itself."""
    own = {
        "og:title": update_title_for_sharing(update),
        "twitter:title": update_title_for_sharing(update),
        "og:description": opening_words(update.body_text),
        "twitter:description": opening_words(update.body_text),
        "og:url": absolute_url(request, update.get_absolute_url()),
    }
    tags = [
        (attribute, name, own.get(name, content))
        for attribute, name, content in social_meta(request, update.article)
    ]
    if images := _picture_urls(request, update.image):
        picture = {
            "twitter:card": "summary_large_image",
            "og:image": images[0],
            "og:image:alt": update.image.alt_text,
            "twitter:image": images[0],
            "twitter:image:alt": update.image.alt_text,
        }
        tags = [tag for tag in tags if tag[1] not in picture]
        tags += [
            ("name" if name.startswith("twitter:") else "property", name, content)
            for name, content in picture.items()
        ]
    return tags


def social_meta(request, article: Article) -> list[tuple[str, str, str]]:
    """(attribute, name, content) triples for OpenGraph and Twitter card <meta> tags."""
    url = canonical_url(request, article)
    images = _image_urls(request, article)
    tags = [
        ("property", "og:type", "article"),
        ("property", "og:site_name", settings.SITE_NAME),
        ("property", "og:title", article.headline),
        ("property", "og:description", article.summary),
        ("property", "og:url", url),
        ("name", "twitter:card", "summary_large_image" if images else "summary"),
        ("name", "twitter:title", article.headline),
        ("name", "twitter:description", article.summary),
    ]
    if article.published_at:
        tags.append(("property", "article:published_time", article.published_at.isoformat()))
    if article.updated_at:
        tags.append(("property", "article:modified_time", article.updated_at.isoformat()))
    tags.append(("property", "article:section", article.section.name))
    tags += [("property", "article:tag", tag.name) for tag in article.tags.all()]
    if images:
        image = article.featured_image
        tags += [
            ("property", "og:image", images[0]),
            ("property", "og:image:alt", image.alt_text),
            ("name", "twitter:image", images[0]),
            ("name", "twitter:image:alt", image.alt_text),
        ]
    return tags
