"""Who is commenting: the newsroom's staff, signed in, are approved at once and shown verified;
a guest who takes a staff member's name, in any case or in look-alike letters, is held (#11)."""

import re
import unicodedata

from anyascii import anyascii
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from newsportal.process_copies import ProcessCopy

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


def _staff_skeletons() -> dict[str, str]:
    """Each active staff member's name and username as skeletons, to the name they go by."""
    staff = get_user_model().objects.filter(is_staff=True, is_active=True)
    skeletons = {}
    for user in staff.only("first_name", "last_name", "username"):
        for candidate in (display_name(user), user.get_username()):
            skeletons.setdefault(skeleton(candidate), display_name(user))
    skeletons.pop("", None)
    return skeletons


# Every guest's post is checked against the newsroom's names; they change when staff do.
STAFF_SKELETONS = ProcessCopy("comments.staff-skeletons", _staff_skeletons)


@receiver([post_save, post_delete], sender=settings.AUTH_USER_MODEL)
def staff_changed(**kwargs):
    STAFF_SKELETONS.changed()


def impersonated_staff(name: str) -> str | None:
    """The staff member a guest's `name` passes for, if any."""
    wanted = skeleton(name)
    if not wanted:
        return None
    return STAFF_SKELETONS.get().get(wanted)
