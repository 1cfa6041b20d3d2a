"""What a phone sees: Lighthouse (mobile, its default throttling) on the seed article (issue #8).

    make lighthouse                       # or: .venv/bin/python -m tests.lighthouse.run --runs 5

Builds a throw-away production site in a temporary directory (its own SQLite database, media
and Varnish state; DJANGO_DEBUG=False, whitenoise's hashed compressed static files), with the
demo content and 200 approved comments on the seed article, serves it with `python -m
newsportal.serve` on a free port in 8200-8299, runs Lighthouse from tests/lighthouse/node_modules
(pinned in package.json; `make lighthouse` installs it) against Debian's Chromium N times, prints
each run and the medians, keeps the JSON reports in .lighthouse/ (git-ignored) and stops
everything it started.

Lighthouse's default mobile throttling is simulated (a Moto G Power on slow 4G, computed from
one unthrottled load), so the figures depend less on this machine's load than a real throttled
load would, but a busy machine still moves them: read the medians.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from newsportal.serve.environment import parse_options, production_environment

BASE_DIR = Path(__file__).resolve().parents[2]
LIGHTHOUSE_DIR = Path(__file__).resolve().parent
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
REPORTS = BASE_DIR / ".lighthouse"
PORTS = range(8200, 8299, 2)  # Varnish on P, gunicorn on P + 1
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {
    "LCP": "largest-contentful-paint",
    "FCP": "first-contentful-paint",
    "TBT": "total-blocking-time",
    "CLS": "cumulative-layout-shift",
    "SI": "speed-index",
}

SEED_COMMENTS = """
import django; django.setup()
from articles.demo.loader import SEED_SLUG
from articles.models import Article
from comments.models import Comment
from tests.factories import CommentFactory
seed = Article.objects.get(slug=SEED_SLUG)
# 200 approved comments, half of them replies (as tests/benchmarks/bench_app_servers.py).
for _ in range(100 - Comment.objects.filter(article=seed, parent=None).count()):
    CommentFactory(article=seed, parent=CommentFactory(article=seed))
print(seed.get_absolute_url())
"""


def free_port() -> int:
    """A port P in 8200-8299 with P and P + 1 both free on loopback."""
    for port in PORTS:
        try:
            for candidate in (port, port + 1):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return port
    raise SystemExit("No free pair of ports in 8200-8299.")


def site_environment(directory: Path, port: int) -> dict[str, str]:
    """The production environment `make serve` would give the site, on a throw-away database."""
    environ = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(directory / "media"),
        "SERVE_STATE_DIR": str(directory / "serve"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    environ.pop("REDIS_URL", None)
    options = parse_options(["--port", str(port)], environ)
    env, _ = production_environment(environ, options)
    return env


def wait_for(url: str, process: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"The site stopped while starting ({process.returncode}).")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                response.read()
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The site did not answer {url} within {timeout:.0f} s.")


def lighthouse(url: str, output: Path) -> dict:
    """One Lighthouse run (mobile, default simulated throttling); its JSON report."""
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={output}",
            f"--chrome-flags={CHROME_FLAGS}",
            f"--only-categories={','.join(CATEGORIES)}",
        ],
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
        check=True,
    )
    return json.loads(output.read_text())


def figures(report: dict) -> dict[str, float]:
    row = {name: report["categories"][name]["score"] for name in CATEGORIES}
    for name, audit in METRICS.items():
        row[name] = report["audits"][audit]["numericValue"]
    return row


def show(label: str, row: dict[str, float]) -> str:
    scores = " ".join(f"{name[:4]} {row[name]:.2f}" for name in CATEGORIES)
    return (
        f"{label:>7}: {scores} | LCP {row['LCP'] / 1000:.2f} s, FCP {row['FCP'] / 1000:.2f} s,"
        f" TBT {row['TBT']:.0f} ms, CLS {row['CLS']:.3f}, SI {row['SI'] / 1000:.2f} s"
    )


def lcp_element(report: dict) -> str:
    details = report["audits"].get("largest-contentful-paint-element", {}).get("details", {})
    for item in details.get("items", []):
        for entry in item.get("items", []):
            node = entry.get("node")
            if node:
                return f"{node.get('nodeLabel', '')!r}: {node.get('snippet', '')}"
    return "(not reported)"


def opportunities(report: dict) -> list[str]:
    found = []
    for audit in report["audits"].values():
        details = audit.get("details") or {}
        saving = (
            (details.get("overallSavingsMs") or 0) if details.get("type") == "opportunity" else 0
        )
        if saving > 0 or (audit.get("score") is not None and audit["score"] < 0.9 and saving):
            found.append(f"{audit['title']}: {saving:.0f} ms")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.lighthouse.run")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUNS") or 5))
    parser.add_argument("--path", help="the page to measure (default: the seed article)")
    arguments = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print("Lighthouse is not installed: `make lighthouse` installs it.", file=sys.stderr)
        return 1
    REPORTS.mkdir(exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix="newsportal-lighthouse-"))
    # Varnish's unprivileged user must reach its working directory to keep its jail.
    directory.chmod(0o755)
    port = free_port()
    env = site_environment(directory, port)
    stack = None
    stack_log = REPORTS / "serve.log"
    try:
        print(f"Preparing a throw-away site in {directory} ...", flush=True)
        run = {"cwd": BASE_DIR, "env": env, "check": True}
        subprocess.run(
            [sys.executable, "-m", "newsportal.serve.prepare"], **run, capture_output=True
        )
        seed = subprocess.run(
            [sys.executable, "-c", SEED_COMMENTS], **run, capture_output=True, text=True
        ).stdout.split()[-1]
        url = f"http://127.0.0.1:{port}{arguments.path or seed}"
        log = stack_log.open("w")
        stack = subprocess.Popen(  # noqa: S603  (our own fixed command)
            [sys.executable, "-m", "newsportal.serve", "--port", str(port)],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(url, stack)
        # Readers are answered by Varnish's stored page; the first request only fills it.
        urllib.request.urlopen(url, timeout=30).read()  # noqa: S310 (loopback)
        print(f"Lighthouse (mobile), {arguments.runs} runs on {url}", flush=True)
        rows, reports = [], []
        for number in range(1, arguments.runs + 1):
            report = lighthouse(url, REPORTS / f"run-{number}.json")
            reports.append(report)
            rows.append(figures(report))
            print(show(f"run {number}", rows[-1]), flush=True)
        median = {name: statistics.median(row[name] for row in rows) for name in rows[0]}
        print(show("median", median))
        # The run nearest the median LCP stands for them all.
        typical = reports[min(range(len(rows)), key=lambda i: abs(rows[i]["LCP"] - median["LCP"]))]
        (REPORTS / "report.json").write_text(json.dumps(typical))
        print(f"LCP element: {lcp_element(typical)}")
        for line in opportunities(typical):
            print(f"  opportunity: {line}")
        print(
            f"Reports in {REPORTS.relative_to(BASE_DIR)}/: run-N.json, report.json (the run"
            " nearest the median LCP), serve.log (the stack's output)"
        )
        return 0
    except subprocess.CalledProcessError as error:
        print(f"Preparing the site failed:\n{error.stderr}", file=sys.stderr)
        return 1
    finally:
        if stack is not None:
            if stack.poll() is None:
                stack.send_signal(signal.SIGTERM)  # it stops Varnish, gunicorn, the worker
            try:
                stack.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(stack.pid, signal.SIGKILL)
                stack.wait()
            log.close()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
