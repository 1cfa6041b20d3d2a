"""Settings for the stack `make bench` starts: the production settings, plus one directory that
whitenoise serves at the site's root, where the bench puts the seed article's bytes as a static
file (the application server's own ceiling: whitenoise on the same gunicorn)."""

import os

from newsportal.settings import *  # noqa: F403

# Read by whitenoise when the application loads: the file must be there before gunicorn starts.
WHITENOISE_ROOT = os.environ.get("BENCH_WHITENOISE_ROOT") or None
