"""The per-run part of the front cache's configuration: which application servers it asks, how
it checks they are up, and who may purge it.

`site_vcl` is varnish.vcl with what `backends_vcl` writes in place of its include line. One
application server or several, it is the same round-robin director with a health probe, so the
single-machine stack runs the configuration a scaled-out one does.

No Django imports: this runs before the settings can be loaded.
"""

import ipaddress
from dataclasses import dataclass
from pathlib import Path

VARNISH_VCL = Path(__file__).resolve().parent / "varnish.vcl"
INCLUDE_LINE = 'include "newsportal-backends.vcl";'

# Varnish asks each application server for this page every few seconds. It is rendered by
# Django (so a server that cannot run Django is taken out) but reads nothing from the database.
PROBE_PATH = "/robots.txt"


@dataclass(frozen=True)
class Backend:
    host: str
    port: int

    def __str__(self):
        return f"{self.host}:{self.port}"


def parse_backends(text: str) -> list[Backend]:
    """`host:port` entries, comma-separated (`[::1]:8001` for IPv6), as in DJANGO_BACKENDS."""
    backends = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        host, _, port = entry.rpartition(":")
        host = host.strip("[]")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"{entry!r} is not host:port (e.g. 10.0.0.5:8001)")
        if any(char in host for char in '"{}; \\'):
            raise ValueError(f"{entry!r}: {host!r} is not a host name or address")
        backends.append(Backend(host, int(port)))
    if not backends:
        raise ValueError("no application server given")
    return backends


def parse_purgers(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Addresses or networks (`10.0.0.0/8`), comma-separated, that may purge the cache."""
    try:
        return [
            ipaddress.ip_network(part.strip(), strict=False)
            for part in text.split(",")
            if part.strip()
        ]
    except ValueError as error:
        raise ValueError(f"{text!r}: {error}") from None


def probe_host(allowed_hosts: list[str]) -> str:
    """A Host header the application accepts (one of DJANGO_ALLOWED_HOSTS), for the probe."""
    for host in allowed_hosts:
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def site_vcl(backends: list[Backend], purgers: list, host: str) -> str:
    """The whole VCL Varnish runs: varnish.vcl with these backends, probe and purgers."""
    main = VARNISH_VCL.read_text()
    if main.count(INCLUDE_LINE) != 1:
        raise ValueError(f"{VARNISH_VCL} must contain {INCLUDE_LINE} once")
    return main.replace(INCLUDE_LINE, backends_vcl(backends, purgers, host))


def backends_vcl(backends: list[Backend], purgers: list, host: str) -> str:
    """What stands in for varnish.vcl's include line."""
    lines = [
        "# Written by newsportal/serve/vcl.py for this run (DJANGO_BACKENDS,",
        "# DJANGO_FRONT_CACHE_PURGE_FROM) in place of the include line.",
        "",
        "probe newsportal_health {",
        "    .request =",
        f'        "GET {PROBE_PATH} HTTP/1.1"',
        f'        "Host: {host}"',
        # Behind a TLS terminator the application redirects plain HTTP to https; the probe
        # says it came over TLS (ignored unless DJANGO_BEHIND_TLS_PROXY trusts the header).
        '        "X-Forwarded-Proto: https"',
        '        "User-Agent: Varnish health probe"',
        '        "Connection: close";',
        "    .interval = 5s;",
        "    .timeout = 3s;",
        "    .window = 5;",
        "    .threshold = 3;",
        # Healthy from the start: the stack starts Varnish once the servers answer.
        "    .initial = 3;",
        "}",
        "",
    ]
    for number, backend in enumerate(backends, start=1):
        lines += [
            f"backend app{number} {{",
            f'    .host = "{backend.host}";',
            f'    .port = "{backend.port}";',
            "    .probe = newsportal_health;",
            "    .connect_timeout = 2s;",
            "    .first_byte_timeout = 60s;",
            "}",
            "",
        ]
    lines.append("acl purgers {")
    lines += [f'    "{network.network_address}"/{network.prefixlen};' for network in purgers]
    lines += ["}", "", "sub vcl_init {", "    new app = directors.round_robin();"]
    lines += [f"    app.add_backend(app{number});" for number in range(1, len(backends) + 1)]
    lines += ["}", ""]
    return "\n".join(lines)
