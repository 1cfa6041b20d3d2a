"""Settings for the stack the serve tests start: the production settings, with pages that say
how they may be cached (stack_urls.py) beside the site's own."""

from newsportal.settings import *  # noqa: F403

ROOT_URLCONF = "tests.serve.stack_urls"
# These tests are about the front cache: the application's own page cache would answer the
# test pages' refetches with the copy it keeps (the site's purges empty both; a test's PURGE
# to Varnish alone does not).
PAGE_CACHE = False
