"""The load: wrk for reads, and a Python client for comment posts from many loopback addresses
(wrk cannot choose its source address, and each post needs a token fetched from that address).
"""

import http.client
import json
import re
import statistics
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode, urlsplit

from tests.benchmarks.bench_app_servers import process_tree_cpu

# The original measurement: two threads, sixteen connections.
WRK_THREADS = 2
CONNECTIONS = 16


def wrk(url: str, *, duration: int, gzip: bool, headers: dict | None = None) -> dict:
    """One `wrk -t2 -c16` run: requests/s, p50 and p99 in ms, non-2xx/3xx answers and socket
    errors."""
    command = [
        *("wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency"),
        # A slow answer is counted, not dropped while the server still works on it.
        *("--timeout", "10s"),
    ]
    for name, value in {**({"Accept-Encoding": "gzip"} if gzip else {}), **(headers or {})}.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=duration + 30
    ).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> dict:
    """wrk's report (with --latency) as figures; latencies in milliseconds."""

    def milliseconds(label):
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50_ms": milliseconds("50%"),
        "p99_ms": milliseconds("99%"),
        "non_2xx": int(bad[1]) if bad else 0,
        # Read errors are counted by wrk for servers that close each connection after their
        # answer (gunicorn's sync workers): not failures, so only the others count.
        "socket_errors": sum(int(n) for n in socket_errors.group(1, 3, 4)) if socket_errors else 0,
    }


def fetch(port: int, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        # Host: 127.0.0.1:port, as wrk sends it (the caches key pages by host).
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.body = response.read()
        return response
    finally:
        connection.close()


@dataclass
class Figure:
    name: str
    url: str
    gzip: bool
    ceiling: str
    ceiling_url: str
    target: str | None = None
    # The processes that answer each (their CPU time per request is far less disturbed by other
    # work on the machine than requests/s are).
    server_pid: int | None = None
    ceiling_pid: int | None = None
    # The cached figures are the noisiest ratios (both sides take thousands of requests a
    # second, and any other work on the machine shows): they get more pairs.
    extra_rounds: int = 0


def measure(
    figures: list[Figure], *, rounds: int, seconds: int, ceiling_seconds: int, progress
) -> dict[str, dict]:
    """Each figure `rounds` times, every run between two runs of its ceiling (ceiling, figure,
    ceiling, figure, ... ceiling): medians, and the median of the ratios of each figure run to
    the mean of the ceiling runs on either side of it (what the machine gave at that moment)."""
    results = {}
    for figure in figures:
        figure_runs, ceiling_runs = [], []

        def run(url, duration, into, pid, gzip=figure.gzip, ceiling_url=figure.ceiling_url):
            # The previous run's last requests may still be being answered by a slow server;
            # a run starts when they are done.
            settle(ceiling_url)
            before = process_tree_cpu(pid) if pid else 0.0
            result = wrk(url, duration=duration, gzip=gzip)
            if pid and result["requests"]:
                used = process_tree_cpu(pid) - before
                result["cpu_ms_per_request"] = 1000 * used / result["requests"]
            into.append(result)

        run(figure.ceiling_url, ceiling_seconds, ceiling_runs, figure.ceiling_pid)
        for _ in range(rounds + figure.extra_rounds):
            run(figure.url, seconds, figure_runs, figure.server_pid)
            run(figure.ceiling_url, ceiling_seconds, ceiling_runs, figure.ceiling_pid)
        progress(f"  {figure.name}: {len(figure_runs)} runs")

        def median(field, measured):
            values = [run[field] for run in measured if field in run]
            return statistics.median(values) if values else None

        rps, ceiling_rps = median("rps", figure_runs), median("rps", ceiling_runs)
        bracketing = [
            (before["rps"] + after["rps"]) / 2
            for before, after in zip(ceiling_runs, ceiling_runs[1:], strict=False)
        ]
        results[figure.name] = {
            **asdict(figure),
            "rps": rps,
            "p50_ms": median("p50_ms", figure_runs),
            "p99_ms": median("p99_ms", figure_runs),
            "ceiling_rps": ceiling_rps,
            "ceiling_p50_ms": median("p50_ms", ceiling_runs),
            "ratio": statistics.median(
                run["rps"] / ceiling if ceiling else 0.0
                for run, ceiling in zip(figure_runs, bracketing, strict=True)
            ),
            "ratio_of_medians": rps / ceiling_rps if ceiling_rps else None,
            "cpu_ms_per_request": (cpu := median("cpu_ms_per_request", figure_runs)),
            "ceiling_cpu_ms_per_request": (
                ceiling_cpu := median("cpu_ms_per_request", ceiling_runs)
            ),
            # The server's own work against the ceiling's, per request: 1 is as cheap.
            "cpu_ratio": ceiling_cpu / cpu if cpu and ceiling_cpu else None,
            "non_2xx": sum(run["non_2xx"] for run in figure_runs + ceiling_runs),
            "socket_errors": sum(run["socket_errors"] for run in figure_runs + ceiling_runs),
            "runs": figure_runs,
            "ceiling_runs": ceiling_runs,
        }
    return results


def settle(url: str) -> None:
    """Until the server at `url` answers one request (its queue is empty)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("GET", parts.path)
        connection.getresponse().read()
    finally:
        connection.close()


def sequential_p50(port: int, pages: dict[str, str], requests: int, cookie: str) -> dict:
    """One client, one request at a time, on the server without page cache: the p50 the scale
    target speaks of (render time plus loopback HTTP). The pages take turns, so that a slow
    second on a shared machine (autovacuum after the loads, another tenant) falls on all of
    them alike rather than on whichever page was being measured."""
    headers = {
        name: {"Cookie": f"sessionid={cookie}"} if path.startswith("/admin/") else {}
        for name, path in pages.items()
    }
    for name, path in pages.items():
        response = fetch(port, path, headers[name])
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
    timings = {name: [] for name in pages}
    for _ in range(requests):
        for name, path in pages.items():
            started = time.perf_counter()
            fetch(port, path, headers[name])
            timings[name].append((time.perf_counter() - started) * 1000)
    return {
        name: {
            "url": path,
            "p50_ms": statistics.median(timings[name]),
            "max_ms": max(timings[name]),
            "requests": requests,
        }
        for name, path in pages.items()
    }


def loopback_addresses(count: int) -> list[str]:
    """`count` source addresses in 127.77.0.0/16: each a reader of its own to the site (its rate
    limit and its form tokens), all of them this machine."""
    return [f"127.77.{number // 250}.{number % 250 + 1}" for number in range(count)]


@dataclass
class PostRun:
    posts: int = 0
    seconds: float = 0.0
    accepted: int = 0
    statuses: dict = field(default_factory=dict)
    latencies_ms: list = field(default_factory=list)
    refusals: dict = field(default_factory=dict)

    def figures(self) -> dict:
        ordered = sorted(self.latencies_ms) or [0.0]
        return {
            "posts": self.posts,
            "seconds": round(self.seconds, 3),
            "rps": self.posts / self.seconds if self.seconds else 0.0,
            "accepted": self.accepted,
            "statuses": {str(status): n for status, n in sorted(self.statuses.items())},
            "server_errors": sum(n for status, n in self.statuses.items() if status >= 500),
            "p50_ms": statistics.median(ordered),
            "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
            "refusals": self.refusals,
        }


class Poster:
    """Readers at many loopback addresses, each fetching form tokens from /comments/token/ and
    then posting comments with them, as the article page's script does."""

    def __init__(self, host: str, port: int, path: str, *, marker: str):
        self.host, self.port, self.path, self.marker = host, port, path, marker
        self.origin = f"http://{host}:{port}"

    def _connection(self, address: str) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(
            self.host, self.port, timeout=30, source_address=(address, 0)
        )

    def fetch_tokens(self, addresses: list[str], per_address: int) -> tuple[dict, float]:
        """Tokens for each address, and the requests/s they were fetched at."""

        def fetch(address):
            connection = self._connection(address)
            try:
                tokens = []
                for _ in range(per_address):
                    connection.request("GET", "/comments/token/", headers=self._headers())
                    response = connection.getresponse()
                    body = response.read()
                    if response.status != 200:
                        raise RuntimeError(f"/comments/token/ answered {response.status}")
                    tokens.append(json.loads(body)["issued"])
                return address, tokens
            finally:
                connection.close()

        started = time.perf_counter()
        with ThreadPoolExecutor(CONNECTIONS) as pool:
            tokens = dict(pool.map(fetch, addresses))
        seconds = time.perf_counter() - started
        return tokens, len(addresses) * per_address / seconds

    def _headers(self) -> dict:
        return {"Host": f"{self.host}:{self.port}", "Accept": "application/json"}

    def post_all(self, tokens: dict[str, list[str]], *, seconds: float) -> PostRun:
        """Each token used once, CONNECTIONS readers at a time, each reader's posts in turn,
        until every token is used or `seconds` have passed (what is left is not sent)."""
        run = PostRun()
        path = self.path
        deadline = time.perf_counter() + seconds

        def post(item):
            address, address_tokens = item
            results = []
            connection = self._connection(address)
            try:
                for number, token in enumerate(address_tokens):
                    if time.perf_counter() > deadline:
                        break
                    body = urlencode(
                        {
                            "name": f"Bench reader {address}",
                            "email": f"{address.replace('.', '-')}-{number}@bench.invalid",
                            "comment": f"Bench comment {self.marker} from {address}, #{number}:"
                            " the harbour works were long overdue.",
                            "parent": "",
                            "issued": token,
                            "homepage": "",
                        }
                    )
                    started = time.perf_counter()
                    connection.request(
                        "POST",
                        path,
                        body=body,
                        headers={
                            **self._headers(),
                            "Content-Type": "application/x-www-form-urlencoded",
                            "Origin": self.origin,
                            "X-Requested-With": "fetch",
                        },
                    )
                    response = connection.getresponse()
                    answer = response.read()
                    took = (time.perf_counter() - started) * 1000
                    if response.will_close:
                        connection.close()
                        connection = self._connection(address)
                    results.append((response.status, answer, took))
            finally:
                connection.close()
            return results

        started = time.perf_counter()
        with ThreadPoolExecutor(CONNECTIONS) as pool:
            answers = [answer for results in pool.map(post, tokens.items()) for answer in results]
        run.seconds = time.perf_counter() - started
        for status, answer, took in answers:
            run.posts += 1
            run.statuses[status] = run.statuses.get(status, 0) + 1
            run.latencies_ms.append(took)
            if status == 200 and json.loads(answer).get("ok"):
                run.accepted += 1
            elif status not in (204, 200):
                reason = _refusal(answer)
                run.refusals[reason] = run.refusals.get(reason, 0) + 1
        return run


def _refusal(answer: bytes) -> str:
    """What the form said, in a few words (the error summary of the returned form)."""
    try:
        html = json.loads(answer).get("html", "")
    except ValueError:
        return answer[:80].decode(errors="replace")
    found = re.search(r'role="alert"[^>]*>(.*?)</', html, re.S)
    text = re.sub(r"<[^>]+>|\s+", " ", found[1] if found else html[:200]).strip()
    return text[:100]
