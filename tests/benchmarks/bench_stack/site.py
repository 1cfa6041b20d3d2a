"""The bench's work inside the site, run in a child process with the stack's own environment
(settings, database, cache), so that what it saves purges the running Varnish as an editor's
save would:

    python -m tests.benchmarks.bench_stack.site setup --articles N --comments M ...
    python -m tests.benchmarks.bench_stack.site count --marker RUN
    python -m tests.benchmarks.bench_stack.site purge --cache-url URL --tries N

Each prints one JSON object on its last line of output.
"""

import argparse
import http.client
import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import django

SEED_COMMENTS = 200
BENCH_EMAIL_DOMAIN = "bench.invalid"
EDITOR = "bench-editor"
DEEP_PAGE = 2000  # the deep section page, at full size
SEARCH = "harbour flood"


def setup(arguments) -> dict:
    """Content at the bench's size, the seed article with exactly 200 approved comments (and
    pending replies for the purge tries), the seed page rendered into the whitenoise root, and
    the URLs to measure."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client

    from articles.conf import setting
    from articles.demo.loader import SEED_SLUG
    from articles.models import Article, Section
    from comments.models import Comment, ThrottleState
    from tests.factories import CommentFactory

    have = Article.objects.count()
    if have < arguments.articles:
        call_command(
            "generate_content",
            articles=arguments.articles - have,
            comments=max(arguments.comments - Comment.objects.count(), 0),
            verbosity=1,
            stdout=sys.stderr,
        )
    seed = Article.objects.get(slug=SEED_SLUG)
    # The seed as the issue measured it, whatever an earlier run (or the generator) left.
    Comment.objects.filter(article=seed).delete()
    Comment.objects.filter(email__endswith="@" + BENCH_EMAIL_DOMAIN).delete()
    ThrottleState.objects.all().delete()
    roots = []
    for number in range(SEED_COMMENTS // 2):
        root = CommentFactory(article=seed, body=f"Seed comment {number}, a thoughtful one.")
        CommentFactory(article=seed, parent=root, body=f"A reply to seed comment {number}.")
        roots.append(root)
    # Replies to the first threads, on the first page of comments: approving one changes the
    # very page that is measured.
    for number in range(arguments.pending):
        CommentFactory(
            article=seed,
            parent=roots[number],
            status="pending",
            body=f"Pending reply {number} for the purge measurement.",
        )
    editor, _ = get_user_model().objects.get_or_create(
        username=EDITOR, defaults={"is_staff": True, "is_superuser": True}
    )
    cache.clear()

    published = Article.objects.published()
    biggest = (
        Section.objects.filter(articles__in=published).annotate(n=Count("articles")).order_by("-n")
    ).first()
    page_size = setting("ARTICLES_PAGE_SIZE")
    deep = min(DEEP_PAGE, (biggest.n + page_size - 1) // page_size)
    staff = Client()
    staff.force_login(editor)
    seed_url = seed.get_absolute_url()

    # The seed page as the application serves it, for whitenoise to serve as a file.
    reader = Client(HTTP_HOST=arguments.host)
    response = reader.get(seed_url)
    assert response.status_code == 200, response.status_code
    root = Path(arguments.whitenoise_root)
    root.mkdir(parents=True, exist_ok=True)
    (root / "seed-article.html").write_bytes(response.content)
    cache.clear()
    return {
        "seed": seed_url,
        "article_id": seed.pk,
        "seed_bytes": len(response.content),
        "deep_section": f"{biggest.get_absolute_url()}?page={deep}",
        "deep_page": deep,
        "section_articles": biggest.n,
        "search": f"/search/?q={SEARCH.replace(' ', '+')}",
        "feed": "/feeds/rss/",
        "moderation_queue": "/admin/comments/comment/?status__exact=pending",
        "staff_session": staff.cookies["sessionid"].value,
        "articles": Article.objects.count(),
        "comments": Comment.objects.count(),
        "seed_approved": Comment.objects.filter(article=seed, status="approved").count(),
    }


def count(arguments) -> dict:
    """How many comments the bench's posts of this run stored."""
    from comments.models import Comment

    stored = Comment.objects.filter(
        email__endswith="@" + BENCH_EMAIL_DOMAIN, body__contains=arguments.marker
    )
    return {"stored": stored.count(), "by_status": dict(_by_status(stored))}


def _by_status(comments):
    from django.db.models import Count

    return comments.values_list("status").annotate(n=Count("pk")).order_by("status")


def purge(arguments) -> dict:
    """Purge-to-visible: save a change through the services and the ORM, as the admin does (so
    the site purges the running Varnish after the commit), then read the page through Varnish
    until the change shows. Seconds from the start of the save, each try."""
    from django.contrib.auth import get_user_model

    from articles.demo.loader import SEED_SLUG
    from articles.models import Article
    from comments.models import Comment
    from comments.services import comment_moderate

    editor = get_user_model().objects.get(username=EDITOR)
    seed = Article.objects.get(slug=SEED_SLUG)
    cache = urlsplit(arguments.cache_url)
    page = Page(cache.hostname, cache.port, seed.get_absolute_url())
    pending = list(Comment.objects.filter(article=seed, status="pending", parent__isnull=False))
    original_standfirst = seed.standfirst
    timings = {"comment approved": [], "article edited": []}
    try:
        for number in range(arguments.tries):
            if number < len(pending):
                comment = pending[number]
                page.warm()
                started = time.perf_counter()
                comment_moderate(comment=comment, to_status="approved", moderator=editor)
                timings["comment approved"].append(
                    page.until_shows(f'id="comment-{comment.pk}"', started)
                )
            page.warm()
            marker = f"Bench edit {number} at {time.time():.0f}."
            started = time.perf_counter()
            seed.standfirst = marker
            seed.save()
            timings["article edited"].append(page.until_shows(marker, started))
    finally:
        seed.standfirst = original_standfirst
        seed.save()
    return {
        kind: {
            "tries": len(seconds),
            "p50_s": statistics.median(seconds) if seconds else None,
            "max_s": max(seconds) if seconds else None,
            "all_s": [round(second, 4) for second in seconds],
        }
        for kind, seconds in timings.items()
    }


class Page:
    """One page read through the front cache, as a reader would."""

    POLL_SECONDS = 0.005
    GIVE_UP_SECONDS = 10

    def __init__(self, host: str, port: int, path: str):
        self.host, self.port, self.path = host, port, path

    def get(self) -> tuple[int, str, bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.request("GET", self.path)
            response = connection.getresponse()
            return response.status, response.headers.get("X-Cache", ""), response.read()
        finally:
            connection.close()

    def warm(self) -> None:
        """Until the front cache answers from its store: the purge must be what changes it."""
        for _ in range(20):
            status, cached, _ = self.get()
            if status == 200 and cached == "HIT":
                return
        raise RuntimeError(f"{self.path} is never a front-cache hit")

    def until_shows(self, text: str, started: float) -> float:
        needle = text.encode()
        while (elapsed := time.perf_counter() - started) < self.GIVE_UP_SECONDS:
            status, _, body = self.get()
            if status == 200 and needle in body:
                return time.perf_counter() - started
            time.sleep(self.POLL_SECONDS)
        raise RuntimeError(f"{text!r} did not show on {self.path} within {elapsed:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.bench_stack.site")
    commands = parser.add_subparsers(dest="command", required=True)
    setup_parser = commands.add_parser("setup")
    setup_parser.add_argument("--articles", type=int, required=True)
    setup_parser.add_argument("--comments", type=int, required=True)
    setup_parser.add_argument("--pending", type=int, required=True)
    setup_parser.add_argument("--host", required=True, help="the Host readers send")
    setup_parser.add_argument("--whitenoise-root", required=True)
    count_parser = commands.add_parser("count")
    count_parser.add_argument("--marker", required=True)
    purge_parser = commands.add_parser("purge")
    purge_parser.add_argument("--cache-url", required=True)
    purge_parser.add_argument("--tries", type=int, required=True)
    arguments = parser.parse_args()
    django.setup()
    result = {"setup": setup, "count": count, "purge": purge}[arguments.command](arguments)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
