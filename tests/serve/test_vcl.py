"""The front cache's configuration: varnish.vcl compiles with what vcl.py writes for it, for one
application server or several, and bad settings are refused with a message, not a broken VCL."""

import ipaddress
import subprocess

import pytest

from newsportal.serve import vcl
from tests.serve.conftest import varnishd_or_fail


def compile_vcl(tmp_path, configuration) -> subprocess.CompletedProcess:
    site_vcl = tmp_path / "newsportal.vcl"
    site_vcl.write_text(vcl.site_vcl(configuration))
    # Compiled as this user (no jail): pytest's temporary directories are private to it.
    return subprocess.run(
        [
            varnishd_or_fail(),
            "-C",
            "-j",
            "none",
            "-n",
            str(tmp_path / "varnish"),
            "-f",
            str(site_vcl),
        ],
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "backends, purgers, cdn_key_header",
    [
        ("127.0.0.1:8001", "127.0.0.1,::1", ""),
        ("10.0.0.11:8001,10.0.0.12:8001,[fd00::13]:8001", "10.0.0.0/24,fd00::/64", ""),
        ("localhost:8001", "", "Surrogate-Key"),
    ],
    ids=["make-serve", "scaled-out", "behind-a-cdn-no-purgers"],
)
def test_the_vcl_compiles(tmp_path, backends, purgers, cdn_key_header):
    """varnishd accepts the configurations `make serve` and the README's "Scaling out" give it
    (one application server; three behind one director; a CDN in front, purging off)."""
    configuration = vcl.CacheConfiguration(
        backends=vcl.parse_backends(backends),
        purgers=vcl.parse_purgers(purgers),
        cdn_key_header=vcl.parse_cdn_key_header(cdn_key_header),
    )
    result = compile_vcl(tmp_path, configuration)
    assert result.returncode == 0, result.stderr[-3000:]


def test_every_backend_joins_the_director_with_the_health_probe():
    """Each application server is probed and taken into the round robin."""
    written = vcl.node_vcl(
        vcl.CacheConfiguration(
            backends=vcl.parse_backends("10.0.0.11:8001, 10.0.0.12:8002"),
            purgers=[],
            probe_host="news.example.org",
        )
    )
    assert written.count(".probe = newsportal_health;") == 2
    assert "app.add_backend(app1);" in written and "app.add_backend(app2);" in written
    assert '.host = "10.0.0.12";' in written and '.port = "8002";' in written
    assert '"Host: news.example.org"' in written


@pytest.mark.parametrize(
    "text",
    ["", "10.0.0.11", "10.0.0.11:http", "10.0.0.11:0", ":8001", 'evil";}:8001', "a b:8001"],
)
def test_a_malformed_backend_list_is_refused(text):
    """DJANGO_BACKENDS that is not host:port,… stops the start with its reason, before any VCL
    is written with it."""
    with pytest.raises(ValueError):
        vcl.parse_backends(text)


@pytest.mark.parametrize("text", ["Surrogate Key", "X-Keys: x", "Cache-Tag;"])
def test_a_malformed_cdn_header_name_is_refused(text):
    """DJANGO_CDN_KEY_HEADER must be a header name, nothing that could be read as VCL."""
    with pytest.raises(ValueError):
        vcl.parse_cdn_key_header(text)


def test_a_malformed_purge_acl_is_refused():
    """DJANGO_FRONT_CACHE_PURGE_FROM must be addresses or networks."""
    with pytest.raises(ValueError, match="localhost"):
        vcl.parse_purgers("127.0.0.1,localhost")
    assert vcl.parse_purgers("10.0.0.7/24") == [ipaddress.ip_network("10.0.0.0/24")]


@pytest.mark.parametrize(
    "allowed, expected",
    [
        (["news.example.org", "www.example.org"], "news.example.org"),
        ([".example.org"], "example.org"),
        (["*"], "localhost"),
        ([""], "localhost"),
    ],
)
def test_the_probe_asks_with_a_host_the_site_accepts(allowed, expected):
    """The health probe's Host is one of DJANGO_ALLOWED_HOSTS, or Django would answer 400 and
    the probe would take every server out."""
    assert vcl.probe_host(allowed) == expected
