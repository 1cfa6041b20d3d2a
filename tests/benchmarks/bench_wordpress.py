"""`make bench-import` (#10): a WordPress export of POSTS posts and COMMENTS comments, written
here, imported into a new SQLite database by `manage.py import_wordpress`; the time it took and
the importer's peak memory (its resident set, read from the kernel when it exits).

    .venv/bin/python -m tests.benchmarks.bench_wordpress [--posts 10000] [--comments 100000]

Target (the issue's): under 3 minutes on SQLite on a 2-core machine, memory bounded.
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
    answer = subprocess.run(  # noqa: S603  (our own command)
        [sys.executable, "-c", IMPORT, str(export_file)],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "newsportal.settings"},
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
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
    output = BASE_DIR / ".bench" / "bench-import.json"
    output.parent.mkdir(exist_ok=True)
    output.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"Figures written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
