"""Parts of pages kept between requests, purged by the same keys as the pages that show them.

A page the page cache does not hold (its first reader after a purge, a personal page, a page
nobody asked for in a while) is rendered, but most of it has not changed: an approved comment
on one article changes its comment thread, not the form under it; a new article changes the
"Latest" list, not the thread. Each such part is kept under the current versions of the keys it
depends on (newsportal/page_cache.py), so purging any of them retires it.

The versions are read before the part is computed: whatever the database shows after that
read is at least as new as the versions, so a part is never kept under versions newer than
its content (a purge landing in between leaves an entry nobody will look up again).

If the cache cannot be reached, parts are computed every time: a speed-up, never a dependency.
"""

import logging
from collections.abc import Callable, Iterable
from hashlib import sha256

from django.conf import settings
from django.core.cache import cache

from .page_cache import key_versions, key_versions_and_generation

logger = logging.getLogger(__name__)

# Part of every key: a release that changes what is kept changes this, and ignores (then ages
# out) what an earlier release kept, rather than misreading it.
FORMAT = 2


def _fragment_key(name: str, versions: dict[str, str]) -> str:
    """Where a part named `name` is kept while its keys are at `versions`."""
    return f"fragment:{FORMAT}:" + sha256(repr((name, versions)).encode()).hexdigest()


def cached_by_keys[T](
    name: str,
    keys: Iterable[str],
    compute: Callable[[], T],
    timeout: int | Callable[[T], int],
    *,
    shown_keys: Callable[[T], Iterable[str]] | None = None,
) -> T:
    """`compute()`, or the value it gave last time if no key in `keys` was purged since (and
    `timeout` seconds have not passed). `name` tells apart the values kept under the same keys;
    the value must be picklable (and not None). A `timeout` that depends on the value, or costs a
    query to know, may be given as a function of the value: it is called only to store one.

    `shown_keys(value)` names keys known only once the value is computed (the articles a list
    turned out to hold): a purge of any of them retires the value too. Their versions can only
    be read after computing, so a value computed while any purge happened is not kept (as the
    page cache does, page_cache.GENERATION).
    """
    if not settings.FRAGMENT_CACHE:
        return compute()
    try:
        versions, generation = key_versions_and_generation(sorted(set(keys)))
        cache_key = _fragment_key(name, versions)
        kept = cache.get(cache_key)
        if kept is not None:
            value, shown_versions = kept
            if not shown_versions or key_versions(shown_versions) == shown_versions:
                return value
    except Exception:  # noqa: BLE001 - a cache that is down is an empty cache
        logger.exception("The fragment cache could not be read")
        return compute()
    value = compute()
    try:
        shown_versions = {}
        if shown_keys is not None:
            shown_versions, now = key_versions_and_generation(sorted(set(shown_keys(value))))
            if now != generation:
                return value  # something was purged meanwhile: what was read may predate it
        kept = (value, shown_versions)
        cache.set(cache_key, kept, timeout(value) if callable(timeout) else timeout)
    except Exception:  # noqa: BLE001
        logger.exception("The fragment cache could not be written")
    return value


def cached_parts(
    parts: list[tuple[str, Iterable[str]]],
    render: Callable[[list[int]], dict[int, str]],
    timeout: int,
) -> list[str]:
    """Many parts kept as cached_by_keys keeps one, in two cache reads for the lot: `parts`
    gives each one's name and keys; `render(indexes)` renders the ones not kept."""

    def render_all() -> list[str]:
        rendered = render(list(range(len(parts))))
        return [rendered[index] for index in range(len(parts))]

    if not settings.FRAGMENT_CACHE:
        return render_all()
    try:
        versions = key_versions(sorted({key for _, keys in parts for key in keys}))
        cache_keys = [
            _fragment_key(name, {key: versions[key] for key in sorted(set(keys))})
            for name, keys in parts
        ]
        kept = cache.get_many(cache_keys)
    except Exception:  # noqa: BLE001 - a cache that is down is an empty cache
        logger.exception("The fragment cache could not be read")
        return render_all()
    missing = [index for index, key in enumerate(cache_keys) if key not in kept]
    rendered = render(missing) if missing else {}
    if rendered:
        try:
            cache.set_many({cache_keys[index]: rendered[index] for index in missing}, timeout)
        except Exception:  # noqa: BLE001
            logger.exception("The fragment cache could not be written")
    return [
        rendered[index] if index in rendered else kept[key] for index, key in enumerate(cache_keys)
    ]


def cache_get_quietly(key: str):
    """A plain cache read that is None when the cache is off, empty or down."""
    if not settings.FRAGMENT_CACHE:
        return None
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001
        logger.exception("The fragment cache could not be read")
        return None


def cache_set_quietly(key: str, value, timeout: int) -> None:
    if not settings.FRAGMENT_CACHE:
        return
    try:
        cache.set(key, value, timeout)
    except Exception:  # noqa: BLE001
        logger.exception("The fragment cache could not be written")
