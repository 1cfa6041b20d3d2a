"""The environment `make serve` gives the site: production settings whatever the developer's own
say, a secret key kept across restarts, and the one proxy it puts in front accounted for."""

import stat

import pytest

from newsportal.serve.environment import (
    listen_on,
    parse_options,
    production_environment,
    url_host,
)


@pytest.fixture
def options(tmp_path):
    return parse_options(["--port", "8100", "--state-dir", str(tmp_path / "state")], environ={})


def test_debugging_is_off_even_if_the_developer_turned_it_on(options):
    """DJANGO_DEBUG=True from a developer's shell or .env does not reach the production stack."""
    env, _ = production_environment({"DJANGO_DEBUG": "True"}, options)
    assert env["DJANGO_DEBUG"] == "False"


def test_a_missing_secret_key_is_generated_once_kept_private_and_announced(options):
    """The first start writes a 50+ character key readable only by its owner and says where;
    later starts use the same key (sessions survive a restart)."""
    first, notes = production_environment({}, options)
    key_file = options.state_dir / "secret-key"
    assert len(first["DJANGO_SECRET_KEY"]) >= 50
    assert key_file.read_text().strip() == first["DJANGO_SECRET_KEY"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert any("generated" in note and str(key_file) in note for note in notes)
    second, notes = production_environment({}, options)
    assert second["DJANGO_SECRET_KEY"] == first["DJANGO_SECRET_KEY"]
    assert not any("generated" in note for note in notes)


def test_a_secret_key_that_is_set_is_used(options):
    """An operator's DJANGO_SECRET_KEY wins and nothing is written."""
    env, notes = production_environment({"DJANGO_SECRET_KEY": "k" * 60}, options)
    assert env["DJANGO_SECRET_KEY"] == "k" * 60
    assert notes == []
    assert not (options.state_dir / "secret-key").exists()


@pytest.mark.parametrize("given, expected", [(None, "1"), ("0", "1"), ("", "1"), ("2", "2")])
def test_the_cache_in_front_counts_as_a_trusted_proxy(options, given, expected):
    """Varnish appends the reader's address to X-Forwarded-For, so the site must read one proxy
    back (0, from .env.example, would make every reader share Varnish's address); a larger
    count for a load balancer in front is kept."""
    environ = {} if given is None else {"COMMENTS_TRUSTED_PROXIES": given}
    env, _ = production_environment(environ, options)
    assert env["COMMENTS_TRUSTED_PROXIES"] == expected


def test_the_site_purges_the_cache_it_runs_behind(options):
    """By default (or left empty, as in .env.example) the site sends its purges to this
    stack's Varnish; an operator's list of cache nodes is kept."""
    env, _ = production_environment({}, options)
    assert env["DJANGO_FRONT_CACHE_URLS"] == "http://127.0.0.1:8100/"
    env, _ = production_environment({"DJANGO_FRONT_CACHE_URLS": ""}, options)  # .env.example
    assert env["DJANGO_FRONT_CACHE_URLS"] == "http://127.0.0.1:8100/"
    nodes = "http://10.0.0.2:8000/,http://10.0.0.3:8000/"
    env, _ = production_environment({"DJANGO_FRONT_CACHE_URLS": nodes}, options)
    assert env["DJANGO_FRONT_CACHE_URLS"] == nodes


def test_the_loopback_stack_serves_plain_http_to_local_hosts(options):
    """Without settings of their own, the hosts are this machine's names and there is no
    redirect to an HTTPS that does not exist here; an operator's choices are kept."""
    env, _ = production_environment({}, options)
    assert env["DJANGO_ALLOWED_HOSTS"] == "127.0.0.1,localhost,[::1]"
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == "False"
    assert env["DJANGO_SITE_URL"] == "http://127.0.0.1:8100"
    env, _ = production_environment(
        {"DJANGO_ALLOWED_HOSTS": "news.example.org", "DJANGO_SECURE_SSL_REDIRECT": "True"},
        options,
    )
    assert env["DJANGO_ALLOWED_HOSTS"] == "news.example.org"
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == "True"


def test_an_application_node_warns_when_its_purges_go_nowhere(tmp_path):
    """`--only app` without DJANGO_FRONT_CACHE_URLS says that changes will purge no cache."""
    options = parse_options(["--only", "app", "--state-dir", str(tmp_path)], environ={})
    env, notes = production_environment({"DJANGO_SECRET_KEY": "k" * 60}, options)
    assert "DJANGO_FRONT_CACHE_URLS" not in env
    assert any("DJANGO_FRONT_CACHE_URLS" in note for note in notes)


def test_ports_default_to_port_and_the_next_one():
    """PORT is Varnish's; gunicorn takes the next port unless APP_PORT says otherwise."""
    options = parse_options([], environ={"PORT": "9000"})
    assert (options.port, options.app_port, options.app_address) == (9000, 9001, "127.0.0.1")
    options = parse_options([], environ={"PORT": "9000", "APP_PORT": "7000"})
    assert options.app_port == 7000


def test_a_cache_size_flag_varnishd_could_not_read_is_refused_before_anything_starts(capsys):
    with pytest.raises(SystemExit):
        parse_options(["--cache-size", "lots"], environ={})
    assert "'lots': a size such as 256M or 2G is needed" in capsys.readouterr().err
    assert parse_options(["--cache-size", "1.5G"], environ={}).cache_size == "1.5G"


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("PORT", "eighty", "PORT='eighty': a whole number from 1 to 65535 is needed"),
        ("APP_PORT", "70000", "APP_PORT='70000': a whole number from 1 to 65535 is needed"),
        ("WEB_CONCURRENCY", "0", "WEB_CONCURRENCY='0': a whole number from 1 to 256 is needed"),
        ("VARNISH_LOG", "verbose", "VARNISH_LOG='verbose': choose lean or full"),
        ("VARNISH_CACHE_SIZE", "256", "VARNISH_CACHE_SIZE='256': a size such as 256M or 2G"),
        ("VARNISH_CACHE_SIZE", "lots", "VARNISH_CACHE_SIZE='lots': a size such as 256M or 2G"),
        ("VARNISH_CACHE_SIZE", "0G", "VARNISH_CACHE_SIZE='0G': a size such as 256M or 2G"),
    ],
)
def test_a_variable_make_serve_cannot_use_is_named_in_a_clear_refusal(
    capsys, variable, value, said
):
    """A mistyped variable stops `make serve` with one line naming it, not a traceback, and
    never silently means something else (an unknown VARNISH_LOG is not "full")."""
    with pytest.raises(SystemExit) as stopped:
        parse_options([], environ={variable: value})
    assert stopped.value.code == 2
    assert said in capsys.readouterr().err


@pytest.mark.parametrize(
    "address, listen, url",
    [
        ("127.0.0.1", "127.0.0.1:8000", "127.0.0.1"),
        ("0.0.0.0", "0.0.0.0:8000", "127.0.0.1"),  # noqa: S104
        ("::", "[::]:8000", "[::1]"),
        ("fd00::2", "[fd00::2]:8000", "[fd00::2]"),
    ],
)
def test_every_interface_is_listened_on_and_reached_through_this_machine(address, listen, url):
    """SERVE_ADDRESS=0.0.0.0 (or ::) binds every interface; the stack itself and the site's
    purges reach it through loopback."""
    assert listen_on(address, 8000) == listen
    assert url_host(address) == url
