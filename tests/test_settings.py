"""The settings module: environment-driven, strict in production, strict templates in tests."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.template import Context, Template

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_environment(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "False",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "q7Zp2x" * 8,
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
}
# Runs the deploy check (failing on any warning), then prints the settings asked for.
CHECK_THEN_PRINT = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
call_command("check", deploy=True, fail_level="WARNING")
print(json.dumps({name: getattr(settings, name, None) for name in sys.argv[1:]}))
"""
SECURITY_SETTINGS = [
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SILENCED_SYSTEM_CHECKS",
    "WHITENOISE_ALLOW_ALL_ORIGINS",
]


def production_settings(**env):
    """The security settings of a production configuration whose deploy check is clean."""
    result = subprocess.run(
        [sys.executable, "-c", CHECK_THEN_PRINT, *SECURITY_SETTINGS],
        cwd=ROOT,
        env=_environment(**PRODUCTION, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return json.loads(result.stdout.splitlines()[-1])


def _environment(**env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.pop("DATABASE_URL", None)
    environment.update(env, DJANGO_SETTINGS_MODULE="newsportal.settings")
    return environment


def test_unfilled_template_variable_fails_the_test():
    with pytest.raises(AssertionError, match="not_in_context"):
        Template("{{ not_in_context }}").render(Context({}))


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check(DJANGO_DEBUG="False", DJANGO_ALLOWED_HOSTS="news.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_check(DJANGO_DEBUG="False", DJANGO_SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = run_check(**PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_trusts_no_proxy_header_and_binds_no_subdomains_unless_told():
    """By default X-Forwarded-Proto is ignored (a client could claim https with it), HSTS covers
    this host only and is not preloaded; the two deploy warnings about that are silenced."""
    chosen = production_settings()
    assert chosen["SECURE_PROXY_SSL_HEADER"] is None
    assert chosen["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert chosen["SECURE_HSTS_PRELOAD"] is False
    assert security_checks_silenced(chosen) == ["security.W005", "security.W021"]
    assert chosen["WHITENOISE_ALLOW_ALL_ORIGINS"] is False


def test_behind_a_tls_proxy_the_forwarded_proto_header_is_trusted():
    chosen = production_settings(DJANGO_BEHIND_TLS_PROXY="True")
    assert chosen["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_hsts_subdomains_and_preload_are_opt_in_and_unsilence_their_checks():
    """Opting in sets the flag and stops silencing the check that guards it."""
    subdomains = production_settings(DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="True")
    assert subdomains["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert subdomains["SECURE_HSTS_PRELOAD"] is False
    assert security_checks_silenced(subdomains) == ["security.W021"]
    both = production_settings(
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="True", DJANGO_SECURE_HSTS_PRELOAD="True"
    )
    assert both["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert both["SECURE_HSTS_PRELOAD"] is True
    assert security_checks_silenced(both) == []


def security_checks_silenced(chosen) -> list[str]:
    """The deploy checks' warnings these settings silence (SQLite's models.W040 aside)."""
    return sorted(name for name in chosen["SILENCED_SYSTEM_CHECKS"] if name.startswith("security."))


def test_preload_without_subdomains_refuses_to_start():
    """The preload list takes only sites that cover their subdomains: say so at start-up."""
    result = run_check(**PRODUCTION, DJANGO_SECURE_HSTS_PRELOAD="True")
    assert result.returncode != 0
    assert "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS" in result.stderr


def test_static_files_may_allow_all_origins_when_asked():
    """For a CDN serving our files to our pages from another origin."""
    chosen = production_settings(DJANGO_STATIC_ALLOW_ALL_ORIGINS="True")
    assert chosen["WHITENOISE_ALLOW_ALL_ORIGINS"] is True


@pytest.mark.django_db
def test_server_error_page_is_our_own(client):
    """A crash shows our friendly 500 page (handler500), not Django's."""
    from django.urls import get_resolver

    server_error = get_resolver().resolve_error_handler(500)
    response = server_error(client.get("/").wsgi_request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_the_deploy_check_warns_about_a_per_process_cache(settings):
    """A cache inside each worker would make every worker count and cache on its own."""
    from django.core.checks import run_checks

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    warnings = run_checks(include_deployment_checks=True, tags=["caches"])
    assert [warning.id for warning in warnings] == ["newsportal.W001"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    assert run_checks(include_deployment_checks=True, tags=["caches"]) == []


def test_production_without_redis_shares_its_cache_between_processes():
    result = run_check(
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "q7Zp2x" * 8,
        DJANGO_ALLOWED_HOSTS="news.example.org",
        REDIS_URL="",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "newsportal.W001" not in result.stdout + result.stderr
