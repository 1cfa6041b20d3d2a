import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.html import sanitise_body
from articles.live.coverage import update_title
from articles.models import Article
from newsportal.fragments import cached_parts

register = template.Library()

# As django.utils.html.json_script does: nothing in the data can close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.inclusion_tag("includes/picture.html")
def picture(image, sizes="100vw", loading="lazy", css_class=""):
    """A responsive <picture>: WebP and original-format renditions, intrinsic size, lazy or not."""
    if not image:
        return {"image": None}
    fallback = image.sources(image.fallback_format)
    largest = fallback[-1] if fallback else {"width": image.width, "height": image.height}
    return {
        "image": image,
        "webp_srcset": image.srcset("webp"),
        "fallback_srcset": image.srcset(image.fallback_format),
        "fallback_src": image.url_for_width(640),
        "width": largest["width"],
        "height": largest["height"],
        "sizes": sizes,
        "loading": loading,
        "css_class": css_class,
    }


@register.simple_tag
def article_cards(articles, counts, heading="h2", sizes="100vw"):
    """The cards of a list of articles, each kept rendered until its article, its section or
    one of its authors is purged (newsportal/fragments.py): a list's cards cost two cache reads
    however many there are. `counts`: {article id: approved comments}."""
    articles = list(articles)

    def context(article):
        return {
            "article": article,
            "heading": heading,
            "sizes": sizes,
            "show_image": True,
            "comment_count": counts.get(article.pk, 0),
        }

    def render(indexes):
        return {
            index: render_to_string("includes/article_card.html", context(articles[index]))
            for index in indexes
        }

    parts = [
        (
            f"card:{article.pk}:{heading}:{sizes}:{counts.get(article.pk, 0)}",
            [
                f"article-{article.pk}",
                f"section-{article.section_id}",
                *(f"author-{author.pk}" for author in article.byline_authors),
            ],
        )
        for article in articles
    ]
    return mark_safe("".join(cached_parts(parts, render, settings.FRAGMENT_CACHE_SECONDS)))  # noqa: S308 - our own templates' output


@register.simple_tag
def json_ld(data):
    """A <script type="application/ld+json"> element holding `data`, safely escaped."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped above
    )


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current URL with ?page=number, keeping the other query parameters (e.g. q)."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.filter
def live_update_title(update):
    """A live update's headline, or its opening words when it has none."""
    return update_title(update)


@register.filter
def sanitised_html(body):
    """Article HTML, run through the allow-list again at render time (defence in depth)."""
    return mark_safe(sanitise_body(body))  # noqa: S308 - sanitised by nh3


@register.simple_tag
def newsroom_counts():
    """Drafts and scheduled articles, for the admin index."""
    return Article.objects.state_counts()
