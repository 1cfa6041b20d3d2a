"""Error pages render, looking like the site, whatever else is wrong: a Host we refuse, a
database that is down, a request with no host at all. They never raise a second time."""

from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db.utils import OperationalError
from django.http import Http404
from django.test import Client, RequestFactory, override_settings
from django.urls import get_resolver
from django.utils.module_loading import import_string

from tests.factories import ArticleFactory

HOST = "news.example.org"
PRODUCTION = override_settings(DEBUG=False, ALLOWED_HOSTS=[HOST])
SITE_CSS = '<link rel="stylesheet" href="/static/css/site.css">'
HEADINGS = {
    "400": "We could not read that request",
    "403": "You cannot open this page",
    "404": "We can’t find that page",
    "500": "Something went wrong on our side",
    "503": "Back in a moment",
    "csrf": "This form has expired",
}
STATUSES = {"400": 400, "403": 403, "404": 404, "500": 500, "503": 503, "csrf": 403}


def assert_our_error_page(response, error: str):
    """The status, our wording and the full site layout (not the hard-coded last resort)."""
    body = response.content.decode()
    assert response.status_code == STATUSES[error], body[:500]
    assert f"<h1>{HEADINGS[error]}</h1>" in body, body[:500]
    assert SITE_CSS in body
    assert f'<a class="brand" href="/">{settings.SITE_NAME}</a>' in body
    assert 'action="/search/"' in body


def database_down():
    """Every query fails as if the database server were unreachable."""
    return mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("connection refused: the database is down"),
    )


@PRODUCTION
def test_an_unknown_host_gets_our_400_page_not_a_server_error():
    """Host: evil.example on the production site is a 400 with our page (it was a 500)."""
    browser = Client(raise_request_exception=False)
    for path in ("/", "/no-such-page/", "/search/?q=harbour"):
        assert_our_error_page(browser.get(path, headers={"host": "evil.example"}), "400")


# Each error view as Django calls it, looked up in the site's configuration.
ERROR_VIEWS = {
    "400": lambda request: get_resolver().resolve_error_handler(400)(
        request, exception=SuspiciousOperation("malformed")
    ),
    "403": lambda request: get_resolver().resolve_error_handler(403)(
        request, exception=PermissionDenied()
    ),
    "404": lambda request: get_resolver().resolve_error_handler(404)(
        request, exception=Http404("No article here.")
    ),
    "500": lambda request: get_resolver().resolve_error_handler(500)(request),
    "csrf": lambda request: import_string(settings.CSRF_FAILURE_VIEW)(
        request, reason="CSRF token missing."
    ),
}


def refused_host():
    return RequestFactory().get("/news/gone/", headers={"host": "evil.example"})


def no_host_at_all():
    request = RequestFactory().get("/news/gone/")
    del request.META["SERVER_NAME"]
    request.META.pop("HTTP_HOST", None)
    return request


def signed_in_editor():
    request = RequestFactory().get("/news/gone/", headers={"host": HOST})
    request.user = get_user_model()(username="harriet-editor", is_staff=True)
    return request


CONDITIONS = {
    "refused host": refused_host,
    "no host at all": no_host_at_all,
    "a signed-in editor": signed_in_editor,
}


@PRODUCTION
@pytest.mark.parametrize("database", ["queries forbidden", "database down"])
@pytest.mark.parametrize("condition", CONDITIONS)
@pytest.mark.parametrize("error", ERROR_VIEWS)
def test_every_error_view_renders_under_hostile_conditions(error, condition, database):
    """Each error page renders its status and our layout from a plain context: nothing from
    the request (host, user) and nothing from the database, which may be why it is shown."""
    request = CONDITIONS[condition]()
    if database == "database down":
        with database_down():
            response = ERROR_VIEWS[error](request)
    else:
        # No django_db mark: any query at all fails the page (pytest-django blocks it).
        response = ERROR_VIEWS[error](request)
    assert_our_error_page(response, error)
    assert "harriet-editor" not in response.content.decode()


# Through the whole middleware stack: a request that ends in each error.
TRIGGERS = {
    "400": ("GET", "/trigger/bad-request/"),
    "403": ("GET", "/trigger/forbidden/"),
    "404": ("GET", "/no-such-page/"),
    "500": ("GET", "/trigger/server-error/"),
    "csrf": ("POST", "/trigger/csrf/"),
}


class HostlessClient(Client):
    """A client whose requests carry neither a Host header nor SERVER_NAME."""

    def _base_environ(self, **request):
        environ = super()._base_environ(**request)
        environ.pop("SERVER_NAME", None)
        environ.pop("HTTP_HOST", None)
        return environ


def send(client, trigger, **headers):
    method, path = TRIGGERS[trigger]
    return client.generic(method, path, headers=headers)


@PRODUCTION
@pytest.mark.urls("tests.error_triggers")
@pytest.mark.parametrize("error", TRIGGERS)
@pytest.mark.django_db  # a 404 looks for an old address that leads somewhere (#10)
def test_each_error_through_the_site_gets_our_page(error):
    """Baseline: each failure reaches its own error page through every middleware."""
    browser = Client(raise_request_exception=False, enforce_csrf_checks=True)
    assert_our_error_page(send(browser, error, host=HOST), error)


@PRODUCTION
@pytest.mark.urls("tests.error_triggers")
@pytest.mark.parametrize("error", TRIGGERS)
@pytest.mark.django_db
def test_each_error_with_the_database_down_gets_our_page(error):
    """With the database down every error page still renders: a 404 stays a 404."""
    browser = Client(raise_request_exception=False, enforce_csrf_checks=True)
    with database_down():
        assert_our_error_page(send(browser, error, host=HOST), error)


@PRODUCTION
@pytest.mark.urls("tests.error_triggers")
@pytest.mark.parametrize("host", ["evil.example", "", "news.example.org.evil.example"])
@pytest.mark.parametrize("error", TRIGGERS)
def test_a_refused_host_is_a_400_with_our_page_whatever_the_request(error, host):
    """A Host outside ALLOWED_HOSTS is refused before anything else, with our 400 page."""
    browser = Client(raise_request_exception=False, enforce_csrf_checks=True)
    assert_our_error_page(send(browser, error, host=host), "400")


@PRODUCTION
@pytest.mark.urls("tests.error_triggers")
@pytest.mark.parametrize("error", TRIGGERS)
def test_a_request_with_no_host_at_all_gets_our_500_page(error):
    """No Host and no SERVER_NAME (no WSGI server sends that): Django cannot tell which site is
    meant and fails, and our 500 page still renders."""
    browser = HostlessClient(raise_request_exception=False, enforce_csrf_checks=True)
    assert_our_error_page(send(browser, error), "500")


@PRODUCTION
@pytest.mark.django_db
def test_reader_pages_with_the_database_down_get_our_503_page():
    """A reader page whose queries fail shows our 503 page (#9), not a second failure."""
    article = ArticleFactory()
    browser = Client(raise_request_exception=False)
    with database_down():
        for path in ("/", article.get_absolute_url(), "/search/?q=harbour", "/feeds/rss/"):
            assert_our_error_page(browser.get(path, headers={"host": HOST}), "503")


@PRODUCTION
@pytest.mark.django_db
def test_the_canonical_link_never_fails_on_a_bad_host():
    """The frame's canonical URL falls back to SITE_URL when the request's host is unusable."""
    from articles.context_processors import site

    for request in (refused_host(), no_host_at_all()):
        request.resolver_match = None
        assert site(request)["canonical_url"] == f"{settings.SITE_URL}/news/gone/"


@PRODUCTION
def test_a_broken_template_falls_back_to_a_plain_page(caplog):
    """If the error layout itself cannot render, the plain hard-coded page is sent instead."""
    with mock.patch("newsportal.errors.render_to_string", side_effect=RuntimeError("broken")):
        response = ERROR_VIEWS["500"](refused_host())
    body = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong on our side</h1>" in body
    assert '<a href="/">front page</a>' in body
    assert "could not be rendered" in caplog.text
