"""Settings for the stack the serve tests start: the production settings, with pages that say
how they may be cached (stack_urls.py) beside the site's own."""

from newsportal.settings import *  # noqa: F403

ROOT_URLCONF = "tests.serve.stack_urls"
