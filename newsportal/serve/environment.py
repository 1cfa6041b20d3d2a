"""The settings `make serve` runs with: its options (flags, or environment variables) and the
environment it gives the site (production settings, a kept secret key, the proxy in front).

No Django imports: this runs before the settings can be loaded.
"""

import argparse
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# gunicorn sync workers for a 2-core machine: measured in issue #8 (README, "Production").
DEFAULT_WORKERS = 3
# What Varnish logs of an answer from its cache (newsportal/serve/stack.py, LEAN_LOG_MASK).
VARNISH_LOGS = ["lean", "full"]


@dataclass
class Options:
    port: int
    address: str
    app_port: int
    app_address: str
    workers: int
    state_dir: Path
    cache_size: str
    varnish_log: str
    only: str | None
    demo: bool


def varnish_size(value: str) -> str:
    """A memory size as varnishd reads one: a number above 0 and a unit (256M, 1.5G, 2GB)."""
    found = re.fullmatch(r"(\d+(?:\.\d+)?)[KMGT]B?", value, re.IGNORECASE)
    if found is None or not float(found.group(1)):
        raise argparse.ArgumentTypeError(f"{value!r}: a size such as 256M or 2G is needed")
    return value


def parse_options(argv: list[str] | None = None, environ=os.environ) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m newsportal.serve",
        description="Serve newsportal for production: gunicorn, the task worker, Varnish.",
    )

    def number(name: str, default: int | None, highest: int = 65535) -> int | None:
        """A whole number from 1 to `highest` from the environment variable `name`, or a clear
        refusal (a port, a number of workers)."""
        value = environ.get(name)
        if not value:
            return default
        if not value.strip().isdigit() or not 1 <= int(value) <= highest:
            parser.error(f"{name}={value!r}: a whole number from 1 to {highest} is needed")
        return int(value)

    def size(name: str, default: str) -> str:
        """VARNISH_CACHE_SIZE as varnishd reads a size, or a clear refusal naming it, before
        anything starts (varnishd's own would come after gunicorn's start)."""
        try:
            return varnish_size((environ.get(name) or default).strip())
        except argparse.ArgumentTypeError as refused:
            parser.error(f"{name}={refused}")

    def one_of(name: str, choices: list[str], default: str) -> str:
        value = environ.get(name) or default
        if value not in choices:
            parser.error(f"{name}={value!r}: choose {' or '.join(choices)}")
        return value

    parser.add_argument(
        "--port",
        type=int,
        default=number("PORT", 8000),
        help="where Varnish answers readers (PORT, default 8000)",
    )
    parser.add_argument(
        "--address",
        default=environ.get("SERVE_ADDRESS") or "127.0.0.1",
        help="the address Varnish listens on (SERVE_ADDRESS, default 127.0.0.1)",
    )
    parser.add_argument(
        "--app-port",
        type=int,
        default=number("APP_PORT", None),
        help="gunicorn's port (APP_PORT, default PORT + 1)",
    )
    parser.add_argument(
        "--app-address",
        default=environ.get("APP_ADDRESS") or "127.0.0.1",
        help="gunicorn's address (APP_ADDRESS, default 127.0.0.1: reachable only from here)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=number("WEB_CONCURRENCY", DEFAULT_WORKERS, highest=256),
        help=f"gunicorn worker processes (WEB_CONCURRENCY, default {DEFAULT_WORKERS})",
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=Path(environ.get("SERVE_STATE_DIR") or BASE_DIR / ".serve"),
        help="the generated secret key and Varnish's working files (default .serve/)",
    )
    parser.add_argument(
        "--cache-size",
        type=varnish_size,
        default=size("VARNISH_CACHE_SIZE", "256M"),
        help="Varnish's memory for pages (VARNISH_CACHE_SIZE, default 256M)",
    )
    parser.add_argument(
        "--varnish-log",
        choices=VARNISH_LOGS,
        default=one_of("VARNISH_LOG", VARNISH_LOGS, "lean"),
        help="what Varnish logs of each answer from its cache: its URL and status (lean, the"
        " default) or everything, headers and timings included (full) (VARNISH_LOG)",
    )
    parser.add_argument(
        "--only",
        choices=["app", "cache"],
        help="run only the application (gunicorn, task worker) or only the cache (Varnish)",
    )
    parser.add_argument(
        "--no-demo", action="store_true", help="do not load the demo content into an empty database"
    )
    arguments = parser.parse_args(argv)
    return Options(
        port=arguments.port,
        address=arguments.address,
        app_port=arguments.app_port or arguments.port + 1,
        app_address=arguments.app_address,
        workers=arguments.workers,
        state_dir=arguments.state_dir.resolve(),
        cache_size=arguments.cache_size,
        varnish_log=arguments.varnish_log,
        only=arguments.only,
        demo=not arguments.no_demo,
    )


def url_host(address: str) -> str:
    """An address as it is written in a URL ([::1] for IPv6); a wildcard means this machine."""
    if address in ("", "0.0.0.0", "*"):  # noqa: S104  (naming the wildcard, not binding to it)
        return "127.0.0.1"
    if address == "::":
        return "[::1]"
    return f"[{address}]" if ":" in address else address


def listen_on(address: str, port: int) -> str:
    """`address:port` for gunicorn's --bind and varnishd's -a ([::]:8000 for IPv6)."""
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def secret_key(path: Path) -> tuple[str, bool]:
    """The key kept in `path`, made (50+ random characters, readable by us only) if missing.
    Returns it and whether it was made now."""
    if path.exists():
        return path.read_text().strip(), False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write(key + "\n")
    return key, True


def production_environment(environ, options: Options) -> tuple[dict[str, str], list[str]]:
    """The environment the site runs in under `make serve`, and notes on what was chosen.

    What the stack itself fixes (no debugging, one proxy in front) is set; what an operator may
    choose (hosts, HTTPS redirect, where purges go) is only defaulted.
    """
    env = dict(environ)
    notes = []
    env["DJANGO_DEBUG"] = "False"

    def default(name, value):
        # Empty counts as unset, as in the settings (.env.example leaves some empty).
        if not env.get(name):
            env[name] = value

    default("DJANGO_SETTINGS_MODULE", "newsportal.settings")
    if not env.get("DJANGO_SECRET_KEY"):
        key_file = options.state_dir / "secret-key"
        env["DJANGO_SECRET_KEY"], made = secret_key(key_file)
        shown = (
            f"{key_file.relative_to(BASE_DIR)} (git-ignored)"
            if key_file.is_relative_to(BASE_DIR)
            else str(key_file)
        )
        notes.append(
            f"DJANGO_SECRET_KEY is not set: {'generated one into' if made else 'using the one in'}"
            f" {shown}. Set DJANGO_SECRET_KEY to use your own."
        )
    default("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
    # Plain HTTP on this machine; behind a TLS terminator set DJANGO_SECURE_SSL_REDIRECT=True
    # and DJANGO_BEHIND_TLS_PROXY=True.
    default("DJANGO_SECURE_SSL_REDIRECT", "False")
    cache_url = f"http://{url_host(options.address)}:{options.port}"
    default("DJANGO_SITE_URL", cache_url)
    if options.only != "app":
        default("DJANGO_FRONT_CACHE_URLS", cache_url + "/")
    elif not env.get("DJANGO_FRONT_CACHE_URLS"):
        notes.append(
            "DJANGO_FRONT_CACHE_URLS is not set: changes purge no cache (set it to every"
            " cache node, comma-separated)."
        )
    # Varnish appends the reader's address to X-Forwarded-For: the comment rate limit and the
    # login lockout must read it there. A larger count set by the operator (a load balancer in
    # front of Varnish) is kept.
    try:
        proxies = int(env.get("COMMENTS_TRUSTED_PROXIES") or 0)
    except ValueError:
        proxies = 0
    env["COMMENTS_TRUSTED_PROXIES"] = str(max(proxies, 1))
    return env, notes
