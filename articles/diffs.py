"""Differences between two versions of an article, for editors: conflicts and revisions."""

import difflib

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .html import body_text
from .models import Article

TEXT_FIELDS = {"headline", "standfirst", "body", "correction"}


def inline_diff(old: str, new: str) -> str:
    """Word-level diff as escaped HTML with <del> and <ins>."""
    old_words, new_words = old.split(), new.split()
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(' '.join(old_words[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(' '.join(new_words[b1:b2]))}</ins>")
    return mark_safe(" ".join(parts))  # noqa: S308 - every piece escaped above


def _display(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "all"):
        return ", ".join(sorted(str(item) for item in value.all()))
    if isinstance(value, list | tuple | set):
        return ", ".join(sorted(str(item) for item in value))
    return str(value)


def field_changes(saved, submitted: dict, field_names) -> list[dict]:
    """[{field, label, theirs, yours, diff}]: where the saved article and a form differ."""
    changes = []
    for name in field_names:
        if name == "started_from_version" or name not in submitted:
            continue
        field = saved._meta.get_field(name)
        theirs, yours = _display(getattr(saved, name)), _display(submitted[name])
        if theirs == yours:
            continue
        if name == "body":
            theirs, yours = body_text(theirs), body_text(yours)
        changes.append(
            {
                "field": name,
                "label": str(field.verbose_name).capitalize(),
                "theirs": theirs,
                "yours": yours,
                "diff": inline_diff(theirs, yours) if name in TEXT_FIELDS else None,
            }
        )
    return changes


def version_changes(older, newer) -> list[dict]:
    """[{label, before, after, diff}]: every field of the article that differs between two
    saved versions (django-reversion's), the body compared as its text."""
    changes = []
    for field in Article._meta.get_fields():
        if not getattr(field, "concrete", False) or field.name in {"edit_version", "id"}:
            continue
        before = older.field_dict.get(field.attname, older.field_dict.get(field.name))
        after = newer.field_dict.get(field.attname, newer.field_dict.get(field.name))
        if before == after:
            continue
        if field.name == "body":
            before, after = body_text(before or ""), body_text(after or "")
        changes.append(
            {
                "label": str(field.verbose_name).capitalize(),
                "before": before,
                "after": after,
                "diff": inline_diff(str(before or ""), str(after or "")),
            }
        )
    return changes
