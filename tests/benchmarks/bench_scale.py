"""Scale benchmark (#8): reader pages and the moderation queue over a large generated archive.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python -m tests.benchmarks.bench_scale [--articles 100000] [--comments 1000000]

Generates the archive into a throw-away test database on DATABASE_URL's server (PostgreSQL;
SQLite works for small sizes), then times each page through the Django test client, the page
cache emptied before every request (a page-cache miss), and prints p50/p95 against the target.
--explain prints EXPLAIN ANALYZE of the slow queries of every page that misses its target;
--keep keeps the database (test_newsportal_scale_<articles>_<comments>) and reuses it next time.
"""

import argparse
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings_test")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tests.benchmarks.harness import throwaway_database  # noqa: E402

PENDING = "pending"
TARGET_MS = 20  # p50, page-cache miss: deep pagination, search, feed, moderation queue (#8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--search", default="harbour flood", help="the search timed")
    parser.add_argument("--explain", action="store_true", help="plans of slow queries")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the database")
    options = parser.parse_args()

    database = settings.DATABASES["default"]
    if options.keep:
        database["TEST"]["NAME"] = f"test_newsportal_scale_{options.articles}_{options.comments}"
    with throwaway_database(keep=options.keep):
        generate(options.articles, options.comments)
        pages = bench_pages(options)
        client = Client()
        client.force_login(superuser())
        print(f"\n{'page':<34}{'p50 ms':>8}{'p95 ms':>8}{'queries':>9}{'KiB':>7}  target")
        missed = []
        for name, url, target in pages:
            timing = time_page(client if url.startswith("/admin/") else Client(), url, options)
            verdict = ""
            if target:
                verdict = "ok" if timing["p50"] < target else "MISSED"
                if verdict == "MISSED":
                    missed.append((name, url))
            print(
                f"{name:<34}{timing['p50']:>8.1f}{timing['p95']:>8.1f}{timing['queries']:>9}"
                f"{timing['kib']:>7.0f}  {f'< {target} ms {verdict}' if target else ''}"
            )
        print(
            f"({options.articles:,} articles, {options.comments:,} comments; {options.requests} "
            f"requests a page, page cache emptied before each; {connection.vendor} "
            f"{connection.pg_version if connection.vendor == 'postgresql' else ''}; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
        if options.explain:
            for name, url in missed:
                explain_page(name, url)


def generate(articles: int, comments: int) -> None:
    from articles.generate import generate_articles
    from articles.models import Article
    from comments.generate import generate_comments
    from comments.models import Comment
    from newsportal.management.commands.generate_content import analyse_generated

    have = Article.objects.count(), Comment.objects.count()
    if have >= (articles, comments):
        print(f"Reusing {have[0]:,} articles and {have[1]:,} comments.")
        return
    started = time.monotonic()
    run = generate_articles(count=articles - have[0], progress=progress("articles"))
    print(f"  {run}")
    run = generate_comments(count=comments - have[1], progress=progress("comments"))
    print(f"  {run}")
    analyse_generated()
    print(f"Generated in {time.monotonic() - started:.0f} s.")


def progress(label: str):
    def show(done: int, total: int) -> None:
        print(f"\r  {label}: {done:,}/{total:,}", end="\n" if done >= total else "", flush=True)

    return show


def bench_pages(options) -> list[tuple[str, str, int | None]]:
    """(name, URL, p50 target in ms or None) of each page timed, chosen in the data."""
    from articles.conf import setting
    from articles.models import Article, Section, Tag

    published = Article.objects.published()
    biggest = (
        Section.objects.filter(articles__in=published).annotate(n=Count("articles")).order_by("-n")
    ).first()
    page_size = setting("ARTICLES_PAGE_SIZE")
    deep = min(2000, (biggest.n + page_size - 1) // page_size)
    tag = Tag.objects.annotate(n=Count("articles")).order_by("-n").first()
    discussed = (
        published.filter(comments__status="approved")
        .annotate(n=Count("comments"))
        .filter(n__gte=200)
        .order_by("n")
        .first()
    ) or published.first()
    sitemap_pages = (published.count() + 4999) // 5000
    return [
        ("home", "/", None),
        ("section, page 2", f"{biggest.get_absolute_url()}?page=2", TARGET_MS),
        (f"section, page {deep:,}", f"{biggest.get_absolute_url()}?page={deep}", TARGET_MS),
        (f"tag ({tag.n:,} articles)", tag.get_absolute_url(), None),
        (f"search “{options.search}”", f"/search/?q={options.search}", TARGET_MS),
        ("RSS feed", "/feeds/rss/", TARGET_MS),
        ("sitemap index", "/sitemap.xml", None),
        (
            f"article sitemap, page {sitemap_pages}",
            f"/sitemap-articles.xml?p={sitemap_pages}",
            None,
        ),
        (
            f"article, {discussed.comments.filter(status='approved').count()} comments",
            discussed.get_absolute_url(),
            None,
        ),
        ("moderation queue, superuser", f"/admin/comments/comment/?status__exact={PENDING}", 20),
    ]


def superuser():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def empty_page_caches() -> None:
    for cache in caches.all():
        cache.clear()


def time_page(client: Client, url: str, options) -> dict:
    empty_page_caches()
    response = client.get(url)  # compiles templates, warms the database's buffers
    assert response.status_code == 200, f"{url}: {response.status_code}"
    timings = []
    for _ in range(options.requests):
        empty_page_caches()
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    empty_page_caches()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return {
        "p50": statistics.median(timings),
        "p95": statistics.quantiles(timings, n=20)[-1],
        "queries": len(queries),
        "kib": len(response.content) / 1024,
    }


def explain_page(name: str, url: str, slow_ms: float = 2.0) -> None:
    """Each query of the page that takes more than `slow_ms`, with its plan."""
    client = Client()
    if url.startswith("/admin/"):
        client.force_login(superuser())
    empty_page_caches()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    print(f"\n== {name}: {url}")
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            took = (time.perf_counter() - started) * 1000
            if took < slow_ms:
                continue
            print(f"-- {took:.1f} ms: {sql[:300]}")
            if connection.vendor == "postgresql":
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                print("\n".join(f"   {row[0]}" for row in cursor.fetchall()))


if __name__ == "__main__":
    sys.exit(main())
