"""Text that people type (or paste) as the site stores it: no control characters.

A vertical tab or a form feed pasted into a headline is invisible on the page but makes every
XML document that carries it (feeds, sitemaps) malformed; C1 controls are never meant as text.
Tab and line breaks stay; line breaks become \\n.
"""

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_control_characters(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
