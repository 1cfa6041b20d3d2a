"""What `make serve` does to the site before serving it, in one Django process: migrate, make
the cache table, collect the static files (whitenoise serves them compressed and hashed), and
load the demo content into an empty database.

Run by newsportal/serve/stack.py with the production environment it sets up.
"""

import argparse

import django


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m newsportal.serve.prepare")
    parser.add_argument("--no-demo", action="store_true", help="never load the demo content")
    arguments = parser.parse_args()

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from articles.models import Article

    call_command("migrate", interactive=False, verbosity=1)
    call_command("createcachetable")
    call_command("collectstatic", interactive=False, verbosity=1)
    # Only into an empty database: a site with articles of its own gets no demo stories.
    if not arguments.no_demo and not Article.objects.exists():
        # Varnish is not running yet (nothing is in it to purge): its purges would only fail,
        # one warning per story. The application's own page cache is still purged.
        settings.FRONT_CACHE_PURGE_URLS = []
        call_command("load_demo")
    connections.close_all()


if __name__ == "__main__":
    main()
