"""The servers the bench starts, all on loopback, all stopped by it: the `make serve` stack
(Varnish on PORT, gunicorn on PORT+1, the task worker), a second gunicorn without the page
cache (PORT+2) and nginx serving the seed page's bytes as a static file (PORT+3)."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from newsportal.serve.environment import BASE_DIR
from newsportal.serve.stack import SERVE_DIR, wait_until_answering

START_TIMEOUT = 300
NGINX_PACKAGE = "nginx"


def find_nginx() -> str | None:
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    return shutil.which("nginx", path=path)


class Servers:
    """Every process the bench started, stopped in reverse order by `stop()`."""

    def __init__(self, directory: Path, env: dict[str, str]):
        self.directory = directory
        self.env = env
        self.started: list[tuple[str, subprocess.Popen, int]] = []

    def _spawn(self, name, command, *, env=None, stop_signal=signal.SIGTERM) -> subprocess.Popen:
        log = (self.directory / f"{name}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603  (our own fixed commands)
            command,
            cwd=BASE_DIR,
            env=env or self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.started.append((name, process, stop_signal))
        return process

    def log(self, name: str) -> str:
        return (self.directory / f"{name}.log").read_text(errors="replace")

    def start_stack(self, port: int, workers: int) -> None:
        """`python -m newsportal.serve`, as `make serve` runs it; returns once it serves."""
        process = self._spawn(
            "stack",
            [
                *(sys.executable, "-m", "newsportal.serve", f"--port={port}"),
                *(f"--app-port={port + 1}", f"--workers={workers}", "--no-demo"),
                f"--state-dir={self.directory / 'state'}",
            ],
            # Ctrl-C, as a terminal would send it: the stack stops Varnish first, then the rest.
            stop_signal=signal.SIGINT,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while "Ctrl-C stops everything" not in self.log("stack"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the stack did not start:\n{self.log('stack')[-3000:]}")
            time.sleep(0.2)

    def start_app(
        self, name: str, port: int, workers: int, probe_host: str, **env: str
    ) -> subprocess.Popen:
        """A gunicorn like the stack's, on `port`, with `env` added to the site's."""
        process = self._spawn(
            name,
            [
                *(sys.executable, "-m", "gunicorn"),
                *("--config", str(SERVE_DIR / "gunicorn.conf.py")),
                *("--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
                "newsportal.wsgi:application",
            ],
            env={**self.env, **env},
        )
        wait_until_answering(name, process, "127.0.0.1", port, probe_host)
        return process

    def start_uncached_app(self, port: int, workers: int, probe_host: str) -> None:
        """A second gunicorn like the stack's, with the page cache off: every request renders."""
        self.start_app("gunicorn-uncached", port, workers, probe_host, DJANGO_PAGE_CACHE="False")

    def start_nginx(self, nginx: str, port: int, root: Path) -> None:
        """Debian's nginx with a configuration of its own in a temporary directory: the files in
        `root` (and their .gz, for readers that accept gzip), nothing logged per request."""
        prefix = self.directory / "nginx"
        prefix.mkdir(exist_ok=True)
        configuration = prefix / "nginx.conf"
        configuration.write_text(
            NGINX_CONFIGURATION.format(prefix=prefix, port=port, root=root, pid=prefix / "pid")
        )
        process = self._spawn(
            "nginx",
            [nginx, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(configuration)],
            stop_signal=signal.SIGQUIT,
        )
        wait_until_answering("nginx", process, "127.0.0.1", port, "127.0.0.1")

    def pids(self) -> dict[str, int]:
        """The process answering for each server: Varnish's manager and gunicorn's master from
        the stack's children, the uncached gunicorn's master, nginx's master (each with its own
        children when its CPU time is counted)."""
        started = {name: process.pid for name, process, _ in self.started}
        pids = {"gunicorn-uncached": started["gunicorn-uncached"], "nginx": started["nginx"]}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if int(fields[1]) != started["stack"]:
                continue
            if command[0].endswith(b"varnishd"):
                pids["varnish"] = int(entry.name)
            elif b"gunicorn" in command:
                pids["gunicorn"] = int(entry.name)
        return pids

    def stop(self) -> None:
        for _, process, stop_signal in reversed(self.started):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, stop_signal)
        for name, process, _ in reversed(self.started):
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop: killed.", file=sys.stderr)
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.started.clear()


# As root, nginx's workers run as `nobody`: the bench makes `root` readable by everyone.
NGINX_CONFIGURATION = """\
daemon off;
worker_processes auto;
pid {pid};
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/client-body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    types {{ text/html html; }}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    # wrk keeps its connections: do not close them every 1,000 requests (Varnish does not).
    keepalive_requests 1000000;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        gzip_static on;
        # The Python comment client's own ceiling: the same posts, answered at once.
        location = /bench-post {{ return 204; }}
    }}
}}
"""
