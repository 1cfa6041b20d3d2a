"""Live coverage's watchers (#13): a crowd polling a live article while an editor posts.

    .venv/bin/python -m tests.benchmarks.bench_live [--watchers 2000] [--seconds 60]
        [--every 5] [--interval 1] [--processes 2] [--port 8100]

Starts the `make serve` stack (Varnish with xkey on PORT, gunicorn on PORT+1) on loopback, on a
throw-away SQLite database (DATABASE_URL's, if it names the bench's own), makes one live
article, then opens WATCHERS keep-alive HTTP/1.1 connections through Varnish, each asking the
coverage's endpoint every INTERVAL seconds (±20 %, and If-None-Match, as static/js/live.js does
in a browser), while an editor posts an update every EVERY seconds for SECONDS seconds.

The editor is a child process with the stack's own settings and database that calls
`live_update_post`, the service the admin calls, so the purge follows the commit exactly as it
does for an editor; it is started once (not `manage.py shell` per post: Django's start-up would
compete with the watchers for the CPU at every post), and notes the moment each post commits.

It prints what the crowd costs the application (Varnish's backend requests, per update and
while nothing changes) and how long a watcher waits to see a post (from the commit to the
answer that lists it, every watcher and every post: p50, p99), and whether the client kept up
(the polls it managed against those it meant to make). Figures go to .bench/bench-live.json.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from newsportal.serve.environment import BASE_DIR
from newsportal.serve.stack import VARNISH_PACKAGES, find_varnishd

from .bench_stack.run import bench_database, say, site_command, site_environment
from .bench_stack.servers import Servers

# The site's side of the bench (--site: setup, the editor, cleanup) runs as this module again.
THIS_MODULE = "tests.benchmarks.bench_live"

WORKERS = 3  # make serve's gunicorn workers
FIRST_UPDATES = 5  # on the article before the watchers come: an endpoint with something in it
TAIL_SECONDS = 4  # after the last post, for every watcher to see it
QUIET_SECONDS = 5  # watchers polling, nobody posting: what an unchanged coverage costs
NEWEST_ID = re.compile(rb'"id": (\d+)')  # the endpoint lists the newest update first


# --- The site's side: a child process with the stack's settings ------------------------------


def site_setup() -> dict:
    """One live article with a few updates, and an editor allowed to post."""
    from django.contrib.auth import get_user_model

    from articles.live.services import live_update_post
    from tests.factories import ArticleFactory

    editor, _ = get_user_model().objects.get_or_create(
        username="bench-live-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    article = ArticleFactory(headline="Bench: live coverage", slug="bench-live", is_live=True)
    for number in range(FIRST_UPDATES):
        live_update_post(article=article, editor=editor, body=update_body(number))
    return {"article_id": article.pk, "endpoint": f"/live/{article.pk}/updates.json"}


def update_body(number: int) -> str:
    # About the length of a real update: two short paragraphs.
    return (
        f"<p>Update {number}: firefighters have reached the harbour, where the water is still "
        f"rising; the council asks residents of the lower town to stay indoors.</p>"
        f"<p>More from our reporter at the scene as we have it.</p>"
    )


def site_editor(article_id: int, every: float, seconds: float, together: int) -> None:
    """Post an update every `every` seconds for `seconds` (`together` of them back to back, as
    editors posting at the same moment); one JSON line per post with the moment it committed
    (wall clock, as the watchers note theirs)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from articles.live.services import live_update_post
    from articles.models import Article

    editor = get_user_model().objects.get(username="bench-live-editor")
    article = Article.objects.get(pk=article_id)
    started = time.monotonic()
    number = FIRST_UPDATES
    while (due := started + (number - FIRST_UPDATES) * every) < started + seconds:
        time.sleep(max(0.0, due - time.monotonic()))
        for _ in range(together):
            committed = {}
            with transaction.atomic():
                # Registered first, so it runs before the purge the save registers: the commit.
                transaction.on_commit(
                    lambda moments=committed: moments.setdefault("at", time.time())
                )
                update = live_update_post(article=article, editor=editor, body=update_body(number))
            purged = time.time()
            print(json.dumps({"id": update.pk, "committed": committed["at"], "purged": purged}))
            sys.stdout.flush()
        number += 1


def site_cleanup(article_id: int) -> dict:
    """The bench's article gone again (a kept bench database is reused by `make bench`)."""
    from articles.models import Article

    deleted, _ = Article.objects.filter(pk=article_id).delete()
    return {"deleted": deleted}


def site_main(arguments) -> None:
    import django

    django.setup()
    if arguments.site == "setup":
        print(json.dumps(site_setup()))
    elif arguments.site == "editor":
        site_editor(arguments.article, arguments.every, arguments.seconds, arguments.together)
    else:
        print(json.dumps(site_cleanup(arguments.article)))


# --- The watchers: raw HTTP/1.1 on keep-alive connections, as many per process as asked ------


class Watcher:
    """One reader's tab: one connection, one question a second, the newest id it has seen."""

    def __init__(self, host: str, port: int, path: str, interval: float):
        self.host, self.port, self.path, self.interval = host, port, path, interval
        self.etag = None
        self.newest = 0
        self.seen: list[tuple[float, int]] = []  # (when, newest id) each time it changed
        self.requests = self.not_modified = self.errors = self.reconnects = 0

    def request(self) -> bytes:
        lines = [
            f"GET {self.path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Accept: application/json",
            "Accept-Encoding: gzip",
        ]
        if self.etag:
            lines.append(f"If-None-Match: {self.etag}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    async def run(self, until: float) -> None:
        # A crowd arrives over a second or so, as readers do, not in one instant.
        await asyncio.sleep(random.uniform(0, self.interval))  # noqa: S311
        reader = writer = None
        while time.time() < until:
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(self.host, self.port)
                writer.write(self.request())
                status, headers, body = await read_response(reader)
                self.requests += 1
                if headers.get("connection", "").lower() == "close":
                    writer.close()
                    reader = writer = None
                    self.reconnects += 1
                if status == 304:
                    self.not_modified += 1
                elif status == 200:
                    self.etag = headers.get("etag")
                    if headers.get("content-encoding") == "gzip":
                        body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
                    if (match := NEWEST_ID.search(body)) and int(match[1]) > self.newest:
                        self.newest = int(match[1])
                        self.seen.append((time.time(), self.newest))
                else:
                    self.errors += 1
            except (OSError, asyncio.IncompleteReadError, ValueError):
                self.errors += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
            # As live.js: the next question a jittered interval after the answer.
            await asyncio.sleep(self.interval * random.uniform(0.8, 1.2))  # noqa: S311
        if writer is not None:
            writer.close()


async def read_response(reader) -> tuple[int, dict, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if status == 304 or status < 200:
        return status, headers, b""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            body += await reader.readexactly(size + 2)
            del body[-2:]
        await reader.readuntil(b"\r\n")
        return status, headers, bytes(body)
    return status, headers, await reader.readexactly(int(headers.get("content-length", 0)))


async def lag_meter(until: float, lags: list[float]) -> None:
    """How late this process's event loop wakes up: a watcher's delay includes it."""
    while time.time() < until:
        asyncio_before = time.monotonic()
        await asyncio.sleep(0.1)
        lags.append(time.monotonic() - asyncio_before - 0.1)


def watch_in_process(host, port, path, count, interval, until, results) -> None:
    """`count` watchers in this process until `until` (wall clock); their figures to `results`."""

    async def crowd():
        watchers = [Watcher(host, port, path, interval) for _ in range(count)]
        lags = []
        await asyncio.gather(lag_meter(until, lags), *(w.run(until) for w in watchers))
        return watchers, lags

    watchers, lags = asyncio.run(crowd())
    results.put(
        {
            "seen": [w.seen for w in watchers],
            "requests": sum(w.requests for w in watchers),
            "not_modified": sum(w.not_modified for w in watchers),
            "errors": sum(w.errors for w in watchers),
            "reconnects": sum(w.reconnects for w in watchers),
            "loop_lag_p99_s": quantile(lags, 0.99),
        }
    )


# --- The measurement -------------------------------------------------------------------------


def quantile(values, q: float):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def varnish_counters(workdir: Path) -> dict[str, int]:
    names = ("MAIN.client_req", "MAIN.cache_hit", "MAIN.cache_miss", "MAIN.backend_req",
             "MAIN.busy_sleep", "MAIN.sess_conn", "MAIN.n_object")  # fmt: skip
    output = subprocess.run(  # noqa: S603  (our own command)
        [shutil.which("varnishstat") or "varnishstat", "-n", str(workdir), "-1", "-j"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    counters = json.loads(output)
    counters = counters.get("counters", counters)  # Varnish 6.5+ nests them
    return {name: counters[name]["value"] for name in names if name in counters}


def delays(posts: list[dict], seen_lists: list[list], until: float) -> dict:
    """For each post and each watcher: from the commit to the first answer listing it (or a
    later update, which the same answer lists too)."""
    waited, missed = [], 0
    first_seen = []
    for post in posts:
        earliest = None
        for seen in seen_lists:
            when = next((at for at, newest in seen if newest >= post["id"]), None)
            if when is None or when > until:
                missed += 1
                continue
            waited.append(when - post["committed"])
            earliest = when if earliest is None else min(earliest, when)
        if earliest is not None:
            first_seen.append(earliest - post["committed"])
    return {
        "samples": len(waited),
        "missed": missed,
        "p50_s": quantile(waited, 0.5),
        "p90_s": quantile(waited, 0.9),
        "p99_s": quantile(waited, 0.99),
        "max_s": max(waited) if waited else None,
        "first_watcher_p50_s": quantile(first_seen, 0.5),
        "purge_after_commit_p50_s": quantile([p["purged"] - p["committed"] for p in posts], 0.5),
    }


def run(arguments) -> dict:
    directory = Path(tempfile.mkdtemp(prefix="newsportal-bench-live-"))
    directory.chmod(0o755)
    database_url, vendor = bench_database(directory)
    env = site_environment(directory, arguments.port, database_url)
    if arguments.front_cache_seconds:
        env["DJANGO_FRONT_CACHE_SECONDS"] = str(arguments.front_cache_seconds)
    (directory / "whitenoise").mkdir()  # the bench settings' static root: empty here
    servers = Servers(directory, env)
    article_id = None
    try:
        say(f"Preparing the site ({vendor}) in {directory}")
        setup_env = {k: v for k, v in env.items() if k != "DJANGO_FRONT_CACHE_URLS"}
        subprocess.run(  # noqa: S603  (our own command)
            [sys.executable, "-m", "newsportal.serve.prepare", "--no-demo"],
            cwd=BASE_DIR,
            env=setup_env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        site = site_command(setup_env, "--site", "setup", module=THIS_MODULE)
        article_id = site["article_id"]
        say(f"Starting the stack on {arguments.port} (Varnish) and {arguments.port + 1}")
        servers.start_stack(arguments.port, WORKERS)
        return measure(arguments, env, directory, site)
    except BaseException:
        if (directory / "stack.log").exists():
            say(f"--- stack.log (end) ---\n{servers.log('stack')[-2000:]}")
        raise
    finally:
        servers.stop()
        if article_id is not None and vendor != "sqlite":
            site_command(env, "--site", "cleanup", "--article", str(article_id), module=THIS_MODULE)
        shutil.rmtree(directory, ignore_errors=True)


def measure(arguments, env, directory, site) -> dict:
    workdir = directory / "state" / "varnish"
    watchers, interval = arguments.watchers, arguments.interval
    processes = max(1, min(arguments.processes, watchers))
    ramp = interval + 1  # every watcher has asked once, and the answer is in the cache
    started = time.time()
    posting_from = started + ramp + QUIET_SECONDS
    until = posting_from + arguments.seconds + TAIL_SECONDS
    say(f"{watchers:,} watchers in {processes} processes, asking {site['endpoint']} every"
        f" {interval:g} s (±20 %); {QUIET_SECONDS} s quiet, then a post every"
        f" {arguments.every:g} s for {arguments.seconds:g} s")  # fmt: skip
    results = multiprocessing.get_context("fork").Queue()
    crowd = [
        multiprocessing.get_context("fork").Process(
            target=watch_in_process,
            args=(
                "127.0.0.1",
                arguments.port,
                site["endpoint"],
                watchers // processes + (n < watchers % processes),
                interval,
                until,
                results,
            ),
        )  # fmt: skip
        for n in range(processes)
    ]
    for process in crowd:
        process.start()
    time.sleep(max(0.0, started + ramp - time.time()))
    quiet_before = varnish_counters(workdir)
    load_before = os.getloadavg()
    time.sleep(max(0.0, posting_from - time.time()))
    quiet_after = varnish_counters(workdir)
    editor = subprocess.Popen(  # noqa: S603  (our own command)
        [sys.executable, "-m", "tests.benchmarks.bench_live", "--site", "editor",
         "--article", str(site["article_id"]), "--every", str(arguments.every),
         "--seconds", str(arguments.seconds), "--together", str(arguments.together)],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    output, _ = editor.communicate(timeout=arguments.seconds + 120)
    if editor.returncode:
        raise RuntimeError(f"the editor failed ({editor.returncode})")
    posts = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    say(f"  {len(posts)} updates posted; the watchers keep asking for {TAIL_SECONDS} s more")
    time.sleep(max(0.0, until - 0.5 - time.time()))
    after = varnish_counters(workdir)
    load_after = os.getloadavg()
    crowd_results = [results.get(timeout=120) for _ in crowd]
    for process in crowd:
        process.join(timeout=30)
    seen_lists = [seen for result in crowd_results for seen in result["seen"]]
    requests = sum(result["requests"] for result in crowd_results)
    watched_seconds = until - started - interval / 2  # the ramp: half an interval on average
    meant = watchers * watched_seconds / interval
    backend = after.get("MAIN.backend_req", 0) - quiet_after.get("MAIN.backend_req", 0)
    return {
        "watchers": watchers,
        "processes": processes,
        "interval_s": interval,
        "every_s": arguments.every,
        "together": arguments.together,
        "front_cache_seconds": arguments.front_cache_seconds,
        "posting_seconds": arguments.seconds,
        "updates": len(posts),
        "app_requests": backend,
        "app_requests_per_update": backend / max(len(posts), 1),
        "cache_misses": after.get("MAIN.cache_miss", 0) - quiet_after.get("MAIN.cache_miss", 0),
        "busy_sleeps": after.get("MAIN.busy_sleep", 0) - quiet_after.get("MAIN.busy_sleep", 0),
        "quiet_seconds": QUIET_SECONDS,
        "quiet_app_requests": quiet_after.get("MAIN.backend_req", 0)
        - quiet_before.get("MAIN.backend_req", 0),
        "client_requests": after.get("MAIN.client_req", 0) - quiet_before.get("MAIN.client_req", 0),
        "polls": requests,
        "polls_per_second": requests / watched_seconds,
        "polls_meant_per_second": meant / watched_seconds,
        "kept_up": requests / meant,
        "not_modified": sum(result["not_modified"] for result in crowd_results),
        "errors": sum(result["errors"] for result in crowd_results),
        "reconnects": sum(result["reconnects"] for result in crowd_results),
        "client_loop_lag_p99_s": max(r["loop_lag_p99_s"] or 0 for r in crowd_results),
        "delay": delays(posts, seen_lists, until),
        "load_average": {"before": load_before, "after": load_after},
        "cpus": os.cpu_count(),
    }


def report(figures: dict) -> str:
    delay = figures["delay"]

    def seconds(value):
        return "-" if value is None else f"{value:.2f} s"

    lines = [
        f"Live coverage, {figures['watchers']:,} watchers polling every"
        f" {figures['interval_s']:g} s (±20 %) through Varnish, an update every"
        f" {figures['every_s']:g} s"
        + (f" ({figures['together']} back to back)" if figures["together"] > 1 else "")
        + f" for {figures['posting_seconds']:g} s"
        f" ({figures['cpus']} CPUs, load average {figures['load_average']['before'][0]:.1f}"
        f" before, {figures['load_average']['after'][0]:.1f} after)",
        f"  application requests per update: {figures['app_requests_per_update']:.2f}"
        f" ({figures['app_requests']} for {figures['updates']} updates; target: a few, not one"
        f" per watcher); while nothing changed: {figures['quiet_app_requests']} in"
        f" {figures['quiet_seconds']} s",
        f"  post committed to a watcher seeing it: p50 {seconds(delay['p50_s'])},"
        f" p90 {seconds(delay['p90_s'])}, p99 {seconds(delay['p99_s'])}"
        f" (target 2 s: {'met' if (delay['p99_s'] or 99) < 2 else 'MISSED'}),"
        f" max {seconds(delay['max_s'])}; {delay['samples']:,} sightings,"
        f" {delay['missed']} missed",
        f"  the first watcher to see a post: p50 {seconds(delay['first_watcher_p50_s'])}"
        f" after the commit (the purge sent {seconds(delay['purge_after_commit_p50_s'])} after)",
        f"  polls: {figures['polls_per_second']:,.0f}/s of the"
        f" {figures['polls_meant_per_second']:,.0f}/s meant ({figures['kept_up']:.0%}),"
        f" {figures['not_modified']:,} answered 304, {figures['errors']} errors; the client's"
        f" event loop late by up to {figures['client_loop_lag_p99_s']:.3f} s (p99)",
    ]
    if figures["kept_up"] < 0.9:
        ceiling = figures["watchers"] * figures["kept_up"]
        lines.append(
            f"  THE CLIENT DID NOT KEEP UP: this machine simulated about {ceiling:,.0f} watchers"
            f" polling every {figures['interval_s']:g} s, not {figures['watchers']:,}; the"
            f" figures are for that crowd ({figures['polls_per_second']:,.0f} polls/s is the"
            f" ceiling here)."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.bench_live", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--watchers", type=int, default=int(os.environ.get("LIVE_WATCHERS", 2000)))
    parser.add_argument(
        "--seconds",
        type=float,
        default=float(os.environ.get("LIVE_SECONDS", 60)),
        help="how long the editor posts",
    )
    parser.add_argument("--every", type=float, default=5.0, help="seconds between posts")
    parser.add_argument("--interval", type=float, default=1.0, help="each watcher's poll")
    parser.add_argument(
        "--together", type=int, default=1, help="updates posted back to back each time"
    )
    parser.add_argument(
        "--processes", type=int, default=os.cpu_count() or 1, help="for the watchers"
    )
    parser.add_argument(
        "--front-cache-seconds",
        type=int,
        help="the pages' s-maxage (DJANGO_FRONT_CACHE_SECONDS), to try a short one",
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT") or 8100))
    parser.add_argument("--output", type=Path, help="default: .bench/bench-live.json")
    # The child processes' side (the stack's settings and database): not for use by hand.
    parser.add_argument("--site", choices=["setup", "editor", "cleanup"], help=argparse.SUPPRESS)
    parser.add_argument("--article", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.site:
        site_main(arguments)
        return 0
    if not find_varnishd():
        print(f"bench_live needs Varnish: apt-get install -y {VARNISH_PACKAGES}", file=sys.stderr)
        return 1
    figures = run(arguments)
    output = arguments.output or BASE_DIR / ".bench" / "bench-live.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(figures, indent=2) + "\n")
    print(report(figures))
    print(f"\nFigures written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
