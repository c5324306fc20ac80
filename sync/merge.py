"""Field-level three-way merge: the client's change (``mine``, made on ``base``) onto the server's
current fields (``theirs``).

Per field of ``mine``:

- the same value on both sides: nothing to do (equal changes are not conflicts);
- only mine changed (theirs equals base): mine is taken;
- only theirs changed (mine equals base): theirs stays;
- both changed to different values: a conflict; theirs stays, mine is kept in the conflict.

A field whose value is an object in mine and theirs (and in base, or missing or null there) merges
per key by the same rules; a key missing from a side is "absent" (removed or never set), which is a
value of its own. Values compare as JSON: ``1 == 1.0``, but ``true`` is not ``1``.

The TypeScript client implements the same function (``pwa/src/sync/merge.ts``); both run the shared
vectors in ``schema/sync-merge-vectors.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["ABSENT", "FieldConflict", "MergeResult", "merge", "same"]


class _Absent:
    """A key missing from a side: removed there, or never set."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()


@dataclass(frozen=True, slots=True)
class FieldConflict:
    field: str
    key: str | None
    base: Any
    mine: Any
    theirs: Any


@dataclass(frozen=True, slots=True)
class MergeResult:
    patch: dict[str, Any] = field(default_factory=dict)
    """What to write: the fields whose server value changes (an object field as a whole)."""
    conflicts: list[FieldConflict] = field(default_factory=list)
    """Ordered by field, then key."""
    merged: bool = False
    """The server had changed something the client's base knew of."""


def same(a: Any, b: Any) -> bool:
    """JSON equality: numbers by value, booleans apart from numbers, ABSENT equal to itself only."""
    if a is ABSENT or b is ABSENT:
        return a is b
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _is_map(value: Any) -> bool:
    return isinstance(value, dict)


def merge(
    base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any]
) -> MergeResult:
    patch: dict[str, Any] = {}
    conflicts: list[FieldConflict] = []
    merged = False
    for name in sorted(mine):
        b, m, t = base.get(name, ABSENT), mine[name], theirs.get(name, ABSENT)
        if _is_map(m) and _is_map(t) and (b is ABSENT or b is None or _is_map(b)):
            value, changed = _merge_map(name, b if _is_map(b) else {}, m, t, conflicts)
        else:
            value, changed = _merge_value(name, None, b, m, t, conflicts)
        merged = merged or changed
        if not same(value, t):
            patch[name] = value
    merged = merged or any(
        not same(value, theirs.get(name, ABSENT))
        for name, value in base.items()
        if name not in mine
    )
    return MergeResult(patch, conflicts, merged)


def _merge_map(
    name: str,
    base: Mapping[str, Any],
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any],
    conflicts: list[FieldConflict],
) -> tuple[dict[str, Any], bool]:
    value: dict[str, Any] = {}
    merged = False
    for key in sorted(base.keys() | mine.keys() | theirs.keys()):
        b, m, t = base.get(key, ABSENT), mine.get(key, ABSENT), theirs.get(key, ABSENT)
        taken, key_merged = _merge_value(name, key, b, m, t, conflicts)
        merged = merged or key_merged
        if taken is not ABSENT:
            value[key] = taken
    return value, merged


def _merge_value(
    name: str, key: str | None, b: Any, m: Any, t: Any, conflicts: list[FieldConflict]
) -> tuple[Any, bool]:
    """The value to keep and whether theirs had changed from base."""
    if same(m, t):
        return t, not same(t, b)
    if same(t, b):
        return m, False
    if not same(m, b):
        conflicts.append(FieldConflict(name, key, b, m, t))
    return t, True
