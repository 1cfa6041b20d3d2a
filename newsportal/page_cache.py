"""The application server's own page cache: public pages kept in Django's cache (Redis in
production), purged by the same keys as the front cache.

Where no front cache stands in front (`make run`, a CDN that missed, a second application
server), the rendered page is kept anyway. Purging by key works through versions: every key has
a version in the cache, a stored page records the versions of its keys, and purging a key gives
it a new version, so every page that showed it stops matching. A hit costs two cache reads (the
page, then its keys' versions) and no rendering, no database.

If the cache cannot be reached, pages are rendered as if it were empty: the cache is a speed-up,
never a dependency.
"""

import logging
import time
import uuid
from hashlib import sha256

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import set_response_etag

from .front_cache import is_personal

logger = logging.getLogger(__name__)

# Headers a stored page is served with again; others (Date, security headers) are set afresh.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Content-Security-Policy", "ETag")


def _page_key(request) -> str:
    address = f"{request.method in ('GET', 'HEAD')}:{request.get_host()}{request.get_full_path()}"
    return "page:" + sha256(address.encode()).hexdigest()


def _version_keys(keys) -> dict[str, str]:
    return {f"key-version:{key}": key for key in keys}


def _with_lost_versions_made(found: dict, names) -> dict:
    """`found`, the cache's answer for these version `names`, with a new version made for each
    it lacks (never purged, or lost: evicted by Redis, culled by the database cache). A lost
    version read as "" again would match what was kept before its first purge and bring that
    back; a new one matches nothing kept, so losing a version is purging it."""
    missing = [name for name in names if name not in found]
    if not missing:
        return found
    for name in missing:
        cache.add(name, uuid.uuid4().hex, timeout=None)  # a reader racing us makes the same one
    return {**found, **cache.get_many(missing)}


def key_versions(keys) -> dict[str, str]:
    """The current version of each key."""
    names = _version_keys(keys)
    found = _with_lost_versions_made(cache.get_many(list(names)), names)
    return {key: found.get(name, "") for name, key in names.items()}


# Changes with every purge: a page rendered while one happened is not stored (what it read
# from the database may be older than the purge that its keys' versions already show).
GENERATION = "page-cache-generation"


def key_versions_and_generation(keys) -> tuple[dict[str, str], str]:
    """key_versions(keys) and the purge generation, in one cache read."""
    names = _version_keys(keys)
    found = _with_lost_versions_made(cache.get_many([*names, GENERATION]), names)
    return {key: found.get(name, "") for name, key in names.items()}, found.get(GENERATION, "")


def new_versions(keys) -> None:
    """Purge `keys` from the page cache: every page stored under one of them stops matching."""
    fresh = uuid.uuid4().hex
    try:
        cache.set_many(
            {**dict.fromkeys(_version_keys(keys), fresh), GENERATION: fresh}, timeout=None
        )
    except Exception:  # noqa: BLE001 - any cache failure: pages age out by their TTL instead
        logger.exception("Could not purge %s from the page cache", " ".join(keys))


# How long a front cache may keep a page that a purge overtook (see _overtaken).
OVERTAKEN_SECONDS = 1


def _overtaken(response) -> None:
    """A purge landed while this page was being made: it may show what the purge took away
    (its data read just before the change committed), and it reaches the front cache after the
    purge, which had nothing yet to remove. Kept for a second at most, so the next reader gets
    a fresh one; not kept here at all (#13: two live updates posted at once left the second
    unseen for up to ten minutes)."""
    cache_control = response.get("Cache-Control", "")
    if "s-maxage=" in cache_control:
        kept = cache_control.split("s-maxage=")[1].split(",")[0]
        response["Cache-Control"] = cache_control.replace(
            f"s-maxage={kept}", f"s-maxage={min(int(kept), OVERTAKEN_SECONDS)}"
        )


class PageCacheMiddleware:
    """Serve a stored copy of a public page when its keys have not been purged since.

    Placed outside FrontCacheMiddleware, so it stores pages with their final cache headers, and
    inside ConditionalGetMiddleware, which answers 304 for stored pages as for fresh ones.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cacheable = (
            settings.PAGE_CACHE and request.method in ("GET", "HEAD") and not is_personal(request)
        )
        if not cacheable:
            return self.get_response(request)
        stored, generation = self._lookup(request)
        if stored is not None:
            return stored
        if generation == "":
            # No purge yet (a new cache, or the value was evicted): start a generation, so that
            # pages stored from now on are answered in one read until the next purge.
            generation = self._start_generation()
        response = self.get_response(request)
        if generation is not None:
            if generation == self._generation():
                self._store(request, response, generation)
            else:
                _overtaken(response)
        return response

    @staticmethod
    def _start_generation():
        try:
            cache.add(GENERATION, uuid.uuid4().hex, timeout=None)
            return cache.get(GENERATION, "")
        except Exception:  # noqa: BLE001
            return None

    @staticmethod
    def _generation():
        try:
            return cache.get(GENERATION, "")
        except Exception:  # noqa: BLE001
            return None

    def _lookup(self, request) -> tuple[HttpResponse | None, str | None]:
        """The stored page if it is still good, and the purge generation as of now (None if the
        cache cannot be read)."""
        page_key = _page_key(request)
        try:
            found = cache.get_many([page_key, GENERATION])
            entry, generation = found.get(page_key), found.get(GENERATION, "")
            # The entry's own expiry, not only the cache's TTL: the clock that decides when a
            # scheduled article goes live is this process's, not the cache server's.
            if entry is None or entry["expires"] <= time.time():
                return None, generation
            # No purge at all since it was stored: one cache read answers. Otherwise (or if the
            # generation was lost) its own keys' versions tell whether a purge touched it.
            unpurged = generation and entry.get("generation") == generation
            if not unpurged and key_versions(entry["versions"]) != entry["versions"]:
                return None, generation
        except Exception:  # noqa: BLE001 - a cache that is down is an empty cache
            logger.exception("The page cache could not be read")
            return None, None
        response = HttpResponse(entry["content"], status=200)
        for header, value in entry["headers"].items():
            response[header] = value
        remaining = max(1, int(entry["expires"] - time.time()))
        response["Cache-Control"] = entry["cache_control"].replace(
            f"s-maxage={entry['max_age']}", f"s-maxage={remaining}"
        )
        response["X-Page-Cache"] = "hit"
        return response, generation

    def _store(self, request, response, generation: str) -> None:
        keys_header = response.get(settings.FRONT_CACHE_KEY_HEADER, "")
        cache_control = response.get("Cache-Control", "")
        if (
            response.status_code != 200
            or response.streaming
            or not keys_header
            or "public" not in cache_control
            or response.cookies
            or response.has_header("Set-Cookie")
        ):
            return
        max_age = int(cache_control.split("s-maxage=")[1].split(",")[0])
        keys = keys_header.split()
        # Hashed once, here, rather than by ConditionalGetMiddleware on every hit.
        set_response_etag(response)
        try:
            entry = {
                "content": response.content,
                "headers": {
                    header: response[header]
                    for header in (*KEPT_HEADERS, settings.FRONT_CACHE_KEY_HEADER)
                    if header in response
                },
                "cache_control": cache_control,
                "max_age": max_age,
                "expires": time.time() + max_age,
                "versions": key_versions(keys),
                "generation": generation,
            }
            cache.set(_page_key(request), entry, timeout=max_age)
        except Exception:  # noqa: BLE001
            logger.exception("The page cache could not be written")
