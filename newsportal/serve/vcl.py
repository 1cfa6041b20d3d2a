"""The per-run part of the front cache's configuration: which application servers it asks, how
it checks they are up, and who may purge it.

`site_vcl` is varnish.vcl with what `backends_vcl` writes in place of its include line. One
application server or several, it is the same round-robin director with a health probe, so the
single-machine stack runs the configuration a scaled-out one does.

No Django imports: this runs before the settings can be loaded.
"""

import ipaddress
import re
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


def parse_cdn_key_header(text: str) -> str:
    """DJANGO_CDN_KEY_HEADER: a header name (Surrogate-Key, Cache-Tag) or nothing."""
    name = text.strip()
    if name and not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", name):
        raise ValueError(f"{text!r} is not a header name (e.g. Surrogate-Key)")
    return name


@dataclass(frozen=True)
class CacheConfiguration:
    """What varies between one cache node and another."""

    backends: list[Backend]
    purgers: list
    probe_host: str = "localhost"
    # A CDN in front of Varnish gets the keys under its own header name (Fastly's
    # Surrogate-Key, Cloudflare's Cache-Tag), and strips them before its readers see them.
    cdn_key_header: str = ""


def site_vcl(configuration: CacheConfiguration) -> str:
    """The whole VCL Varnish runs: varnish.vcl with this node's part in place of its include."""
    main = VARNISH_VCL.read_text()
    if main.count(INCLUDE_LINE) != 1:
        raise ValueError(f"{VARNISH_VCL} must contain {INCLUDE_LINE} once")
    return main.replace(INCLUDE_LINE, node_vcl(configuration))


def node_vcl(configuration: CacheConfiguration) -> str:
    """What stands in for varnish.vcl's include line."""
    backends = configuration.backends
    lines = [
        "# Written by newsportal/serve/vcl.py for this run (DJANGO_BACKENDS,",
        "# DJANGO_FRONT_CACHE_PURGE_FROM, DJANGO_CDN_KEY_HEADER) in place of the include line.",
        "",
        "probe newsportal_health {",
        "    .request =",
        f'        "GET {PROBE_PATH} HTTP/1.1"',
        f'        "Host: {configuration.probe_host}"',
        # Behind a TLS terminator the application redirects plain HTTP to https; the probe
        # says it came over TLS (ignored unless DJANGO_BEHIND_TLS_PROXY trusts the header).
        '        "X-Forwarded-Proto: https"',
        '        "User-Agent: Varnish health probe"',
        '        "Connection: close";',
        "    .interval = 5s;",
        # Generous: under a crowd of commenters the probe waits its turn behind their posts,
        # and a server that is busy is not one that is gone (a gone one refuses at once, and
        # what was sent to it is sent again: varnish.vcl, vcl_backend_error).
        "    .timeout = 15s;",
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
    lines += [
        f'    "{network.network_address}"/{network.prefixlen};' for network in configuration.purgers
    ]
    lines += ["}", "", "sub vcl_init {", "    new app = directors.round_robin();"]
    lines += [f"    app.add_backend(app{number});" for number in range(1, len(backends) + 1)]
    lines += ["}", ""]
    # A retry goes to the server after the one that failed, if its probe says it is up: asking
    # the round robin again can give the failed one back, when other requests moved it on.
    lines += ["sub newsportal_other_backend {", "    set bereq.backend = app.backend();"]
    for number in range(1, len(backends) + 1):
        following = number % len(backends) + 1
        lines += [
            f'    if (bereq.http.newsportal-failed == "app{number}"'
            f" && std.healthy(app{following})) {{",
            f"        set bereq.backend = app{following};",
            "    }",
        ]
    lines += ["}", "", "sub newsportal_cdn_keys {"]
    if configuration.cdn_key_header:
        lines.append(f"    set resp.http.{configuration.cdn_key_header} = resp.http.xkey;")
    lines += ["}", ""]
    return "\n".join(lines)
