"""The production stack (`python -m newsportal.serve`, as `make serve` runs it), started once for
the serve tests on free ports with a database and state of its own."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsportal.serve.environment import BASE_DIR
from newsportal.serve.stack import find_varnishd

START_TIMEOUT = 180


def varnishd_or_fail() -> str:
    """varnishd's path; its absence fails the run (`make test` installs it), never skips."""
    varnishd = find_varnishd()
    assert varnishd, "Varnish is not installed: run `make varnish` as root (make test does)."
    return varnishd


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def cache(self) -> str | None:
        return self.headers.get("X-Cache")

    @property
    def page(self) -> dict:
        """What the test page said about the request that rendered it."""
        return json.loads(self.body)


@dataclass
class RunningStack:
    process: subprocess.Popen
    port: int
    app_port: int
    state_dir: Path
    log: Path

    def request(
        self, method, path, headers=None, source="127.0.0.1", port=None, body=None
    ) -> Answer:
        """One request from `source` (any 127.x.y.z address is this machine)."""
        connection = http.client.HTTPConnection(
            "127.0.0.1", port or self.port, timeout=30, source_address=(source, 0)
        )
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(self, path, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def varnishadm(self, *command: str) -> str:
        return subprocess.run(
            ["varnishadm", "-n", str(self.state_dir / "varnish"), *command],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def descendants(self) -> set[int]:
        """Every process the stack has started, however deep (gunicorn's workers, Varnish's
        child)."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                children.setdefault(int(fields[1]), []).append(int(entry.name))
        found, pending = set(), [self.process.pid]
        while pending:
            for child in children.get(pending.pop(), []):
                found.add(child)
                pending.append(child)
        return found

    def gunicorn_workers(self) -> tuple[int, set[int]]:
        """gunicorn's master and its workers."""
        gunicorn = {pid for pid in self.descendants() if b"gunicorn" in _cmdline(pid)}
        master = next(pid for pid in gunicorn if _parent(pid) not in gunicorn)
        return master, gunicorn - {master}

    def restart_workers(self) -> None:
        """gunicorn's workers replaced by new ones (SIGHUP to its master), as a deploy does:
        the new ones have no database connection yet."""
        master, workers = self.gunicorn_workers()
        os.kill(master, signal.SIGHUP)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            _, now = self.gunicorn_workers()
            if len(now) == len(workers) and not now & workers:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn's workers were not replaced:\n{self.output()}")
            time.sleep(0.1)

    def interrupt(self) -> int:
        """Ctrl-C: SIGINT to the terminal's foreground process group. Its exit status."""
        os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout=60)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def stack_environment(directory: Path, settings_module: str) -> dict[str, str]:
    """The environment a stack runs in: this one without the test run's own settings, with a
    database of its own."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "REDIS_", "DATABASE_", "COMMENTS_", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
    )
    return env


@contextmanager
def running_stack(
    directory: Path, *, settings_module: str, demo: bool, other_backend: int | None = None, **env
):
    """`python -m newsportal.serve` on free ports, until the block ends (then Ctrl-C).
    `other_backend`: a second application server's port, behind the cache with the stack's."""
    varnishd_or_fail()
    port, app_port = free_port(), free_port()
    if other_backend:
        env["DJANGO_BACKENDS"] = f"127.0.0.1:{app_port},127.0.0.1:{other_backend}"
    log = directory / "stack.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "newsportal.serve",
                f"--port={port}",
                f"--app-port={app_port}",
                f"--state-dir={directory / 'state'}",
                "--workers=2",
                *([] if demo else ["--no-demo"]),
            ],
            cwd=BASE_DIR,
            env={**stack_environment(directory, settings_module), **env},
            stdout=output,
            stderr=subprocess.STDOUT,
            # A process group of its own, as a terminal gives `make serve`.
            start_new_session=True,
        )
    running = RunningStack(process, port, app_port, directory / "state", log)
    deadline = time.monotonic() + START_TIMEOUT
    while "Ctrl-C stops everything" not in running.output():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the stack did not start:\n{running.output()}")
        time.sleep(0.2)
    try:
        yield running
    finally:
        if process.poll() is None:
            running.interrupt()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    directory = tmp_path_factory.mktemp("serve")
    # As behind a CDN: the keys go out under its header name too.
    with running_stack(
        directory,
        settings_module="tests.serve.stack_settings",
        demo=False,
        DJANGO_CDN_KEY_HEADER="Surrogate-Key",
    ) as running:
        yield running
