"""Field-level change tracking: which fields of a complaint changed, as readable text."""

from collections.abc import Mapping


def diff_values(before: Mapping, after: Mapping) -> list[tuple[str, str | None, str | None]]:
    """Fields whose displayed value differs, as ``(field, old, new)`` in field order."""
    changes = []
    for field, new in after.items():
        old = before.get(field)
        if _text(old) != _text(new):
            changes.append((field, _text(old), _text(new)))
    return changes


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
