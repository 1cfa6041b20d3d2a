"""Reading numbers that browsers and scripts send, without ever failing on them."""

import re

_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII only: "²".isdigit() is True but int("²") fails
MAX_ID = 2**63 - 1


def whole_number(raw, *, maximum: int = MAX_ID) -> int | None:
    """A whole number from a query or form parameter, or None for anything else."""
    if not isinstance(raw, str) or not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= maximum else None
