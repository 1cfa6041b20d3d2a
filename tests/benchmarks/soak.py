"""`make soak` (#9): the production stack under a crowd of commenters, and under faults.

    .venv/bin/python -m tests.benchmarks.soak [--database sqlite|postgres] [--seconds 30]

Starts `python -m newsportal.serve` (Varnish in front of gunicorn) on loopback ports from
SOAK_PORT (8200), with a database and a Redis of its own: SQLite in a temporary directory, or a
PostgreSQL cluster initialised there (`initdb`, trust authentication, its own port) plus a
`redis-server` of its own, so that stopping them touches nothing else on the machine. Each
scenario is a crowd: CLIENTS threads posting comments through Varnish from loopback addresses
of their own (127.8x.y.z, each with the form tokens it fetched first), and READERS threads
reading the article and the home page through Varnish, for SECONDS; a fault, if any, starts
FAULT_AT seconds in and lasts FAULT_FOR:

- crowd: no fault;
- worker killed: a gunicorn worker SIGKILLed every 2 s, mid-request;
- database down: PostgreSQL stopped (`pg_ctl stop -m fast`) and started again; on SQLite the
  database file locked by another process (`BEGIN EXCLUSIVE`), and in a scenario of its own
  swapped for a file that is not a database while gunicorn's workers are replaced;
- Redis down (PostgreSQL run): the cache's server stopped and started again;
- one of two servers killed (PostgreSQL run): a second gunicorn behind Varnish
  (DJANGO_BACKENDS), SIGKILLed with its workers, not started again.

Then every comment a poster was told was accepted is looked for in the database. The table:
posts sent, accepted, stored, the posts' and the readers' 5xx answers, and the seconds from the
end of the fault to the first comment accepted after it.
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from newsportal.serve.environment import BASE_DIR
from newsportal.serve.stack import find_varnishd
from tests.benchmarks.bench_stack.run import prepare_site, site_command, site_environment
from tests.benchmarks.bench_stack.servers import Servers
from tests.benchmarks.bench_stack.site import BENCH_EMAIL_DOMAIN

CLIENTS = 200
READERS = 8
POSTS_PER_ADDRESS = 5  # COMMENTS_RATE_LIMIT: each address posts as much as a reader may
MIN_FILL_SECONDS = 3  # COMMENTS_MIN_FILL_SECONDS
FAULT_AT = 8
FAULT_FOR = 10
WORKERS = 3
STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:4.0f} s] {message}", file=sys.stderr, flush=True)


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL's server refuses to run as root: as root, run it as `postgres`."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Postgres:
    """A PostgreSQL cluster of the soak's own, in `directory`, on `port`."""

    def __init__(self, directory: Path, port: int):
        self.data, self.port = directory / "postgres", port
        self.bin = Path(
            max(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: p.parts)
        ).parent
        self.url = f"postgres://postgres@127.0.0.1:{port}/postgres"

    def initialise(self) -> None:
        self.data.mkdir(mode=0o700)
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
            shutil.chown(self.data.parent, "postgres")
        subprocess.run(
            _as_postgres(
                [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust"]
            ),
            check=True,
            capture_output=True,
        )
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        subprocess.run(
            _as_postgres(
                [
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-o",
                    options,
                    "-w",
                    "-l",
                    str(self.data / "server.log"),
                    "start",
                ]
            ),  # fmt: skip
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        subprocess.run(
            _as_postgres(
                [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]
            ),
            check=False,
            capture_output=True,
        )


class Redis:
    def __init__(self, directory: Path, port: int):
        self.directory, self.port, self.process = directory, port, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def gunicorn_master(stack_pid: int) -> int:
    for pid in children(stack_pid):
        if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
    raise RuntimeError("the stack's gunicorn was not found")


# --- faults ---------------------------------------------------------------------------------


class Fault:
    name = "crowd"

    def begin(self) -> None: ...

    def end(self) -> None: ...


class WorkersKilled(Fault):
    name = "worker killed (every 2 s)"

    def __init__(self, master: int):
        self.master, self.stopping = master, threading.Event()
        self.killed = 0

    def begin(self) -> None:
        def kill():
            while not self.stopping.wait(2):
                workers = children(self.master)
                if workers:
                    os.kill(workers[self.killed % len(workers)], signal.SIGKILL)
                    self.killed += 1

        self.thread = threading.Thread(target=kill, daemon=True)
        self.thread.start()

    def end(self) -> None:
        self.stopping.set()
        self.thread.join()


class DatabaseDown(Fault):
    name = "database down"

    def __init__(self, postgres: Postgres):
        self.postgres = postgres

    def begin(self) -> None:
        self.postgres.stop()

    def end(self) -> None:
        self.postgres.start()


class DatabaseLocked(Fault):
    name = "database file locked"

    def __init__(self, path: Path):
        self.path = path

    def begin(self) -> None:
        self.connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.connection.execute("BEGIN EXCLUSIVE")

    def end(self) -> None:
        self.connection.execute("ROLLBACK")
        self.connection.close()


class DatabaseUnreadable(Fault):
    """The SQLite file swapped for one that is not a database, and gunicorn's workers replaced
    (SIGHUP), so that they open it: connections already open would read on from the file they
    opened."""

    name = "database file unreadable"

    def __init__(self, path: Path, master: int):
        self.path, self.aside, self.master = path, path.with_name("db.sqlite3.aside"), master

    def begin(self) -> None:
        self.path.rename(self.aside)
        self.path.write_bytes(b"This is not a database. " * 200)
        os.kill(self.master, signal.SIGHUP)

    def end(self) -> None:
        self.aside.replace(self.path)


class RedisDown(Fault):
    name = "Redis down"

    def __init__(self, redis: Redis):
        self.redis = redis

    def begin(self) -> None:
        self.redis.stop()

    def end(self) -> None:
        self.redis.start()


class ServerKilled(Fault):
    name = "one of two servers killed"

    def __init__(self, process: subprocess.Popen):
        self.process = process

    def begin(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


# --- the crowd ------------------------------------------------------------------------------


@dataclass
class Outcome:
    scenario: str
    posts: int = 0
    accepted: int = 0
    stored: int = 0
    post_5xx: int = 0
    post_other: dict = field(default_factory=dict)
    reads: int = 0
    read_5xx: int = 0
    read_failures: int = 0
    recovered_s: float | None = None
    purge_to_visible_max_s: float | None = None


def addresses(block: int, count: int) -> list[str]:
    """`count` loopback addresses of their own for scenario `block`: 127.(80+block).x.y."""
    return [f"127.{80 + block}.{n // 250}.{n % 250 + 1}" for n in range(count)]


def request(host, port, method, path, *, source, body=None, headers=None, timeout=60):
    connection = http.client.HTTPConnection(host, port, timeout=timeout, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def fetch_tokens(port: int, sources: list[str]) -> list[tuple[str, str]]:
    headers = {"Host": f"127.0.0.1:{port}", "Accept": "application/json"}
    tokens, lock = [], threading.Lock()

    def fetch(chunk):
        for source in chunk:
            for _ in range(POSTS_PER_ADDRESS):
                status, body = request(
                    "127.0.0.1", port, "GET", "/comments/token/", source=source, headers=headers
                )
                if status != 200:
                    raise RuntimeError(f"/comments/token/ answered {status}")
                with lock:
                    tokens.append((source, json.loads(body)["issued"]))

    threads = [threading.Thread(target=fetch, args=(sources[n::16],)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tokens


def crowd(
    port: int, article_id: int, read_paths: list[str], block: int, fault: Fault, seconds: int, env
) -> Outcome:
    outcome = Outcome(fault.name)
    marker = f"soak{block}x{os.getpid()}"
    sources = addresses(block, (CLIENTS * seconds * 2) // POSTS_PER_ADDRESS)
    tokens = fetch_tokens(port, sources)
    time.sleep(MIN_FILL_SECONDS + 0.2)
    pending, lock = list(reversed(tokens)), threading.Lock()
    post_results, read_results = [], []
    started = time.monotonic()
    deadline = started + seconds
    path = f"/comments/post/{article_id}/"
    headers = {
        "Host": f"127.0.0.1:{port}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"http://127.0.0.1:{port}",
        "X-Requested-With": "fetch",
        "Accept": "application/json",
    }

    def poster():
        while time.monotonic() < deadline:
            with lock:
                if not pending:
                    return
                source, token = pending.pop()
                number = len(pending)
            body = urlencode(
                {
                    "name": f"Soak reader {source}",
                    "email": f"{source.replace('.', '-')}-{number}@{BENCH_EMAIL_DOMAIN}",
                    "comment": f"Soak comment {marker}, #{number}: the barrier held overnight.",
                    "parent": "",
                    "issued": token,
                    "homepage": "",
                }
            )
            sent = time.monotonic()
            try:
                status, answer = request(
                    "127.0.0.1", port, "POST", path, source=source, body=body, headers=headers
                )
            except OSError:
                status, answer = 0, b""
            accepted = status == 200 and json.loads(answer).get("ok") is True
            post_results.append((sent, time.monotonic(), status, accepted))

    def reader(number):
        source = f"127.79.0.{number + 1}"
        while time.monotonic() < deadline:
            try:
                status, _ = request(
                    "127.0.0.1",
                    port,
                    "GET",
                    read_paths[len(read_results) % len(read_paths)],
                    source=source,
                    headers={"Host": f"127.0.0.1:{port}", "Accept-Encoding": "gzip"},
                )
            except OSError:
                status = 0
            read_results.append((time.monotonic(), status))

    threads = [threading.Thread(target=poster) for _ in range(CLIENTS)]
    threads += [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
    for thread in threads:
        thread.start()
    fault_ended = None
    if type(fault) is not Fault:  # a scenario with a fault
        time.sleep(max(0.0, started + FAULT_AT - time.monotonic()))
        say(f"  {fault.name}: begins")
        fault.begin()
        time.sleep(FAULT_FOR)
        fault.end()
        fault_ended = time.monotonic()
        say(f"  {fault.name}: ends")
    for thread in threads:
        thread.join()

    outcome.posts = len(post_results)
    outcome.accepted = sum(1 for *_, accepted in post_results if accepted)
    outcome.post_5xx = sum(1 for _, _, status, _ in post_results if status >= 500 or status == 0)
    for _, _, status, accepted in post_results:
        if not accepted:
            outcome.post_other[str(status)] = outcome.post_other.get(str(status), 0) + 1
    outcome.reads = len(read_results)
    outcome.read_5xx = sum(1 for _, status in read_results if status >= 500)
    outcome.read_failures = sum(1 for _, status in read_results if status == 0)
    if fault_ended is not None:
        after = [
            done for sent, done, _, accepted in post_results if accepted and done >= fault_ended
        ]
        failed_during = any(
            not accepted for sent, _, _, accepted in post_results if sent < fault_ended
        )
        if after:
            outcome.recovered_s = max(0.0, min(after) - fault_ended) if failed_during else 0.0
    outcome.stored = site_command(env, "count", "--marker", marker)["stored"]
    return outcome


def table(database: str, outcomes: list[Outcome]) -> str:
    lines = [
        f"make soak on {database}: {CLIENTS} commenters and {READERS} readers through Varnish"
        f" for each scenario; faults from {FAULT_AT} s for {FAULT_FOR} s",
        "",
        f"{'scenario':<28}{'posts':>7}{'accepted':>10}{'stored':>8}{'post 5xx':>10}"
        f"{'reads':>8}{'read 5xx':>10}{'recovered':>11}  lost",
    ]
    notes = [""]
    for o in outcomes:
        recovered = "-" if o.recovered_s is None else f"{o.recovered_s:.1f} s"
        if o.purge_to_visible_max_s is not None:
            notes.append(
                f"After '{o.scenario}': a comment approved and an edit were visible through"
                f" Varnish within {o.purge_to_visible_max_s:.2f} s (the slowest of 3 tries each)."
            )
        lost = max(0, o.accepted - o.stored)
        lines.append(
            f"{o.scenario:<28}{o.posts:>7,}{o.accepted:>10,}{o.stored:>8,}{o.post_5xx:>10,}"
            f"{o.reads:>8,}{o.read_5xx + o.read_failures:>10,}{recovered:>11}  {lost}"
        )
    return "\n".join([*lines, *notes])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.soak", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        default=os.environ.get("SOAK_DATABASE") or "sqlite",
    )
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS") or 30))
    parser.add_argument("--port", type=int, default=int(os.environ.get("SOAK_PORT") or 8200))
    parser.add_argument(
        "--output", type=Path, help="the JSON file (default .bench/soak-<database>.json)"
    )
    parser.add_argument("--only", help="scenarios to run, by number from 0 (e.g. 0,2)")
    parser.add_argument("--keep", action="store_true", help="keep the directory and its logs")
    arguments = parser.parse_args(argv)
    if not find_varnishd():
        print(
            "make soak needs Varnish (apt-get install -y varnish varnish-modules).", file=sys.stderr
        )
        return 1
    have_servers = list(Path("/usr/lib/postgresql").glob("*/bin/initdb")) and shutil.which(
        "redis-server"
    )
    if arguments.database == "postgres" and not have_servers:
        print(
            "make soak on PostgreSQL starts a cluster and a Redis of its own, and needs their"
            " servers: apt-get install -y postgresql redis-server",
            file=sys.stderr,
        )
        return 1
    port = arguments.port
    directory = Path(tempfile.mkdtemp(prefix="newsportal-soak-"))
    directory.chmod(0o755)
    postgres = redis = None
    servers = None
    outcomes = []
    try:
        if arguments.database == "postgres":
            postgres = Postgres(directory, port + 10)
            redis = Redis(directory, port + 11)
            say(
                f"Starting PostgreSQL ({postgres.bin}) on {postgres.port} and Redis on {redis.port}"
            )
            postgres.initialise()
            redis.start()
            database_url = postgres.url
            os.environ["REDIS_URL"] = redis.url
        else:
            os.environ.pop("REDIS_URL", None)
            database_url = f"sqlite:///{directory / 'db.sqlite3'}"
        env = site_environment(directory, port, database_url)
        second_app = port + 2
        if postgres:
            env["DJANGO_BACKENDS"] = f"127.0.0.1:{port + 1},127.0.0.1:{second_app}"
        servers = Servers(directory, env)
        say(f"Preparing the site ({arguments.database}) in {directory}")
        setup_env = prepare_site(env)
        site = site_command(
            setup_env, "setup", "--articles", "500", "--comments", "2000", "--pending", "3",
            "--host", f"127.0.0.1:{port}", "--whitenoise-root", str(directory / "whitenoise"),
        )  # fmt: skip
        other = None
        if postgres:
            other = servers.start_app("gunicorn-second", second_app, WORKERS, "127.0.0.1")
        say(f"Starting the stack on {port} (Varnish) and {port + 1} (gunicorn)")
        servers.start_stack(port, WORKERS)
        stack_pid = next(process.pid for name, process, _ in servers.started if name == "stack")
        master = gunicorn_master(stack_pid)
        reads = [site["seed"], "/"]
        faults = [Fault(), WorkersKilled(master)]
        if postgres:
            faults += [DatabaseDown(postgres), RedisDown(redis), ServerKilled(other)]
        else:
            database = directory / "db.sqlite3"
            faults += [DatabaseLocked(database), DatabaseUnreadable(database, master)]
        chosen = {int(n) for n in arguments.only.split(",")} if arguments.only else None
        for block, fault in enumerate(faults):
            if chosen is not None and block not in chosen:
                continue
            say(f"Scenario: {fault.name}")
            outcome = crowd(port, site["article_id"], reads, block, fault, arguments.seconds, env)
            if arguments.keep:  # what Varnish logged of the failed answers, for the post-mortem
                with (directory / f"varnish-5xx-{block}.log").open("w") as log:
                    subprocess.run(
                        ["varnishlog", "-d", "-n", str(directory / "state" / "varnish"),
                         "-q", "RespStatus >= 500 or BerespStatus >= 500"],
                        stdout=log, stderr=subprocess.STDOUT, timeout=60, check=False,
                    )  # fmt: skip
            say(f"  {outcome}")
            outcomes.append(outcome)
        if postgres and (chosen is None or 4 in chosen):
            # With one of the two servers gone: a comment approved and the article edited by
            # the one left (a process with its settings), then read through Varnish.
            purges = site_command(
                env, "purge", "--cache-url", f"http://127.0.0.1:{port}", "--tries", "3"
            )
            say(f"Purge to visible with one server left: {purges}")
            outcomes[-1].purge_to_visible_max_s = max(
                purges[kind]["max_s"] for kind in ("comment approved", "article edited")
            )
    finally:
        if servers:
            servers.stop()
        if redis:
            redis.stop()
        if postgres:
            postgres.stop()
    print(table(arguments.database, outcomes))
    output = arguments.output or BASE_DIR / ".bench" / f"soak-{arguments.database}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {
                "database": arguments.database,
                "outcomes": [o.__dict__ for o in outcomes],
                "load_average": os.getloadavg(),
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nFigures written to {output}")
    if not arguments.keep:
        shutil.rmtree(directory, ignore_errors=True)
    else:
        print(f"Logs kept in {directory}")
    return 0 if all(o.accepted <= o.stored for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
