"""Typed fields: the tenant's cover-sheet schema and document types' index fields share them.

A field definition says what a value must look like; :func:`validate_values` checks a whole mapping
of values against a list of definitions and returns them normalised (JSON-ready), or raises
:class:`ValidationFailed` with one issue per bad field. Normal forms:

    text    str (stripped, at most ``max_length`` characters)
    number  int or float (finite; booleans are refused)
    money   {"amount": "1234.50", "currency": "EUR"} (amount a decimal string with two places)
    date    "YYYY-MM-DD"
    choice  one of ``choices``
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from backend.errors import FieldIssue, ValidationFailed

__all__ = [
    "FieldDef",
    "FieldType",
    "is_empty",
    "merge_values",
    "parse_field_defs",
    "validate_values",
]

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    CHOICE = "choice"


@dataclass(frozen=True, slots=True)
class FieldDef:
    key: str
    label: str
    type: FieldType
    required: bool = False
    choices: tuple[str, ...] = field(default_factory=tuple)
    max_length: int = 1000

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "type": self.type.value,
            "required": self.required,
            "choices": list(self.choices),
            "max_length": self.max_length,
        }


def parse_field_defs(raw: Sequence[Mapping[str, Any]]) -> list[FieldDef]:
    """Read field definitions stored as JSON; raise ValidationFailed on a malformed one."""
    defs: list[FieldDef] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        key = str(item.get("key", ""))
        if not _KEY.match(key) or key in seen:
            raise ValidationFailed.one(f"fields.{i}.key", "invalid_key", f"bad field key {key!r}")
        try:
            ftype = FieldType(str(item.get("type")))
        except ValueError:
            raise ValidationFailed.one(
                f"fields.{i}.type", "invalid_type", f"unknown field type {item.get('type')!r}"
            ) from None
        choices = tuple(str(c) for c in item.get("choices", ()))
        if ftype is FieldType.CHOICE and not choices:
            raise ValidationFailed.one(f"fields.{i}.choices", "required", "a choice needs choices")
        seen.add(key)
        defs.append(
            FieldDef(
                key=key,
                label=str(item.get("label") or key),
                type=ftype,
                required=bool(item.get("required", False)),
                choices=choices,
                max_length=int(item.get("max_length", 1000)),
            )
        )
    return defs


def is_empty(value: object) -> bool:
    """``None``, ``""`` and blank text all mean "no value" (and clear a field in a patch)."""
    return value is None or (isinstance(value, str) and not value.strip())


def _normalise(fd: FieldDef, value: object) -> object:
    """Return the normal form of ``value`` or raise ValueError with a human message."""
    if fd.type is FieldType.TEXT:
        if not isinstance(value, str):
            raise ValueError("must be text")
        text = value.strip()
        if len(text) > fd.max_length:
            raise ValueError(f"must be at most {fd.max_length} characters")
        return text
    if fd.type is FieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("must be a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value
    if fd.type is FieldType.MONEY:
        return _money(value)
    if fd.type is FieldType.DATE:
        if not isinstance(value, str):
            raise ValueError("must be a date in the form YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValueError("must be a date in the form YYYY-MM-DD") from None
    if not isinstance(value, str) or value not in fd.choices:
        raise ValueError(f"must be one of {', '.join(fd.choices)}")
    return value


def _money(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValueError('must be an object {"amount": "12.50", "currency": "EUR"}')
    amount, currency = value.get("amount"), value.get("currency")
    if isinstance(amount, bool) or not isinstance(amount, str | int | float):
        raise ValueError("amount must be a decimal number")
    try:
        decimal = Decimal(str(amount))
    except InvalidOperation:
        raise ValueError("amount must be a decimal number") from None
    if not decimal.is_finite() or abs(decimal) >= Decimal(10) ** 15:
        raise ValueError("amount is out of range")
    if not isinstance(currency, str) or not _CURRENCY.match(currency):
        raise ValueError("currency must be a three-letter ISO 4217 code such as EUR")
    return {"amount": str(decimal.quantize(Decimal("0.01"))), "currency": currency}


def validate_values(
    defs: Sequence[FieldDef],
    values: Mapping[str, object],
    *,
    path: str,
    partial: bool = False,
) -> dict[str, object]:
    """Check ``values`` against ``defs``; ``None`` clears a field; ``partial`` skips ``required``.

    Returns the normalised values without cleared fields.
    """
    by_key = {fd.key: fd for fd in defs}
    issues: list[FieldIssue] = []
    result: dict[str, object] = {}
    for key, value in values.items():
        fd = by_key.get(key)
        if fd is None:
            issues.append(FieldIssue(f"{path}.{key}", "unknown_field", "no such field"))
            continue
        if is_empty(value):
            continue
        try:
            result[key] = _normalise(fd, value)
        except ValueError as exc:
            issues.append(FieldIssue(f"{path}.{key}", "invalid_value", str(exc)))
    if not partial:
        issues.extend(
            FieldIssue(f"{path}.{fd.key}", "required", "is required")
            for fd in defs
            if fd.required
            and fd.key not in result
            and not any(i.field == f"{path}.{fd.key}" for i in issues)
        )
    if issues:
        raise ValidationFailed(issues)
    return result


def merge_values(
    defs: Sequence[FieldDef],
    current: Mapping[str, object],
    patch: Mapping[str, object] | None,
    *,
    path: str,
) -> dict[str, object]:
    """Apply a patch to valid values (``None`` or ``""`` clears a key) and check the result.

    Every problem is reported at once: bad values in the patch and required fields left empty.
    """
    merged = dict(current)
    issues: list[FieldIssue] = []
    for key, value in (patch or {}).items():
        if is_empty(value):
            merged.pop(key, None)
            continue
        try:
            merged.update(validate_values(defs, {key: value}, path=path, partial=True))
        except ValidationFailed as exc:
            issues.extend(exc.issues)
            merged[key] = value  # present, though bad: "required" is not its problem
    issues.extend(
        FieldIssue(f"{path}.{fd.key}", "required", "is required")
        for fd in defs
        if fd.required and fd.key not in merged
    )
    if issues:
        raise ValidationFailed(issues)
    return merged
