"""Page benchmark: time and SQL queries per reader page, with the demo content.

Run with `make bench`. It builds a throw-away SQLite database (or uses DATABASE_URL's server,
in a test database), loads the demo content plus extra comments, and prints one line per page:
median and 95th-percentile server time over N requests, queries, and HTML size.
"""

import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings_test")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tests.benchmarks.harness import throwaway_database  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))


def main() -> None:
    with throwaway_database():
        from articles.demo.loader import SEED_SLUG, load_demo
        from articles.models import Article
        from tests.factories import CommentFactory

        load_demo()
        seed = Article.objects.get(slug=SEED_SLUG)
        for _ in range(20):
            top = CommentFactory(article=seed)
            CommentFactory(article=seed, parent=top)
        pages = {
            "home": "/",
            "article (40 comments)": seed.get_absolute_url(),
            "section": seed.section.get_absolute_url(),
            "search": "/search/?q=flood",
            "rss": "/feeds/rss/",
            "sitemap": "/sitemap.xml",
        }
        client = Client()
        print(f"{'page':<24}{'median ms':>10}{'p95 ms':>9}{'queries':>9}{'KiB':>8}")
        for name, url in pages.items():
            client.get(url)  # warm caches and templates
            timings = []
            for _ in range(REQUESTS):
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            p95 = statistics.quantiles(timings, n=20)[-1]
            print(
                f"{name:<24}{statistics.median(timings):>10.1f}{p95:>9.1f}"
                f"{len(queries):>9}{len(response.content) / 1024:>8.1f}"
            )
        print(
            f"({REQUESTS} requests per page, {connection.vendor}, Python {sys.version.split()[0]})"
        )


if __name__ == "__main__":
    main()
