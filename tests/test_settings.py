"""The settings module: environment-driven, strict in production, strict templates in tests."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.template import Context, Template

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.pop("DATABASE_URL", None)
    environment.update(env, DJANGO_SETTINGS_MODULE="newsportal.settings")
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


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
    result = run_check(
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "q7Zp2x" * 8,
        DJANGO_ALLOWED_HOSTS="news.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.django_db
def test_server_error_page_is_our_own(client):
    """A crash shows a friendly self-contained 500 page, not Django's."""
    from django.views.defaults import server_error

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
