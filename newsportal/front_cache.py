"""Public pages in a shared front cache (Varnish, or a CDN), and exact purging.

A page is the same for every reader who has nothing personal with the site: no session cookie
(staff log in with one; a reader gets one with their first comment). Those readers' GETs are
answered once by the application and then by the front cache, tagged with keys that name what
the page shows (`article-12`, `section-3`, `latest`...). When something changes, the keys it
touches are purged, after the transaction commits, at every front cache the site knows of.

Views and template tags name what they show with `show(request, *keys)`; the middleware turns
that into headers. A response that set a cookie, or a request that carries a session, is
personal and never stored by a shared cache.
"""

import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

KEYS_ATTRIBUTE = "front_cache_keys"


def is_personal(request) -> bool:
    """Whether this request may see something no one else sees: it carries a session."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def show(request, *keys: str) -> None:
    """Say that the response to `request` shows what `keys` name (and may be cached under them)."""
    if hasattr(request, KEYS_ATTRIBUTE):
        getattr(request, KEYS_ATTRIBUTE).update(keys)


# When the response to a request changes by itself (a scheduled live update goes public).
EXPIRES_ATTRIBUTE = "front_cache_expires"


def show_until(request, moment) -> None:
    """Say that the response to `request` changes by itself at `moment` (None: never), as a
    scheduled update does when its time comes: no cache keeps it past then."""
    if moment is None:
        return
    earliest = getattr(request, EXPIRES_ATTRIBUTE, None)
    if earliest is None or moment < earliest:
        setattr(request, EXPIRES_ATTRIBUTE, moment)


def shown_as(*keys: str):
    """A view decorator for pages whose keys are fixed: feeds, sitemaps, robots.txt."""

    def decorate(view):
        @wraps(view)
        def keyed_view(request, *args, **kwargs):
            show(request, *keys)
            return view(request, *args, **kwargs)

        return keyed_view

    return decorate


class FrontCacheMiddleware:
    """Cache headers for pages whose views named their keys.

    Placed before SessionMiddleware and CsrfViewMiddleware, so it sees their cookies and Vary.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        setattr(request, KEYS_ATTRIBUTE, set())
        response = self.get_response(request)
        keys = getattr(request, KEYS_ATTRIBUTE)
        if not keys or request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if is_personal(request) or response.cookies:
            patch_cache_control(response, private=True, no_cache=True)
            return response
        # Nothing on the page depends on a cookie: the session was only looked into (and found
        # empty) by code that reads the reader's details.
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
        vary = [v for v in vary if v.lower() != "cookie"]
        if vary:
            response["Vary"] = ", ".join(vary)
        elif "Vary" in response:
            del response["Vary"]
        lifetime = shared_max_age()
        if (expires := getattr(request, EXPIRES_ATTRIBUTE, None)) is not None:
            lifetime = min(lifetime, max(1, int((expires - timezone.now()).total_seconds()) + 1))
        response["Cache-Control"] = (
            f"public, max-age=0, s-maxage={lifetime}, "
            f"stale-while-revalidate={settings.FRONT_CACHE_STALE_SECONDS}"
        )
        response[settings.FRONT_CACHE_KEY_HEADER] = " ".join(sorted(keys))
        return response


def shared_max_age() -> int:
    """How long a front cache may keep a page: the site's setting, but never past the moment a
    scheduled article goes live (it changes every listing, and nobody saves anything then)."""
    lifetime = settings.FRONT_CACHE_SECONDS
    if (next_live := next_publication_time()) is not None:
        lifetime = min(lifetime, max(1, int((next_live - timezone.now()).total_seconds()) + 1))
    return lifetime


def next_publication_time():
    """When the next scheduled article goes live, asked of the database once per change of
    schedule rather than once per page: scheduling, publishing or withdrawing an article purges
    "latest", and the answer is kept no longer than until that moment."""
    # Imported here: articles.models (through articles.pages) and fragments (through
    # page_cache) import this module.
    from articles.models import Article

    from .fragments import cached_by_keys

    def seconds_until(answer) -> int:
        (moment,) = answer
        if moment is None:
            return settings.FRAGMENT_CACHE_SECONDS
        return max(1, int((moment - timezone.now()).total_seconds()))

    # A 1-tuple: None ("nothing scheduled") is an answer worth keeping too.
    (moment,) = cached_by_keys(
        "next-publication",
        ["latest"],
        lambda: (Article.objects.next_publication_time(),),
        seconds_until,
    )
    if moment is not None and moment <= timezone.now():  # passed since it was kept
        moment = Article.objects.next_publication_time()
    return moment


_batch = threading.local()


def purge(keys: Iterable[str]) -> None:
    """Purge `keys` from the application's page cache and at every front cache, once the
    current transaction commits (at once if there is none). A cache that cannot be reached is
    logged, never an error for the editor."""
    keys = sorted(set(keys))
    if getattr(_batch, "keys", None) is not None:
        _batch.keys.update(keys)
    elif keys:
        transaction.on_commit(lambda: purge_now(keys), robust=True)


@contextmanager
def purges_together():
    """Within the block, the keys to purge are gathered and purged once at its end: an import
    of thousands of articles is one purge, not one an article."""
    outermost = getattr(_batch, "keys", None) is None
    if outermost:
        _batch.keys = set()
    try:
        yield
    finally:
        if outermost:
            keys, _batch.keys = _batch.keys, None
            purge(keys)


def purge_now(keys: list[str]) -> None:
    from .page_cache import new_versions  # page_cache imports this module

    new_versions(keys)
    if settings.FRONT_CACHE_PURGE_URLS:
        send_purge(keys)


def send_purge(keys: list[str]) -> None:
    for url in settings.FRONT_CACHE_PURGE_URLS:
        # The URLs are the site's own settings (http to its cache nodes), never a reader's input.
        request = urllib.request.Request(  # noqa: S310
            url, method="PURGE", headers={"xkey-purge": " ".join(keys)}
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=settings.FRONT_CACHE_PURGE_TIMEOUT
            ):
                pass
        except (urllib.error.URLError, OSError) as error:
            logger.warning("Could not purge %s at %s: %s", " ".join(keys), url, error)
