"""The stack benchmark's own parts that need no server: reading wrk, choosing addresses, the
nginx configuration (`make bench` itself is run by hand: README, "Benchmark")."""

from tests.benchmarks.bench_stack.load import _refusal, loopback_addresses, parse_wrk
from tests.benchmarks.bench_stack.servers import NGINX_CONFIGURATION

WRK_REPORT = """\
Running 2s test @ http://127.0.0.1:8103/seed-article.html
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   510.21us  300.12us   5.00ms   90.00%
    Req/Sec    16.00k     1.20k   18.00k    70.00%
  Latency Distribution
     50%  450.00us
     75%  600.00us
     90%  800.00us
     99%    1.50s
  64000 requests in 2.00s, 700.00MB read
  Socket errors: connect 1, read 12, write 0, timeout 2
  Non-2xx or 3xx responses: 5
Requests/sec:  32000.50
Transfer/sec:    350.00MB
"""


def test_wrk_report_is_read_in_milliseconds():
    """Requests/s, p50 and p99 in ms whatever unit wrk chose, and what went wrong."""
    figures = parse_wrk(WRK_REPORT)
    assert figures["requests"] == 64000
    assert figures["rps"] == 32000.5
    assert figures["p50_ms"] == 0.45
    assert figures["p99_ms"] == 1500
    assert figures["non_2xx"] == 5
    # Read errors are gunicorn closing each connection after its answer: not counted.
    assert figures["socket_errors"] == 3


def test_clean_wrk_report_has_no_errors():
    report = WRK_REPORT.replace("  Socket errors: connect 1, read 12, write 0, timeout 2\n", "")
    report = report.replace("  Non-2xx or 3xx responses: 5\n", "")
    figures = parse_wrk(report)
    assert figures["non_2xx"] == figures["socket_errors"] == 0


def test_loopback_addresses_are_distinct_and_on_this_machine():
    addresses = loopback_addresses(600)
    assert len(set(addresses)) == 600
    assert all(address.startswith("127.77.") for address in addresses)
    assert not any(address.endswith((".0", ".255")) for address in addresses)


def test_refusal_is_the_forms_error_summary():
    answer = (
        b'{"ok": false, "html": "<div class=\\"alert\\" role=\\"alert\\" tabindex=\\"-1\\">'
        b'<p>You are commenting faster than we can read.</p></div>"}'
    )
    assert _refusal(answer) == "You are commenting faster than we can read."


def test_nginx_configuration_keeps_everything_in_its_directory(tmp_path):
    configuration = NGINX_CONFIGURATION.format(
        prefix=tmp_path, port=8103, root=tmp_path / "root", pid=tmp_path / "pid"
    )
    assert "listen 127.0.0.1:8103;" in configuration
    for line in configuration.splitlines():
        if line.strip().startswith(("pid", "error_log", "client_body_temp_path", "root")):
            assert str(tmp_path) in line
