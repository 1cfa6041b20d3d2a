"""What an article page tells machines: canonical URL, OpenGraph/Twitter cards, JSON-LD."""

from urllib.parse import urljoin

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.templatetags.static import static
from django.utils.encoding import iri_to_uri

from .models import Article

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
    image = article.featured_image
    if not image:
        return []
    return [absolute_url(request, image.url_for_width(1200))]


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
