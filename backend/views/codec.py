"""Search criteria as versioned JSON, and back, strictly.

The stored form of a view's criteria (and of any criteria that travel as data) is a JSON object
with ``"v": 1`` and the criteria under the names the GraphQL input uses::

    {"v": 1, "text": "…", "customerIds": […], "documentTypeIds": […], "registerIds": […],
     "statuses": […], "documentDate": {"unit": "days", "amount": 14} | {"start": …, "end": …},
     "created": null, "index": [{"field": "amount", "equals": …, "min": …, "max": …}],
     "sort": {"key": "document_date", "descending": true, "indexField": null},
     "groupBy": "month" | null}

:func:`criteria_from_json` refuses anything else with one :class:`FieldIssue` per problem (unknown
keys, wrong types, unknown units or keys, then the limits of :func:`check_limits`); missing keys
take their defaults. A later version adds a reader for ``"v": 2`` and keeps this one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from backend.errors import FieldIssue, ValidationFailed
from backend.search.criteria import (
    DateRange,
    GroupBy,
    IndexCondition,
    RelativeDate,
    RelativeUnit,
    SearchCriteria,
    SearchSort,
    SortKey,
)
from backend.search.limits import check_limits

__all__ = ["CRITERIA_VERSION", "criteria_from_json", "criteria_to_json"]

CRITERIA_VERSION = 1
_KEYS = frozenset(
    {
        "v",
        "text",
        "customerIds",
        "documentTypeIds",
        "registerIds",
        "statuses",
        "documentDate",
        "created",
        "index",
        "sort",
        "groupBy",
    }
)
_CONDITION_KEYS = frozenset({"field", "equals", "min", "max"})
_SORT_KEYS = frozenset({"key", "descending", "indexField"})

E = TypeVar("E")


def _date_json(when: DateRange | RelativeDate | None) -> dict[str, Any] | None:
    if when is None:
        return None
    if isinstance(when, RelativeDate):
        return {"unit": when.unit.value, "amount": when.amount}
    return {
        "start": when.start.isoformat() if when.start else None,
        "end": when.end.isoformat() if when.end else None,
    }


def criteria_to_json(criteria: SearchCriteria) -> dict[str, Any]:
    """The versioned JSON form of ``criteria`` (every key written, relative dates kept)."""
    return {
        "v": CRITERIA_VERSION,
        "text": criteria.text,
        "customerIds": list(criteria.customer_ids),
        "documentTypeIds": list(criteria.document_type_ids),
        "registerIds": list(criteria.register_ids),
        "statuses": list(criteria.statuses),
        "documentDate": _date_json(criteria.document_date),
        "created": _date_json(criteria.created),
        "index": [
            {"field": c.field, "equals": c.equals, "min": c.minimum, "max": c.maximum}
            for c in criteria.index
        ],
        "sort": {
            "key": criteria.sort.key.value,
            "descending": criteria.sort.descending,
            "indexField": criteria.sort.index_field,
        },
        "groupBy": criteria.group_by.value if criteria.group_by else None,
    }


class _Reader:
    """Collects every problem of one JSON document instead of stopping at the first."""

    def __init__(self) -> None:
        self.issues: list[FieldIssue] = []

    def fail(self, field: str, code: str, message: str) -> None:
        self.issues.append(FieldIssue(field, code, message))

    def obj(self, value: object, path: str, keys: frozenset[str]) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.fail(path, "invalid_type", "must be an object")
            return None
        for key in value:
            if key not in keys:
                self.fail(f"{path}.{key}", "unknown_key", f"not one of {', '.join(sorted(keys))}")
        return value

    def text(self, value: object, path: str) -> str:
        if not isinstance(value, str):
            self.fail(path, "invalid_type", "must be text")
            return ""
        return value

    def strings(self, value: object, path: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(path, "invalid_type", "must be a list of text")
            return ()
        found: list[str] = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                found.append(item)
            else:
                self.fail(f"{path}.{i}", "invalid_type", "must be text")
        return tuple(found)

    def enum(self, kind: Callable[[str], E], value: object, path: str, names: str) -> E | None:
        if not isinstance(value, str):
            self.fail(path, "invalid_type", "must be text")
            return None
        try:
            return kind(value)
        except ValueError:
            self.fail(path, "invalid_value", f"one of {names}")
            return None

    def day(self, value: object, path: str) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(path, "invalid_type", "must be a date in the form YYYY-MM-DD")
        return None

    def when(self, value: object, path: str) -> DateRange | RelativeDate | None:
        if value is None:
            return None
        if isinstance(value, Mapping) and "unit" in value:
            raw = self.obj(value, path, frozenset({"unit", "amount"}))
            assert raw is not None
            unit = self.enum(RelativeUnit, raw["unit"], f"{path}.unit", ", ".join(RelativeUnit))
            amount = raw.get("amount", 1)
            if isinstance(amount, bool) or not isinstance(amount, int):
                self.fail(f"{path}.amount", "invalid_type", "must be a whole number")
                amount = 1
            return None if unit is None else RelativeDate(unit, amount)
        raw = self.obj(value, path, frozenset({"start", "end"}))
        if raw is None:
            return None
        return DateRange(
            self.day(raw.get("start"), f"{path}.start"), self.day(raw.get("end"), f"{path}.end")
        )

    def conditions(self, value: object, path: str) -> tuple[IndexCondition, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(path, "invalid_type", "must be a list of conditions")
            return ()
        found: list[IndexCondition] = []
        for i, item in enumerate(value):
            raw = self.obj(item, f"{path}.{i}", _CONDITION_KEYS)
            if raw is None:
                continue
            found.append(
                IndexCondition(
                    field=self.text(raw.get("field"), f"{path}.{i}.field"),
                    equals=self.value(raw.get("equals"), f"{path}.{i}.equals"),
                    minimum=self.value(raw.get("min"), f"{path}.{i}.min"),
                    maximum=self.value(raw.get("max"), f"{path}.{i}.max"),
                )
            )
        return tuple(found)

    def value(self, value: object, path: str) -> Any:
        """A condition value: text, a number or a money object (checked against the field's
        type later, when the catalog is known)."""
        if value is None or (isinstance(value, str | int | float) and not isinstance(value, bool)):
            return value
        if isinstance(value, Mapping) and set(value) <= {"amount", "currency"}:
            return dict(value)
        self.fail(path, "invalid_type", "must be text, a number or a money amount")
        return None

    def sort(self, value: object, path: str) -> SearchSort:
        if value is None:
            return SearchSort()
        raw = self.obj(value, path, _SORT_KEYS)
        if raw is None:
            return SearchSort()
        key = self.enum(SortKey, raw.get("key", "relevance"), f"{path}.key", ", ".join(SortKey))
        descending = raw.get("descending", True)
        if not isinstance(descending, bool):
            self.fail(f"{path}.descending", "invalid_type", "must be true or false")
            descending = True
        index_field = raw.get("indexField")
        if index_field is not None and not isinstance(index_field, str):
            self.fail(f"{path}.indexField", "invalid_type", "must be text")
            index_field = None
        return SearchSort(key or SortKey.RELEVANCE, descending, index_field)


def criteria_from_json(data: object, path: str = "criteria") -> SearchCriteria:
    """Read criteria written by :func:`criteria_to_json` (any supported version) and check them;
    raises :class:`ValidationFailed` with every problem found."""
    reader = _Reader()
    raw = reader.obj(data, path, _KEYS)
    if raw is None:
        raise ValidationFailed(reader.issues)
    version = raw.get("v")
    if version != CRITERIA_VERSION:
        raise ValidationFailed.one(
            f"{path}.v", "unsupported_version", f"criteria version {version!r} is not supported"
        )
    group_by = raw.get("groupBy")
    criteria = SearchCriteria(
        text=reader.text(raw.get("text", ""), f"{path}.text"),
        customer_ids=reader.strings(raw.get("customerIds"), f"{path}.customerIds"),
        document_type_ids=reader.strings(raw.get("documentTypeIds"), f"{path}.documentTypeIds"),
        register_ids=reader.strings(raw.get("registerIds"), f"{path}.registerIds"),
        statuses=reader.strings(raw.get("statuses"), f"{path}.statuses"),
        document_date=reader.when(raw.get("documentDate"), f"{path}.documentDate"),
        created=reader.when(raw.get("created"), f"{path}.created"),
        index=reader.conditions(raw.get("index"), f"{path}.index"),
        sort=reader.sort(raw.get("sort"), f"{path}.sort"),
        group_by=(
            None
            if group_by is None
            else reader.enum(GroupBy, group_by, f"{path}.groupBy", ", ".join(GroupBy))
        ),
    )
    issues = reader.issues or check_limits(criteria, path)
    if issues:
        raise ValidationFailed(issues)
    return criteria
