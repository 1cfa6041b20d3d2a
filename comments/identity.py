"""Who is commenting: the newsroom's staff, signed in, are approved at once and shown verified;
a guest who takes a staff member's name, in any case or in look-alike letters, is held (#11)."""

import re
import unicodedata

from anyascii import anyascii
from django.contrib.auth import get_user_model

# After transliteration, what is still easy to pass off as another letter.
_LOOK_ALIKE_DIGITS = str.maketrans({"0": "o", "1": "l", "i": "l", "3": "e", "5": "s"})
_NOT_A_LETTER = re.compile(r"[^a-z0-9]")


def is_staff_commenter(user) -> bool:
    """A signed-in member of the newsroom: an active staff account (editors, moderators)."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def display_name(user) -> str:
    """The name a staff member's comments carry: their full name, else their username."""
    return user.get_full_name().strip() or user.get_username()


def skeleton(name: str) -> str:
    """`name` reduced to what a reader sees: compatibility forms folded (NFKC), every script
    written in ASCII letters (Cyrillic "а" is "a"), case, spacing, punctuation and the usual
    look-alike digits set aside."""
    folded = anyascii(unicodedata.normalize("NFKC", name)).lower()
    return _NOT_A_LETTER.sub("", folded).translate(_LOOK_ALIKE_DIGITS)


def staff_skeletons() -> dict[str, str]:
    """Each active staff member's name and username as skeletons, to the name they go by."""
    staff = get_user_model().objects.filter(is_staff=True, is_active=True)
    skeletons = {}
    for user in staff.only("first_name", "last_name", "username"):
        for candidate in (display_name(user), user.get_username()):
            skeletons.setdefault(skeleton(candidate), display_name(user))
    skeletons.pop("", None)
    return skeletons


def impersonated_staff(name: str, skeletons: dict[str, str] | None = None) -> str | None:
    """The staff member a guest's `name` passes for, if any; `skeletons` as staff_skeletons()
    gives them (moderation.py keeps a copy)."""
    wanted = skeleton(name)
    if not wanted:
        return None
    return (staff_skeletons() if skeletons is None else skeletons).get(wanted)
