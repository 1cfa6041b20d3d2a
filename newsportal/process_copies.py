"""Small tables that every comment post reads and staff change a few times a day (the
moderators' rules, the newsroom's names), kept in each worker process.

A process's copy is good while the table's generation, a token in the shared cache, stays what
it was when the copy was read: every change, once committed, draws a new token, so every
process on every server reads the table again at its next use. One cache read instead of a
query and its compilation (#8: comment posts).

The token is read before the table, so a change committed while a process reads leaves that
process's copy under the old token, read again next time. Inside a transaction the table is
read directly, never kept: it may hold that transaction's own writes, which may roll back.
With the cache unreachable the table is read every time; a copy is kept at most MAX_SECONDS,
in case a change's new token never reached the cache.
"""

import secrets
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection, transaction

from .cache_or_nothing import keep

MAX_SECONDS = 300


class ProcessCopy[T]:
    def __init__(self, name: str, read: Callable[[], T]):
        self.key = f"process-copy:{name}"
        self.read = read
        self._held: tuple[str, float, T] | None = None  # (generation, when read, what was read)

    def get(self) -> T:
        if connection.in_atomic_block:
            return self.read()
        try:
            generation = self._generation()
        except Exception:  # noqa: BLE001 - a cache that is down: read every time, keep nothing
            self._held = None
            return self.read()
        now = time.monotonic()
        held = self._held
        if held is not None and held[0] == generation and now - held[1] < MAX_SECONDS:
            return held[2]
        value = self.read()
        if generation is not None:
            self._held = (generation, now, value)
        return value

    def _generation(self) -> str | None:
        generation = cache.get(self.key)
        if generation is None:  # never set, or lost with the cache: a new one, agreed on
            cache.add(self.key, secrets.token_hex(8), timeout=None)
            generation = cache.get(self.key)
        return generation

    def changed(self) -> None:
        """The table changed (in the current transaction, if any): every copy is dropped once
        the change is committed."""
        transaction.on_commit(lambda: keep(self.key, secrets.token_hex(8), None))
