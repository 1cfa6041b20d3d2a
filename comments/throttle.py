"""Rate limits that hold across workers and servers: kept in the database, one row per client.

The generic cell rate algorithm (GCRA, a token bucket kept as one timestamp): `limit` attempts
may come at once, then one more every `window / limit` seconds. A refused attempt costs nothing,
and the wait is known to the second, so a reader can be told exactly how long to wait.
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from newsportal.inserts import insert_unless_present

from .models import ThrottleState

# Rows of clients whose limit has fully recovered are deleted by about one new client in this
# many; until then they only take space (one short row each).
CLEANUP_ONE_IN = 50


def _client_key(scope: str, client: str) -> str:
    # A keyed hash: the table never holds an address itself.
    return salted_hmac(
        f"comments.throttle.{scope}", client or "unknown", algorithm="sha256"
    ).hexdigest()


def throttle_wait(*, scope: str, client: str, limit: int, window: int, now=None) -> int:
    """Count one attempt by `client` under `scope`: 0 if it may go ahead, else the seconds to
    wait before the next attempt would be allowed (`limit` attempts per `window` seconds)."""
    now = now or timezone.now()
    interval = timedelta(seconds=window / limit)
    tolerance = timedelta(seconds=window) - interval
    key = _client_key(scope, client)
    # Inside a caller's transaction (a comment post's), no savepoint of its own: a failure
    # here fails the whole post.
    with transaction.atomic(savepoint=False):
        # Locked, so that concurrent attempts (other workers, other servers) queue for the row.
        state = ThrottleState.objects.select_for_update().filter(scope=scope, client=key).first()
        if state is None:
            if insert_unless_present(
                ThrottleState, scope=scope, client=key, theoretical_arrival=now + interval
            ):
                # Now and then, a client we had not seen: a good moment to forget those long
                # gone. Not every time: concurrent posts from new readers would all queue to
                # delete the same rows (#8: comment posts under load).
                if secrets.randbelow(CLEANUP_ONE_IN) == 0:
                    ThrottleState.objects.filter(theoretical_arrival__lt=now).delete()
                return 0
            # Another worker made the row first: count against it.
            state = ThrottleState.objects.select_for_update().get(scope=scope, client=key)
        arrival = max(state.theoretical_arrival, now)
        if arrival - now > tolerance:
            return max(1, round((arrival - now - tolerance).total_seconds()))
        state.theoretical_arrival = arrival + interval
        state.save(update_fields=["theoretical_arrival"])
    return 0
