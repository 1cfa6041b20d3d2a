"""Reads and writes of the shared cache for what it only ever speeds up: a cache that is down
(Redis unreachable) is an empty cache that keeps nothing, never an error page (#9)."""

import contextlib

from django.core.cache import cache


def cached(key: str):
    """What the cache holds under `key`; None if nothing, or if the cache cannot be reached."""
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - a cache that is down is an empty cache
        return None


def keep(key: str, value, seconds: float) -> None:
    """Keep `value` under `key` for `seconds`, if the cache can be reached."""
    with contextlib.suppress(Exception):
        cache.set(key, value, seconds)


def cached_many(keys) -> dict:
    """{key: value} for those of `keys` the cache holds; {} if it cannot be reached."""
    try:
        return cache.get_many(keys)
    except Exception:  # noqa: BLE001 - a cache that is down is an empty cache
        return {}


def keep_many(values: dict, seconds: float) -> None:
    """Keep each of `values` ({key: value}) for `seconds`, if the cache can be reached."""
    with contextlib.suppress(Exception):
        cache.set_many(values, seconds)


def drop(key: str) -> None:
    """Drop what the cache holds under `key`, if it can be reached (then it holds nothing)."""
    with contextlib.suppress(Exception):
        cache.delete(key)
