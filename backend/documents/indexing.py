"""Index values in typed columns, so documents can be filtered by them on both engines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from backend.documents.models import IndexEntry, IndexFilter
from backend.errors import FieldIssue, ValidationFailed
from backend.fields import FieldDef, FieldType, validate_values

__all__ = ["FilterBounds", "index_entries", "normalise_filter"]


def index_entries(fields: Sequence[FieldDef], values: Mapping[str, Any]) -> list[IndexEntry]:
    by_key = {f.key: f for f in fields}
    entries = []
    for key, value in values.items():
        ftype = by_key[key].type
        if ftype in (FieldType.TEXT, FieldType.CHOICE):
            entries.append(IndexEntry(field=key, text_value=str(value)[:1000]))
        elif ftype is FieldType.NUMBER:
            entries.append(IndexEntry(field=key, number_value=float(value)))
        elif ftype is FieldType.MONEY:
            entries.append(
                IndexEntry(
                    field=key, number_value=float(value["amount"]), text_value=value["currency"]
                )
            )
        else:
            entries.append(IndexEntry(field=key, date_value=dt.date.fromisoformat(value)))
    return entries


FilterBounds = tuple[str, str, Any, Any, Any]  # field, column, equals, minimum, maximum


def _column(ftype: FieldType) -> str:
    if ftype in (FieldType.TEXT, FieldType.CHOICE):
        return "text_value"
    if ftype is FieldType.DATE:
        return "date_value"
    return "number_value"


def _bound(fd: FieldDef, value: Any, name: str) -> Any:
    if value is None:
        return None
    if fd.type is FieldType.MONEY and not isinstance(value, Mapping):
        value = {"amount": value, "currency": "XXX"}
    try:
        normal = validate_values([fd], {fd.key: value}, path="filter.index", partial=True)
    except ValidationFailed as exc:
        raise ValidationFailed(
            [FieldIssue(f"{i.field}.{name}", i.code, i.message) for i in exc.issues]
        ) from None
    result = normal[fd.key]
    if fd.type is FieldType.DATE:
        return dt.date.fromisoformat(str(result))
    if fd.type is FieldType.MONEY:
        return float(result["amount"])  # type: ignore[index]
    if fd.type is FieldType.NUMBER:
        return float(result)  # type: ignore[arg-type]
    return result


def normalise_filter(fields: Mapping[str, FieldDef], f: IndexFilter) -> FilterBounds:
    fd = fields.get(f.field)
    if fd is None:
        raise ValidationFailed.one(
            f"filter.index.{f.field}", "unknown_field", "no such index field"
        )
    if f.equals is None and f.minimum is None and f.maximum is None:
        raise ValidationFailed.one(f"filter.index.{f.field}", "required", "give equals or a range")
    if fd.type in (FieldType.TEXT, FieldType.CHOICE) and (f.minimum or f.maximum) is not None:
        raise ValidationFailed.one(f"filter.index.{f.field}", "invalid_value", "text has no range")
    return (
        fd.key,
        _column(fd.type),
        _bound(fd, f.equals, "equals"),
        _bound(fd, f.minimum, "minimum"),
        _bound(fd, f.maximum, "maximum"),
    )
