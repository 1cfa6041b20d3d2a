"""Which application server, with how many workers, for `make serve` (issue #8).

    .venv/bin/python -m tests.benchmarks.bench_app_servers [--duration 10] [--rounds 2]

Builds a throw-away SQLite site as `make serve` would (DJANGO_DEBUG=False, demo content, the seed
article with 200 approved comments), then for each candidate server runs `wrk -t2 -c16` on
loopback against the home page, the seed article, an article without comments, robots.txt (a
page that costs Django almost nothing, so the server's own cost shows) and a static file through
whitenoise. Rounds alternate the candidates so a busy machine disturbs them alike.

Besides requests/s and latency it prints the server's CPU time per request (all its processes,
from /proc), which a machine shared with other work disturbs far less than throughput.
Candidates that are not installed are skipped (granian is not a dependency:
`pip install granian==2.8.7` into a scratch virtualenv to compare).
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
TICKS = os.sysconf("SC_CLK_TCK")

CANDIDATES = {
    "gunicorn sync x2": ["gunicorn", "--workers", "2"],
    "gunicorn sync x3": ["gunicorn", "--workers", "3"],
    "gunicorn sync x4": ["gunicorn", "--workers", "4"],
    "gunicorn gthread 2x4": ["gunicorn", "--workers", "2", "-k", "gthread", "--threads", "4"],
    "granian wsgi x2": ["granian", "--workers", "2"],
    "granian wsgi x3": ["granian", "--workers", "3"],
}


def server_command(candidate: list[str], port: int) -> list[str]:
    program, *options = candidate
    if program == "gunicorn":
        config = BASE_DIR / "newsportal" / "serve" / "gunicorn.conf.py"
        return [
            *(sys.executable, "-m", "gunicorn", "--config", str(config)),
            *("--bind", f"127.0.0.1:{port}", *options, "newsportal.wsgi:application"),
        ]
    return [
        *(sys.executable, "-m", "granian", "--interface", "wsgi", "--log-level", "warning"),
        *("--host", "127.0.0.1", "--port", str(port), *options, "newsportal.wsgi:application"),
    ]


def installed(program: str) -> bool:
    return subprocess.run([sys.executable, "-c", f"import {program}"]).returncode == 0


def build_site(directory: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The environment of a fresh production site in `directory`, and the pages to measure."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsportal.settings",
        "DJANGO_DEBUG": "False",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    run = {"cwd": BASE_DIR, "env": env, "check": True}
    subprocess.run([sys.executable, "-m", "newsportal.serve.prepare"], **run, capture_output=True)
    seed, plain = subprocess.run(
        [sys.executable, "-c", SEED_COMMENTS], **run, capture_output=True, text=True
    ).stdout.split()
    manifest = (BASE_DIR / "staticfiles" / "staticfiles.json").read_text()
    stylesheet = re.search(r'"vendor/bootstrap/bootstrap\.min\.css": "([^"]+)"', manifest)[1]
    return env, {
        "home": "/",
        "seed article (200 comments)": seed,
        "article, no comments": plain,
        "robots.txt": "/robots.txt",
        "static file (whitenoise)": f"/static/{stylesheet}",
    }


SEED_COMMENTS = """
import django; django.setup()
from articles.demo.loader import SEED_SLUG
from articles.models import Article
from tests.factories import CommentFactory
seed = Article.objects.get(slug=SEED_SLUG)
for _ in range(100):
    CommentFactory(article=seed, parent=CommentFactory(article=seed))
plain = Article.objects.published().filter(comments__isnull=True).exclude(pk=seed.pk).first()
print(seed.get_absolute_url(), plain.get_absolute_url())
"""


def process_tree_cpu(root: int) -> float:
    """CPU seconds used so far by `root` and every live descendant."""
    parents, cpu = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS
    total, pending = 0.0, [root]
    while pending:
        pid = pending.pop()
        total += cpu.get(pid, 0.0)
        pending += [child for child, parent in parents.items() if parent == pid]
    return total


def wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def wrk(url: str, duration: int) -> dict[str, float]:
    output = subprocess.run(
        # A long timeout: a slow answer is counted, not dropped while the server still works on it.
        ["wrk", "-t2", "-c16", f"-d{duration}s", "--timeout", "10s", "--latency"]
        + ["-H", "Accept-Encoding: gzip", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def milliseconds(label):
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50": milliseconds("50%"),
        "p99": milliseconds("99%"),
        "errors": "Non-2xx" in output or "Socket errors" in output,
    }


def measure(candidate, env, urls, duration, port=18790) -> dict[str, dict]:
    server = subprocess.Popen(
        server_command(candidate, port),
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(port, server)
        results = {}
        for name, path in urls.items():
            url = f"http://127.0.0.1:{port}{path}"
            wrk(url, 2)  # warm up: templates, caches, connections
            before = process_tree_cpu(server.pid)
            result = wrk(url, duration)
            result["cpu_ms"] = 1000 * (process_tree_cpu(server.pid) - before) / result["requests"]
            results[name] = result
        return results
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", nargs="*", help="candidate names to run")
    parser.add_argument("--pages", nargs="*", help="page names to measure")
    arguments = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    candidates = {
        name: command
        for name, command in CANDIDATES.items()
        if installed(command[0]) and (not arguments.only or name in arguments.only)
    }
    with tempfile.TemporaryDirectory(prefix="newsportal-bench-servers-") as directory:
        env, urls = build_site(Path(directory))
        urls = {
            page: url
            for page, url in urls.items()
            if not arguments.pages or page in arguments.pages
        }
        figures = {name: {page: [] for page in urls} for name in candidates}
        for round_number in range(arguments.rounds):
            for name, command in candidates.items():
                for page, result in measure(command, env, urls, arguments.duration).items():
                    figures[name][page].append(result)
                print(f"round {round_number + 1}: {name} done", file=sys.stderr, flush=True)
    print(f"\nwrk -t2 -c16 -d{arguments.duration}s, median of {arguments.rounds} rounds;")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print(f"{'server':<22}{'page':<30}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'CPU ms/req':>12}")
    for name, by_page in figures.items():
        for page, results in by_page.items():

            def median(field, results=results):
                return statistics.median(result[field] for result in results)

            flag = " (errors or timeouts)" if any(result["errors"] for result in results) else ""
            print(
                f"{name:<22}{page:<30}{median('rps'):>8.0f}{median('p50'):>9.1f}"
                f"{median('p99'):>9.1f}{median('cpu_ms'):>12.2f}{flag}"
            )


if __name__ == "__main__":
    main()
