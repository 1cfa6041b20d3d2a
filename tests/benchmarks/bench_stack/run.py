"""The production stack under load (issue #8), measured against ceilings in the same run.

    .venv/bin/python -m tests.benchmarks.bench_stack [--size small|full] [--port 8100]

Builds a site of the chosen size (SQLite in a temporary directory, or DATABASE_URL's database,
which must be the bench's own: its name contains "bench"; REDIS_URL for the cache), gives the
seed article 200 approved comments, and starts `python -m newsportal.serve` on PORT (Varnish)
and PORT+1 (gunicorn, page cache on), a second gunicorn with the page cache off on PORT+2, and
nginx on PORT+3. Then, with `wrk -t2 -c16`, each figure alternating with its ceiling in short
runs (ceiling, page, ceiling, page... ceiling; medians):

- the seed article through the front cache (Varnish), against nginx serving the same bytes as
  a static file (both gzipped, as a browser asks);
- the seed article from the application server's page cache (gunicorn directly), against the
  same bytes as a static file through whitenoise on that gunicorn;
- the seed article, the home page, a deep section page, a search and the RSS feed on a page-
  cache miss (the second gunicorn renders every request), against its whitenoise;

then one client at a time (p50 of sequential requests, the issue's scale target) on the pages
of the scale target and the moderation queue; comment posts from many loopback addresses, each
fetching its form tokens first, through Varnish, every accepted one counted in the database;
and purge-to-visible: a comment approved or an article edited in a process with the stack's
settings, then read through Varnish until it shows.

It prints one table and writes every figure to a JSON file (.bench/ by default).
"""

import argparse
import gzip
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from newsportal.serve.environment import BASE_DIR, parse_options, production_environment
from newsportal.serve.stack import VARNISH_PACKAGES, find_varnishd
from tests.benchmarks.bench_app_servers import process_tree_cpu

from .load import Figure, Poster, fetch, loopback_addresses, measure, sequential_p50
from .report import TARGETS, table
from .servers import NGINX_PACKAGE, Servers, find_nginx

POSTS_PER_ADDRESS = 5  # COMMENTS_RATE_LIMIT: each address posts as much as a reader may
MIN_FILL_SECONDS = 3  # COMMENTS_MIN_FILL_SECONDS: a token is good this long after it is issued
WORKERS = 3  # make serve's gunicorn workers (newsportal/serve/environment.py)


@dataclass(frozen=True)
class Size:
    articles: int
    comments: int
    seconds: int  # each wrk run of a figure
    ceiling_seconds: int  # each wrk run of a ceiling (thousands of requests a second)
    rounds: int  # ceiling/figure pairs per figure
    post_addresses: int
    post_seconds: int  # at most, for the posts (the tokens are fetched before)
    purge_tries: int
    sequential: int  # requests per page for the one-client p50


SIZES = {
    # About a minute of measuring: a quick look, figures within the noise of a busy machine.
    "small": Size(2_000, 20_000, seconds=2, ceiling_seconds=1, rounds=2, post_addresses=150,
                  post_seconds=8, purge_tries=5, sequential=15),
    # The scale: 100k articles, 1M comments.
    "full": Size(100_000, 1_000_000, seconds=4, ceiling_seconds=2, rounds=3, post_addresses=300,
                 post_seconds=20, purge_tries=8, sequential=30),
}  # fmt: skip


def missing_tools() -> list[str]:
    missing = []
    if not shutil.which("wrk"):
        missing.append("wrk")
    if not find_nginx():
        missing.append(NGINX_PACKAGE)
    if not find_varnishd():
        missing.append(VARNISH_PACKAGES)
    return missing


def bench_database(directory: Path) -> tuple[str, str]:
    """The database URL and a name for it: DATABASE_URL if it names the bench's own database,
    else a SQLite file in `directory`."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{directory / 'db.sqlite3'}", "sqlite"
    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(
            f"DATABASE_URL names the database {name!r}: the bench rewrites the seed article's"
            f" comments, so it needs a database of its own whose name contains 'bench'"
            f" (createdb newsportal_bench)."
        )
    if urlsplit(url).scheme.startswith("postgres"):
        create_postgres_database(url, name)
    return url, urlsplit(url).scheme


def create_postgres_database(url: str, name: str) -> None:
    """Create the bench's PostgreSQL database if the server does not have it yet."""
    import psycopg
    from psycopg import sql

    server = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    say(f"Created the database {name}")


def site_environment(directory: Path, port: int, database_url: str) -> dict[str, str]:
    """The environment the stack gives the site (newsportal/serve/environment.py), with the
    bench's database, settings and a throw-away secret key; mail goes nowhere."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "COMMENTS_", "PYTEST"))
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="tests.benchmarks.bench_stack.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        DJANGO_LOG_LEVEL="WARNING",
        BENCH_WHITENOISE_ROOT=str(directory / "whitenoise"),
    )
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    options = parse_options(["--port", str(port), "--state-dir", str(directory / "state")], env)
    env, _ = production_environment(env, options)
    return env


def site_command(
    env: dict[str, str], *arguments: str, module: str = "tests.benchmarks.bench_stack.site"
) -> dict:
    """Run `module` (tests/benchmarks/bench_stack/site.py unless said) in the site's
    environment; its JSON answer, the last line it prints."""
    output = subprocess.run(  # noqa: S603  (our own command)
        [sys.executable, "-m", module, *arguments],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def prepare_site(env: dict[str, str]) -> dict[str, str]:
    """Migrations, static files and the demo content, as `make serve` prepares them; the
    environment to make the rest of the content in: no front cache runs yet, so nothing is
    purged while it is made."""
    setup_env = {k: v for k, v in env.items() if k != "DJANGO_FRONT_CACHE_URLS"}
    subprocess.run(  # noqa: S603  (our own command)
        [sys.executable, "-m", "newsportal.serve.prepare"],
        cwd=BASE_DIR,
        env=setup_env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return setup_env


STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:4.0f} s] {message}", file=sys.stderr, flush=True)


def comment_posts(port: int, nginx_port: int, article_id: int, size: Size, env, app_pid) -> dict:
    """Comment posts through Varnish from `size.post_addresses` loopback addresses; the same
    client's ceiling (the same posts to nginx, answered at once) before and after; gunicorn's
    CPU time per post (the database's own, in its server, is not counted)."""
    marker = secrets.token_hex(4)
    addresses = loopback_addresses(size.post_addresses)
    poster = Poster("127.0.0.1", port, f"/comments/post/{article_id}/", marker=marker)
    client_ceiling = Poster("127.0.0.1", nginx_port, "/bench-post", marker=marker)
    fake_tokens = {address: ["-"] * POSTS_PER_ADDRESS for address in addresses}
    before = client_ceiling.post_all(fake_tokens, seconds=size.post_seconds).figures()
    tokens, token_rps = poster.fetch_tokens(addresses, POSTS_PER_ADDRESS)
    time.sleep(MIN_FILL_SECONDS + 0.1)
    cpu_before = process_tree_cpu(app_pid)
    run = poster.post_all(tokens, seconds=size.post_seconds).figures()
    cpu_ms = 1000 * (process_tree_cpu(app_pid) - cpu_before) / max(run["posts"], 1)
    after = client_ceiling.post_all(fake_tokens, seconds=size.post_seconds).figures()
    stored = site_command(env, "count", "--marker", marker)
    return {
        **run,
        "token_fetch_rps": token_rps,
        "gunicorn_cpu_ms_per_post": cpu_ms,
        "addresses": len(addresses),
        "tokens": len(addresses) * POSTS_PER_ADDRESS,
        "stored": stored["stored"],
        "stored_by_status": stored["by_status"],
        "client_ceiling_rps": statistics.median([before["rps"], after["rps"]]),
        "ratio": run["rps"] / statistics.median([before["rps"], after["rps"]]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.bench_stack", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--size", choices=SIZES, default=os.environ.get("BENCH_SIZE") or "full", help="BENCH_SIZE"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("BENCH_PORT") or 8100),
        help="Varnish's port; gunicorn, the uncached gunicorn and nginx take the next three",
    )
    parser.add_argument("--output", type=Path, help="the JSON file (default .bench/…)")
    arguments = parser.parse_args(argv)
    size = SIZES[arguments.size]
    if missing := missing_tools():
        print(
            f"make bench needs wrk, nginx and Varnish, and these are missing: "
            f"{', '.join(missing)}.\nInstall them as root: apt-get install -y {' '.join(missing)}"
            f" (make bench does it when run as root).",
            file=sys.stderr,
        )
        return 1
    port = arguments.port
    app_port, uncached_port, nginx_port = port + 1, port + 2, port + 3
    started = time.monotonic()
    directory = Path(tempfile.mkdtemp(prefix="newsportal-bench-"))
    # nginx's workers run as `nobody` when it is started as root: they must reach its files.
    directory.chmod(0o755)
    database_url, vendor = bench_database(directory)
    env = site_environment(directory, port, database_url)
    servers = Servers(directory, env)
    try:
        say(f"Preparing the site ({vendor}, {arguments.size} size) in {directory}")
        (directory / "whitenoise").mkdir()
        setup_env = prepare_site(env)
        site = site_command(
            setup_env,
            *("setup", "--articles", str(size.articles), "--comments", str(size.comments)),
            *("--pending", str(size.purge_tries), "--host", f"127.0.0.1:{port}"),
            *("--whitenoise-root", env["BENCH_WHITENOISE_ROOT"]),
        )
        say(
            f"  {site['articles']:,} articles, {site['comments']:,} comments; the seed article"
            f" has {site['seed_approved']} approved comments ({site['seed_bytes']:,} bytes)"
        )
        say(f"Starting the stack on {port} (Varnish), {app_port} (gunicorn), {uncached_port}"
            f" (gunicorn, page cache off), {nginx_port} (nginx)")  # fmt: skip
        servers.start_stack(port, WORKERS)
        servers.start_uncached_app(uncached_port, WORKERS, "127.0.0.1")
        seed = site["seed"]
        static_root = directory / "nginx-root"
        static_root.mkdir(mode=0o755)
        compressed, plain = page_bytes(port, seed)
        (static_root / "seed-article.html").write_bytes(plain)
        (static_root / "seed-article.html.gz").write_bytes(compressed)
        for path in static_root.iterdir():
            path.chmod(0o644)
        servers.start_nginx(find_nginx(), nginx_port, static_root)
        bytes_served = check_pages(port, app_port, uncached_port, nginx_port, site)

        figures = read_figures(site, port, servers.pids())
        say(f"Measuring: wrk -t2 -c16 -d{size.seconds}s, each figure between runs of its"
            f" ceiling (-d{size.ceiling_seconds}s), {size.rounds} runs")  # fmt: skip
        reads = measure(
            figures,
            rounds=size.rounds,
            seconds=size.seconds,
            ceiling_seconds=size.ceiling_seconds,
            progress=say,
        )
        say("One client at a time on the scale target's pages (page cache off)")
        scale = sequential_p50(
            uncached_port,
            {
                f"section page {site['deep_page']:,}": site["deep_section"],
                "search": site["search"],
                "RSS feed": site["feed"],
                "moderation queue (superuser)": site["moderation_queue"],
            },
            size.sequential,
            site["staff_session"],
        )
        say(f"Comment posts from {size.post_addresses} loopback addresses through Varnish")
        posts = comment_posts(
            port, nginx_port, site["article_id"], size, env, servers.pids()["gunicorn"]
        )
        say("Purge to visible: approving comments and editing the article through the ORM")
        purges = site_command(
            env,
            "purge",
            "--cache-url",
            f"http://127.0.0.1:{port}",
            "--tries",
            str(size.purge_tries),
        )
        # Whatever the servers logged as going wrong under the load (gunicorn logs warnings).
        logged_errors = [
            f"{name}: {line}"
            for name in ("stack", "gunicorn-uncached")
            for line in servers.log(name).splitlines()
            if "Error" in line or "Traceback" in line or "WORKER TIMEOUT" in line
        ]
    except BaseException:
        for name in ("stack", "gunicorn-uncached", "nginx"):
            if (directory / f"{name}.log").exists():
                say(f"--- {name}.log (end) ---\n{servers.log(name)[-2000:]}")
        raise
    finally:
        servers.stop()
    results = {
        "size": arguments.size,
        "database": vendor,
        "cache": "redis" if os.environ.get("REDIS_URL") else "database",
        "site": {k: v for k, v in site.items() if k != "staff_session"},
        "bytes": bytes_served,
        "wrk": f"-t2 -c16 -d{size.seconds}s (ceilings -d{size.ceiling_seconds}s)",
        "rounds": size.rounds,
        "reads": reads,
        "scale_sequential": scale,
        "comment_posts": posts,
        "purge_to_visible": purges,
        "logged_errors": logged_errors[:50],
        "logged_errors_count": len(logged_errors),
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "seconds": round(time.monotonic() - started),
        "targets": TARGETS,
    }
    output = arguments.output or BASE_DIR / ".bench" / f"bench-{arguments.size}-{vendor}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nFigures written to {output}")
    shutil.rmtree(directory, ignore_errors=True)
    return 0


def read_figures(site: dict, port: int, pids: dict[str, int]) -> list[Figure]:
    """What wrk measures, each with its ceiling: the ports are those `main` starts, the
    processes those that answer on them."""
    app_port, uncached_port, nginx_port = port + 1, port + 2, port + 3
    seed = site["seed"]
    uncached = pids["gunicorn-uncached"]
    base = "http://127.0.0.1"
    static_file = "/seed-article.html"
    return [
        Figure("seed article, front cache (Varnish)", f"{base}:{port}{seed}", True,
               "nginx static file", f"{base}:{nginx_port}{static_file}",
               "front cache / nginx", pids["varnish"], pids["nginx"], extra_rounds=2),
        Figure("seed article, page cache (gunicorn)", f"{base}:{app_port}{seed}", False,
               "whitenoise on gunicorn", f"{base}:{app_port}{static_file}",
               "page cache / whitenoise", pids["gunicorn"], pids["gunicorn"],
               extra_rounds=2),
        Figure("seed article, page-cache miss", f"{base}:{uncached_port}{seed}", False,
               "whitenoise on gunicorn", f"{base}:{uncached_port}{static_file}",
               "miss req/s", uncached, uncached),
        Figure("home, page-cache miss", f"{base}:{uncached_port}/", False,
               "whitenoise on gunicorn", f"{base}:{uncached_port}{static_file}", None,
               uncached, uncached),
        Figure(f"section page {site['deep_page']:,}, page-cache miss",
               f"{base}:{uncached_port}{site['deep_section']}", False,
               "whitenoise on gunicorn", f"{base}:{uncached_port}{static_file}", None,
               uncached, uncached),
        Figure("search, page-cache miss", f"{base}:{uncached_port}{site['search']}", False,
               "whitenoise on gunicorn", f"{base}:{uncached_port}{static_file}", None,
               uncached, uncached),
        Figure("RSS feed, page-cache miss", f"{base}:{uncached_port}{site['feed']}", False,
               "whitenoise on gunicorn", f"{base}:{uncached_port}{static_file}", None,
               uncached, uncached),
    ]  # fmt: skip


def page_bytes(port: int, path: str) -> tuple[bytes, bytes]:
    """The seed page as the front cache gives it to a browser (gzipped) and to a client that
    does not accept gzip; once fetched, it is in the cache."""
    fetch(port, path, {"Accept-Encoding": "gzip"})
    compressed = fetch(port, path, {"Accept-Encoding": "gzip"})
    if compressed.headers.get("Content-Encoding") != "gzip":
        raise RuntimeError("Varnish did not gzip the seed article")
    return compressed.body, gzip.decompress(compressed.body)


def check_pages(port, app_port, uncached_port, nginx_port, site) -> dict:
    """Every measured page answers 200 (and is warm); each cache answers from its store; the
    static copies are the size of the page. The sizes, for the JSON."""
    seed = site["seed"]
    for path in (seed, "/", site["deep_section"], site["search"], site["feed"]):
        for server in (app_port, uncached_port):
            for _ in range(2):
                response = fetch(server, path)
                if response.status != 200:
                    raise RuntimeError(f"{path} answered {response.status} on {server}")
    varnish = fetch(port, seed, {"Accept-Encoding": "gzip"})
    if varnish.headers.get("X-Cache") != "HIT":
        raise RuntimeError("the seed article is not a front-cache hit")
    page_cache = fetch(app_port, seed)
    if page_cache.headers.get("X-Page-Cache") != "hit":
        raise RuntimeError("the seed article is not a page-cache hit on gunicorn")
    miss = fetch(uncached_port, seed)
    whitenoise = fetch(app_port, "/seed-article.html")
    nginx = fetch(nginx_port, "/seed-article.html", {"Accept-Encoding": "gzip"})
    if whitenoise.status != 200 or nginx.status != 200:
        raise RuntimeError("a static copy of the seed article is not served")
    sizes = {
        "front cache (gzip)": len(varnish.body),
        "nginx (gzip)": len(nginx.body),
        "page cache": len(page_cache.body),
        "whitenoise": len(whitenoise.body),
        "miss": len(miss.body),
    }
    say("  bytes: " + ", ".join(f"{name} {n:,}" for name, n in sizes.items()))
    return sizes
