"""What a guest's text may contain, and when two texts count as the same comment.

Bidi controls can make a name read as someone else's (or reverse the words after it: "Trojan
Source", CVE-2021-42574); zero-width and other invisible characters make two names that look
identical differ, and make a repeated comment look new to a byte comparison.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

# Embeddings, overrides and isolates (U+202A-202E, U+2066-2069): they reorder the text around
# them. The marks U+200E/U+200F are harmless and needed in mixed-direction text; they stay.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that render as nothing (or as blank) and let one name imitate another: zero-width
# space, word joiner, BOM, Mongolian vowel separator, soft hyphen, Hangul fillers, braille blank.
# ZWNJ/ZWJ (U+200C/U+200D) are not here: Persian, Indic scripts and emoji need them.
INVISIBLE = frozenset(
    "\u200b\u2060\ufeff\u180e\u00ad\u115f\u1160\u3164\uffa0\u2800\u034f\u061c"
    "\u2061\u2062\u2063\u2064"
)


def hidden_characters(text: str) -> list[str]:
    """The bidi controls and invisible characters in `text`, as U+XXXX codes, once each."""
    found = {char for char in text if char in BIDI_CONTROLS or char in INVISIBLE}
    return sorted(f"U+{ord(char):04X}" for char in found)


def refuse_hidden_characters(text: str) -> None:
    """A validator: names, e-mail addresses and websites show exactly what they are."""
    if hidden := hidden_characters(text):
        raise ValidationError(
            "This contains characters that are invisible or change the direction of the text "
            "(%(characters)s). Please type it again without them.",
            code="hidden_characters",
            params={"characters": ", ".join(hidden)},
        )


def fingerprint(text: str) -> str:
    """The letters and digits of `text`, compatibility-normalised and case-folded, run together.

    "Great  article!", "great article" and "Ｇreat\u200barticle" share a fingerprint: what
    differs only in spacing, case, punctuation or invisible characters is the same comment. Word
    breaks are dropped too, since an invisible character can stand in for a space. A text with
    no letters or digits at all ("👍") is compared by its visible characters instead.
    """
    normalised = unicodedata.normalize("NFKC", text).casefold()
    letters = "".join(char for char in normalised if char.isalnum())
    return letters or "".join(
        char for char in normalised if not char.isspace() and char not in INVISIBLE
    )


# A link's host, written as readers do: "https://host/…", "http://host" or "www.host".
_LINK_HOST = re.compile(r"(?:https?://|www\.)([^\s/?#:\"'<>]+)", re.IGNORECASE)


def link_hosts(text: str) -> list[str]:
    """The hosts the links in `text` lead to, lower-cased, without "www.", once each."""
    hosts = (host.lower().rstrip(".").removeprefix("www.") for host in _LINK_HOST.findall(text))
    return list(dict.fromkeys(hosts))


def count_links(text: str) -> int:
    """How many links `text` holds."""
    return len(_LINK_HOST.findall(text))
