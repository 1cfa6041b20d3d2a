"""`make bench-import` (#10): a WordPress export of POSTS posts and COMMENTS comments, written
here, imported into a new SQLite database by `manage.py import_wordpress`; the time it took and
the importer's peak memory (its resident set, read from the kernel when it exits).

    .venv/bin/python -m tests.benchmarks.bench_wordpress [--posts 10000] [--comments 100000]

Target (the issue's): under 3 minutes on SQLite on a 2-core machine, memory bounded. Then, in
the imported site, what answering old addresses costs ordinary pages: none, to be measured.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsportal.serve.environment import BASE_DIR
from tests.articles.wordpress_exports import Comment, Post, author, category, export, tag

WORDS = (
    "council harbour barrier flood tide pumps residents night morning engineers report "
    "water storm road bridge school market river coast warning minister budget vote"
).split()


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def write_export(path: Path, posts: int, comments: int, seed: int = 1) -> None:
    """The export, written a post at a time (never whole in memory)."""
    rng = random.Random(seed)
    sections = [category(f"section-{n}", f"Section {n}") for n in range(20)]
    tags = [tag(f"tag-{n}", f"Tag {n}") for n in range(200)]
    authors = [author(n, f"writer{n}", f"Writer {n}") for n in range(1, 51)]
    header, footer = export("\n@@ITEMS@@\n").decode().split("\n@@ITEMS@@\n")
    per_post, extra = divmod(comments, posts)
    comment_id = 0
    with path.open("w", encoding="utf-8") as output:
        output.write(header)
        output.write("".join(authors + sections + tags))
        for number in range(1, posts + 1):
            thread: list[Comment] = []
            for _ in range(per_post + (1 if number <= extra else 0)):
                comment_id += 1
                parent = rng.choice(thread).id if thread and rng.random() < 0.4 else 0
                thread.append(
                    Comment(
                        comment_id,
                        sentence(rng, rng.randint(8, 40)),
                        author=f"Reader {rng.randint(1, 5000)}",
                        email=f"reader{rng.randint(1, 5000)}@example.org",
                        approved=rng.choice(["1"] * 8 + ["0", "spam"]),
                        parent=parent,
                        date_gmt=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 12:00:00",
                    )
                )
            rng.shuffle(thread)  # replies before their parents, as real files have them
            paragraphs = "\n\n".join(sentence(rng, rng.randint(20, 60)) for _ in range(6))
            output.write(
                Post(
                    number,
                    sentence(rng, 6)[:-1],
                    slug=f"story-{number}",
                    content=paragraphs,
                    excerpt=sentence(rng, 15),
                    creator=f"writer{rng.randint(1, 50)}",
                    date_gmt=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 09:00:00",
                    terms=[("category", f"section-{number % 20}", f"Section {number % 20}")]
                    + [("post_tag", f"tag-{t}", f"Tag {t}") for t in rng.sample(range(200), 3)],
                    comments=thread,
                ).xml()
            )
        output.write(footer)


IMPORT = """
import resource, sys
import django
django.setup()
from django.core.management import call_command
call_command("import_wordpress", sys.argv[1])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

# In the imported site: ordinary pages with and without the middleware that answers old
# addresses, alternated, and the old addresses themselves; medians in ms.
REDIRECT_COST = """
import json, statistics, sys, time
import django
django.setup()
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment
from articles.models import Article
from articles.redirects import Redirect
import logging
logging.disable(logging.WARNING)  # the 404s below are on purpose
setup_test_environment()
# Every page rendered, none from a cache: the middleware's cost beside a whole page's.
override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
).enable()
client = Client()
middle = Article.objects.published().order_by("pk")[Article.objects.count() // 2]
pages = ["/", middle.get_absolute_url(), middle.section.get_absolute_url(), "/no/such/page/"]
without = [m for m in settings.MIDDLEWARE if not m.endswith("OldAddressMiddleware")]
times = {(page, variant): [] for page in pages for variant in ("with", "without")}
for page in pages:
    client.get(page)
for turn in range(int(sys.argv[1])):
    for page in pages:
        variants = ("with", "without") if turn % 2 else ("without", "with")
        for variant in variants:
            middleware = settings.MIDDLEWARE if variant == "with" else without
            with override_settings(MIDDLEWARE=middleware):
                started = time.perf_counter()
                client.get(page)
                times[(page, variant)].append((time.perf_counter() - started) * 1000)
medians = {key: statistics.median(values) for key, values in times.items()}
old = ["/?p=%d" % (Article.objects.count() // 2), "/2024/03/01/no-such-story/"]
old += list(Redirect.objects.filter(article__isnull=False).values_list("old_path", flat=True)[:3])
redirect_ms, queries = [], []
for _ in range(int(sys.argv[1])):
    for path in old:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.get(path)
            redirect_ms.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured))
print(json.dumps({
    "redirects": Redirect.objects.count(),
    "pages": {
        page: [round(medians[(page, "with")], 2), round(medians[(page, "without")], 2)]
        for page in pages
    },
    "old_address_ms": statistics.median(redirect_ms),
    "old_address_queries": max(queries),
}))
"""


def in_the_site(script: str, argument: str, env: dict) -> str:
    """What `script` prints, run in a process of its own against the imported site."""
    return subprocess.run(  # noqa: S603  (our own script)
        [sys.executable, "-c", script, argument],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "newsportal.settings"},
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout


def redirect_cost(env: dict, rounds: int = 40) -> dict:
    answer = in_the_site(REDIRECT_COST, str(rounds), env)
    return json.loads(answer.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    arguments = parser.parse_args(argv)
    directory = Path(tempfile.mkdtemp(prefix="newsportal-bench-import-"))
    export_file = directory / "export.xml"
    started = time.monotonic()
    write_export(export_file, arguments.posts, arguments.comments)
    print(
        f"Wrote {export_file.stat().st_size / 1e6:.0f} MB: {arguments.posts:,} posts, "
        f"{arguments.comments:,} comments ({time.monotonic() - started:.0f} s)",
        flush=True,
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite3'}",
        "REDIS_URL": "",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)  # noqa: S603
    # The import in a process of its own that says its own peak (migrate's is not counted).
    started = time.monotonic()
    answer = in_the_site(IMPORT, str(export_file), env)
    seconds = time.monotonic() - started
    print(answer.rsplit("\n", 2)[0])
    peak_mb = int(answer.strip().splitlines()[-1]) / 1024
    figures = {
        "posts": arguments.posts,
        "comments": arguments.comments,
        "export_mb": round(export_file.stat().st_size / 1e6, 1),
        "import_seconds": round(seconds, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "load_average": os.getloadavg(),
    }
    verdict = "met" if seconds < 180 else "MISSED"
    print(
        f"\nimport of {arguments.posts:,} posts and {arguments.comments:,} comments on SQLite: "
        f"{seconds:.0f} s (target < 180 s: {verdict}); importer's peak memory "
        f"{peak_mb:.0f} MB for a {figures['export_mb']:.0f} MB file"
    )
    cost = redirect_cost(env)
    figures["redirect_cost"] = cost
    print(
        f"\nold addresses ({cost['redirects']:,} redirects stored), medians of requests "
        "alternated in one process, with the redirect middleware / without it:"
    )
    for page, (with_it, without_it) in cost["pages"].items():
        print(f"  {page:<40} {with_it:6.1f} ms / {without_it:6.1f} ms")
    print(
        f"an old address answers its 301 in {cost['old_address_ms']:.1f} ms "
        f"({cost['old_address_queries']} queries at most: a page's own that found nothing, and the "
        "redirect's)"
    )
    output = BASE_DIR / ".bench" / "bench-import.json"
    output.parent.mkdir(exist_ok=True)
    output.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"Figures written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
