"""The articles app's policies: every setting named and defaulted here, once.

Any of them can be overridden in Django settings under the same name; `setting()` reads them at
use, so tests (pytest-django's `settings` fixture) and deployments can change them without
touching code.
"""

from django.conf import settings

DEFAULTS = {
    # How many links "Related Articles" shows: editors' picks first, the rest filled in.
    "ARTICLES_RELATED_COUNT": 4,
    "ARTICLES_LATEST_COUNT": 5,
    "ARTICLES_PAGE_SIZE": 12,
    "ARTICLES_SECTION_BLOCK_SIZE": 4,
    # The order of a live article's updates for a reader who has not chosen one (#13):
    # "newest" (breaking news, the usual) or "oldest" (a match or a count read as a story).
    "ARTICLES_LIVE_ORDER": "newest",
    # The stored original (the master renditions are cut from) is no wider than this:
    # renditions stop at 1600 px, and a camera's 8000 px would only cost memory and disk (#7).
    "ARTICLES_IMAGE_MASTER_MAX_WIDTH": 2560,
    # The most pixels decoded for one still picture, and the limit of a PNG or GIF, whose
    # decoding peaks near 6 bytes a pixel: an upload's memory stays under ~200 MB (#7: 40 MP
    # cost 0.4 to 1 GB and up to 10 s).
    "ARTICLES_IMAGE_MAX_PIXELS": 25_000_000,
    # A JPEG may declare more: libjpeg decodes it at 1/2 scale, so a full-size file from a
    # 45-megapixel press camera decodes to about 11 megapixels.
    "ARTICLES_IMAGE_MAX_JPEG_PIXELS": 50_000_000,
    # A WebP less: libwebp decodes into two canvases of its own before Pillow copies the pixels
    # out, about 16 bytes a pixel.
    "ARTICLES_IMAGE_MAX_WEBP_PIXELS": 12_000_000,
    # An animation's pixels, summed over its frames (so 1000 frames cannot hide behind a small
    # first one). Lower than a still's: every frame is encoded again at every rendition width.
    "ARTICLES_IMAGE_MAX_ANIMATION_PIXELS": 12_000_000,
    # Frames of an animation: each costs some work in every rendition, however small.
    "ARTICLES_IMAGE_MAX_FRAMES": 300,
    "ARTICLES_IMAGE_MAX_BYTES": 15 * 1024 * 1024,
}

# Not tunable: what Google News and feed readers expect, and the widths the templates' `sizes`
# attributes were written for.
# Google News sitemaps list only the articles of the last two days.
NEWS_SITEMAP_DAYS = 2
FEED_SIZE = 30
# Rendition widths in pixels; each is made as WebP and, for a still, in a fallback format.
IMAGE_RENDITION_WIDTHS = (320, 640, 960, 1280)


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])
