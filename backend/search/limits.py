"""What saved criteria may hold, checked without the database.

Relative dates count back at most ten years (3,650 days, 520 weeks, 120 months); calendar units
(``this_quarter`` …) take no amount but 1. Text is at most 500 characters, each id list at most
100 entries, at most 20 index conditions. Field paths use the GraphQL input's names.
"""

from __future__ import annotations

import re

from backend.documents.service import DOCUMENT_STATUSES
from backend.errors import FieldIssue
from backend.search.criteria import DateRange, RelativeDate, RelativeUnit, SearchCriteria, SortKey

__all__ = [
    "AMOUNT_LIMITS",
    "MAX_CONDITIONS",
    "MAX_IDS",
    "MAX_TEXT",
    "check_limits",
    "check_relative_dates",
]

MAX_TEXT = 500
MAX_IDS = 100
MAX_CONDITIONS = 20
AMOUNT_LIMITS = {RelativeUnit.DAYS: 3650, RelativeUnit.WEEKS: 520, RelativeUnit.MONTHS: 120}
_FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def _check_when(when: DateRange | RelativeDate | None, path: str, issues: list[FieldIssue]) -> None:
    if isinstance(when, RelativeDate):
        top = AMOUNT_LIMITS.get(when.unit, 1)
        if not 1 <= when.amount <= top:
            message = f"from 1 to {top}" if top > 1 else f"{when.unit.value} takes no amount but 1"
            issues.append(FieldIssue(f"{path}.amount", "out_of_range", message))
    elif isinstance(when, DateRange):
        if when.start is None and when.end is None:
            issues.append(FieldIssue(path, "required", "give a start, an end or both"))
        elif when.start is not None and when.end is not None and when.end <= when.start:
            issues.append(FieldIssue(f"{path}.end", "invalid_range", "must be after the start"))


def _at(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def check_relative_dates(criteria: SearchCriteria, path: str = "") -> list[FieldIssue]:
    """The relative dates of ``criteria`` that count back too far to resolve (every search
    checks them; saved criteria get them through :func:`check_limits`)."""
    issues: list[FieldIssue] = []
    for name, when in (("documentDate", criteria.document_date), ("created", criteria.created)):
        if isinstance(when, RelativeDate):
            _check_when(when, _at(path, name), issues)
    return issues


def _check_ids(ids: tuple[str, ...], path: str, issues: list[FieldIssue]) -> None:
    if len(ids) > MAX_IDS:
        issues.append(FieldIssue(path, "too_many", f"at most {MAX_IDS}"))


def check_limits(criteria: SearchCriteria, path: str = "criteria") -> list[FieldIssue]:
    """Every problem of ``criteria`` that needs no catalog to see (empty list: none)."""
    issues: list[FieldIssue] = []
    if len(criteria.text.strip()) > MAX_TEXT:
        issues.append(FieldIssue(f"{path}.text", "too_long", f"at most {MAX_TEXT} characters"))
    _check_ids(criteria.customer_ids, f"{path}.customerIds", issues)
    _check_ids(criteria.document_type_ids, f"{path}.documentTypeIds", issues)
    _check_ids(criteria.register_ids, f"{path}.registerIds", issues)
    for i, status in enumerate(criteria.statuses):
        if status not in DOCUMENT_STATUSES:
            issues.append(
                FieldIssue(
                    f"{path}.statuses.{i}",
                    "unknown_status",
                    f"one of {', '.join(DOCUMENT_STATUSES)}",
                )
            )
    _check_when(criteria.document_date, f"{path}.documentDate", issues)
    _check_when(criteria.created, f"{path}.created", issues)
    if len(criteria.index) > MAX_CONDITIONS:
        issues.append(FieldIssue(f"{path}.index", "too_many", f"at most {MAX_CONDITIONS}"))
    for i, condition in enumerate(criteria.index):
        where = f"{path}.index.{i}"
        if not _FIELD_KEY.match(condition.field):
            issues.append(FieldIssue(f"{where}.field", "unknown_field", "no such index field"))
        if condition.equals is None and condition.minimum is None and condition.maximum is None:
            issues.append(FieldIssue(where, "required", "give equals, min or max"))
        elif condition.equals is not None and (
            condition.minimum is not None or condition.maximum is not None
        ):
            issues.append(FieldIssue(where, "invalid_value", "equals or a range, not both"))
    sort = criteria.sort
    if sort.key is SortKey.INDEX and not sort.index_field:
        issues.append(FieldIssue(f"{path}.sort.indexField", "required", "which index field?"))
    elif sort.key is not SortKey.INDEX and sort.index_field is not None:
        issues.append(
            FieldIssue(f"{path}.sort.indexField", "invalid_value", "only with the key index")
        )
    return issues
