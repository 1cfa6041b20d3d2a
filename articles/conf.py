"""The articles app's tunable policies, named and defaulted in one place."""

from django.conf import settings

# How many links "Related Articles" shows: editors' picks first, the rest filled automatically.
RELATED_COUNT = getattr(settings, "ARTICLES_RELATED_COUNT", 4)
LATEST_COUNT = getattr(settings, "ARTICLES_LATEST_COUNT", 5)
PAGE_SIZE = getattr(settings, "ARTICLES_PAGE_SIZE", 12)
SECTION_BLOCK_SIZE = getattr(settings, "ARTICLES_SECTION_BLOCK_SIZE", 4)
# Google News sitemaps list only the articles of the last two days.
NEWS_SITEMAP_DAYS = 2
FEED_SIZE = 30

# Rendition widths in pixels; each is made as WebP and in the original's format.
IMAGE_RENDITION_WIDTHS = (320, 640, 960, 1280)
# Uploads above this many pixels are refused before Pillow decodes them (decompression bombs).
IMAGE_MAX_PIXELS = getattr(settings, "ARTICLES_IMAGE_MAX_PIXELS", 40_000_000)
IMAGE_MAX_BYTES = getattr(settings, "ARTICLES_IMAGE_MAX_BYTES", 15 * 1024 * 1024)
