"""`make serve`: newsportal's production stack, started and supervised by one process.

In order: the site is prepared (migrations, cache table, static files, demo content in an empty
database: prepare.py), then gunicorn serves it on loopback, the task worker runs beside it, and
Varnish answers on PORT in front of it. Ctrl-C or SIGTERM stops all three, Varnish first; if any
of them exits on its own, the others are stopped too. Every setting is an environment variable
(or a flag): see `python -m newsportal.serve --help` and the README's "Production" section.

With --only app or --only cache, one machine runs one part (README, "Scaling out").
"""

import ctypes
import http.client
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import environ

from newsportal.serve import vcl
from newsportal.serve.environment import (
    BASE_DIR,
    Options,
    listen_on,
    parse_options,
    production_environment,
    url_host,
)

SERVE_DIR = Path(__file__).resolve().parent

STOP_TIMEOUT = 15
# The task worker is started again this long after it exits (it does when the database goes
# away); the site goes on serving meanwhile. Varnish or gunicorn exiting stops everything.
RESTART_DELAY = 5
START_TIMEOUT = 60
VARNISH_PACKAGES = "varnish varnish-modules"
# What Varnish does not log of an answer from its cache unless VARNISH_LOG=full: its headers,
# timings and VCL steps. Writing them to the shared-memory log was a quarter of Varnish's CPU
# per cached answer (#8: 54 -> 40 us a request, through Varnish 0.78 -> 0.95 of nginx). The
# method, URL and status, the link to the fetch, and every record of fetches from the
# application (misses, errors) are still logged for varnishlog.
LEAN_LOG_MASK = (
    "-ReqHeader,-RespHeader,-ReqUnset,-RespUnset,-ReqProtocol,-RespProtocol,-RespReason,"
    "-VCL_call,-VCL_return,-Timestamp,-ReqAcct,-ReqStart,-Hit,-VCL_use"
)


def find_varnishd() -> str | None:
    # Debian puts it in /usr/sbin, which is not on an ordinary user's PATH.
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    return shutil.which("varnishd", path=path)


def _die_with_parent() -> None:
    """In a child, before exec: be sent SIGTERM if the stack's process dies, even by SIGKILL."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


class Stack:
    def __init__(self, options: Options, env: dict[str, str]):
        self.options = options
        self.env = env
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.backends: list[vcl.Backend] = []
        self.stopping = False
        self.restarted: dict[str, list[str]] = {}  # name: command, of those started again
        self.restart_at: dict[str, float] = {}

    def spawn(self, name: str, command: list[str], *, restart: bool = False) -> subprocess.Popen:
        if restart:
            self.restarted[name] = command
        # A session of its own: Ctrl-C reaches only this process, which stops them in order.
        process = subprocess.Popen(  # noqa: S603  (our own fixed commands)
            command,
            cwd=BASE_DIR,
            env=self.env,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # safe: this process runs no threads
        )
        self.processes = [*(entry for entry in self.processes if entry[0] != name), (name, process)]
        return process

    def prepare(self) -> None:
        command = [sys.executable, "-m", "newsportal.serve.prepare"]
        if not self.options.demo:
            command.append("--no-demo")
        subprocess.run(command, cwd=BASE_DIR, env=self.env, check=True)  # noqa: S603

    def start_application(self) -> None:
        options = self.options
        app = self.spawn(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                str(SERVE_DIR / "gunicorn.conf.py"),
                "--bind",
                listen_on(options.app_address, options.app_port),
                "--workers",
                str(options.workers),
                "newsportal.wsgi:application",
            ],
        )
        self.spawn(
            "task worker",
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--verbosity", "0"],
            restart=True,
        )
        wait_until_answering(
            "gunicorn", app, url_host(options.app_address), options.app_port, self.probe_host
        )

    @property
    def probe_host(self) -> str:
        return vcl.probe_host(self.env.get("DJANGO_ALLOWED_HOSTS", "").split(","))

    def start_cache(self, varnishd: str) -> None:
        options = self.options
        local = vcl.Backend(url_host(options.app_address).strip("[]"), options.app_port)
        backends = (
            vcl.parse_backends(self.env["DJANGO_BACKENDS"])
            if self.env.get("DJANGO_BACKENDS")
            else [local]
        )
        configuration = vcl.CacheConfiguration(
            backends=backends,
            purgers=vcl.parse_purgers(
                self.env.get("DJANGO_FRONT_CACHE_PURGE_FROM") or "127.0.0.1,::1"
            ),
            probe_host=self.probe_host,
            cdn_key_header=vcl.parse_cdn_key_header(self.env.get("DJANGO_CDN_KEY_HEADER", "")),
        )
        options.state_dir.mkdir(parents=True, exist_ok=True)
        site_vcl = options.state_dir / "newsportal.vcl"
        site_vcl.write_text(vcl.site_vcl(configuration))
        self.backends = backends
        pid_file = options.state_dir / "varnishd.pid"
        stop_leftover(pid_file, "varnishd")
        cache = self.spawn(
            "varnishd",
            [
                varnishd,
                "-F",
                "-P",
                str(pid_file),
                "-n",
                str(options.state_dir / "varnish"),
                *self.jail(),
                "-a",
                listen_on(options.address, options.port),
                "-f",
                str(site_vcl),
                "-s",
                f"malloc,{options.cache_size}",
                *(("-p", f"vsl_mask={LEAN_LOG_MASK}") if options.varnish_log == "lean" else ()),
            ],
        )
        wait_until_answering(
            "varnishd", cache, url_host(options.address), options.port, self.probe_host
        )

    def jail(self) -> list[str]:
        """Started as root, Varnish runs its cache as the unprivileged `vcache` user, which must
        reach its working directory; where it cannot (a checkout under /root), it runs
        unjailed, and says so."""
        if os.geteuid() != 0 or reachable_by_everyone(self.options.state_dir):
            return []
        print(
            f"Varnish runs as root without its jail: its unprivileged user cannot reach"
            f" {self.options.state_dir}. Set SERVE_STATE_DIR to a directory it can reach"
            f" (every parent searchable by others) to keep the jail.",
            flush=True,
        )
        return ["-j", "none"]

    def supervise(self) -> int:
        """Wait for Ctrl-C/SIGTERM or for a process to exit; stop everything; the exit status."""
        for signal_number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signal_number, self._request_stop)
        while not self.stopping:
            for name, process in self.processes:
                if process.poll() is None:
                    continue
                if name not in self.restarted:
                    print(f"{name} exited ({process.returncode}): stopping the rest.", flush=True)
                    self.stop()
                    return 1
                self._restart_when_due(name, process)
            time.sleep(0.2)
        self.stop()
        return 0

    def _restart_when_due(self, name: str, process: subprocess.Popen) -> None:
        if name not in self.restart_at:
            print(
                f"{name} exited ({process.returncode}): starting it again in {RESTART_DELAY} s.",
                flush=True,
            )
            self.restart_at[name] = time.monotonic() + RESTART_DELAY
        elif time.monotonic() >= self.restart_at[name]:
            del self.restart_at[name]
            self.spawn(name, self.restarted[name], restart=True)

    def _request_stop(self, signal_number, frame) -> None:
        self.stopping = True

    def stop(self) -> None:
        """Stop every process started, the last started (Varnish) first; SIGKILL stragglers."""
        for _, process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for name, process in reversed(self.processes):
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop in {STOP_TIMEOUT} s: killed.", flush=True)
                process.kill()
                process.wait()


def stop_leftover(pid_file: Path, name: str) -> None:
    """Stop the `name` an earlier run started from this state directory and left running.

    The stack's processes die with it, even if it is killed outright, except Varnish: it
    changes user, and Linux then forgets whom it should die with. Its pid file remains.
    """
    try:
        pid = int(pid_file.read_text())
        if Path(f"/proc/{pid}/comm").read_text().strip() != name:
            return
        os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError):
        return
    print(f"Stopped the {name} (process {pid}) that an earlier run left running.", flush=True)
    deadline = time.monotonic() + STOP_TIMEOUT
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)


def reachable_by_everyone(directory: Path) -> bool:
    return all(os.stat(path).st_mode & 0o001 for path in [directory, *directory.parents])


class StartFailed(Exception):
    pass


def wait_until_answering(name, process, host, port, host_header) -> None:
    """Until `process` answers HTTP on host:port (any status); StartFailed if it exits first."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartFailed(f"{name} exited ({process.returncode}) while starting")
        connection = http.client.HTTPConnection(host.strip("[]"), port, timeout=5)
        try:
            connection.request("GET", vcl.PROBE_PATH, headers={"Host": host_header})
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise StartFailed(f"{name} did not answer on {host}:{port} within {START_TIMEOUT} s")


def _interrupt(signal_number, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    # The settings read .env too; read it here first so the stack decides with the same values.
    if (BASE_DIR / ".env").exists():
        environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
    options = parse_options(argv)
    varnishd = None
    if options.only != "app":
        varnishd = find_varnishd()
        if varnishd is None:
            print(
                f"make serve needs Varnish with its modules, and varnishd was not found.\n"
                f"Install them as root: apt-get install -y {VARNISH_PACKAGES}"
                f" (make serve does it when run as root).",
                file=sys.stderr,
            )
            return 1
    env, notes = production_environment(os.environ, options)
    for note in notes:
        print(note, flush=True)
    stack = Stack(options, env)
    # While starting, SIGTERM stops what has started, as Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if options.only != "cache":
            stack.prepare()
            stack.start_application()
        if varnishd:
            stack.start_cache(varnishd)
    except (StartFailed, ValueError, subprocess.CalledProcessError, KeyboardInterrupt) as error:
        print(f"make serve could not start: {error or 'interrupted'}", file=sys.stderr)
        stack.stop()
        return 1
    print(summary(stack), flush=True)
    return stack.supervise()


def summary(stack: Stack) -> str:
    options = stack.options
    lines = []
    if options.only != "app":
        lines.append(
            f"newsportal is serving http://{url_host(options.address)}:{options.port}/"
            f" (Varnish, {options.cache_size} of cache; purges accepted from"
            f" {stack.env.get('DJANGO_FRONT_CACHE_PURGE_FROM') or '127.0.0.1,::1'})"
        )
        lines.append("  application servers: " + ", ".join(str(b) for b in stack.backends))
    if options.only != "cache":
        lines.append(
            f"  gunicorn: {options.workers} workers on"
            f" {url_host(options.app_address)}:{options.app_port}; the task worker is running"
        )
    lines.append("Ctrl-C stops everything.")
    return "\n".join(lines)
