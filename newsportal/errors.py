"""Error pages that cannot fail themselves.

An error page is shown because something already went wrong: a Host header we refused, a
database that is down, a request that is malformed. So these views touch nothing that could raise
again: no `request.get_host()` or `build_absolute_uri()`, no database, no session or user, no
context processors. They render the `error_base.html` layout with a plain context (the site name
from settings, two URLs), and if even that raises they answer with a hard-coded page.

Wired up as `handler400/403/404/500` in the root URLconf and as `CSRF_FAILURE_VIEW`; the UTF-8
middleware uses `unreadable_text` for its own 400.
"""

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)

# Last resort when the error page itself cannot be rendered (a template or URLconf broken by a
# bad deploy, say): no template engine, no settings, nothing from the request.
FALLBACK_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="robots" content="noindex"><title>{title}</title></head>
<body><main><h1>{title}</h1><p>Please go to the <a href="/">front page</a>.</p></main></body>
</html>
"""
FALLBACK_TITLES = {
    400: "We could not read that request",
    403: "You cannot open this page",
    404: "We can’t find that page",
    500: "Something went wrong on our side",
    503: "Back in a moment",
}

# What the reader is told when a request's text is not UTF-8 (see newsportal.middleware).
CHARSET_NOT_UTF8 = (
    "Your browser or program said it was sending this form in a character set other than "
    "UTF-8. Forms on this site must be sent as UTF-8."
)
BYTES_NOT_UTF8 = (
    "Part of what was sent is not valid UTF-8 text, so we could not read it. Forms on this "
    "site must be sent as UTF-8."
)


def _url(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except Exception:  # noqa: BLE001 - a broken URLconf may be why we are here
        return fallback


def _error_page(template_name: str, status: int, **context) -> HttpResponse:
    frame = {
        "site_name": settings.SITE_NAME,
        "home_url": _url("articles:home", "/"),
        "search_url": _url("articles:search", "/search/"),
    }
    try:
        body = render_to_string(template_name, {**frame, **context})
    except Exception:
        logger.exception("The %s error page could not be rendered; sent the plain one", status)
        body = FALLBACK_PAGE.format(title=FALLBACK_TITLES[status])
    response = HttpResponse(body, status=status)
    # An error is about this request only: never cached as if it were the page.
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception=None):
    """400: a request we could not read (too large, malformed, a Host we do not serve)."""
    return _error_page("400.html", 400)


def permission_denied(request, exception=None):
    """403."""
    return _error_page("403.html", 403)


def page_not_found(request, exception=None):
    """404."""
    return _error_page("404.html", 404)


def server_error(request):
    """500: our fault, and maybe the database's, so nothing here touches it. A database that
    cannot be reached or read is a 503 instead."""
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    return _error_page("500.html", 500)


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` says the database cannot be reached or read: down, restarting, locked
    past its timeout, or a SQLite file that cannot be read as a database (a plain
    DatabaseError: "file is not a database"). Not a bad query's ProgrammingError,
    IntegrityError and the like, which are ours to fix."""
    return isinstance(error, (OperationalError, InterfaceError)) or type(error) is DatabaseError


RETRY_AFTER_SECONDS = 10
# Fields never shown back: secrets, the tokens of a form, and its buttons (a resend carries
# them hidden). Admin buttons are named "_save", "_continue" and the like.
NOT_SHOWN = ("password", "csrfmiddlewaretoken", "issued", "homepage", "post", "submit")


def service_unavailable(request):
    """503 with Retry-After: the database could not be reached. What the reader sent in a form
    is shown back to them, to copy or to send again, so a post that failed loses nothing."""
    typed, resend = [], []
    if request.method == "POST":
        try:
            fields = list(request.POST.lists())
        except Exception:  # noqa: BLE001 - a body we cannot read: nothing to show back
            fields = []
        for name, values in fields:
            for value in values:
                resend.append((name, value))
                shown = not name.startswith("_") and not any(part in name for part in NOT_SHOWN)
                if value.strip() and shown:
                    typed.append((name, value))
    response = _error_page(
        "503.html",
        503,
        typed=typed,
        resend=resend if not request.FILES else [],
        action=request.path,
        retry_after=RETRY_AFTER_SECONDS,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def csrf_failure(request, reason=""):
    """403 for a form without a valid CSRF token: most often a page left open too long."""
    return _error_page("403_csrf.html", 403)


def unreadable_text(request, problem: str):
    """400 for a form whose text is not UTF-8; `problem` is one of the messages above."""
    return _error_page("400_encoding.html", 400, problem=problem)
