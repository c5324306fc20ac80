"""What a search asks for: full text combined with field conditions, a sort and a grouping.

The same criteria drive the ad-hoc search and saved virtual views; a view keeps relative dates
(``last 3 months``) that :func:`resolve` turns into absolute ranges on the day it runs. Pure code:
the search repository turns resolved criteria into SQL for each engine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

__all__ = [
    "DateRange",
    "GroupBy",
    "IndexCondition",
    "RelativeDate",
    "RelativeUnit",
    "SearchCriteria",
    "SearchSort",
    "SortKey",
    "resolve",
    "resolve_date",
]


@dataclass(frozen=True, slots=True)
class DateRange:
    """Days from ``start`` (inclusive) to ``end`` (exclusive); either side may be open."""

    start: dt.date | None = None
    end: dt.date | None = None


class RelativeUnit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    THIS_WEEK = "this_week"
    THIS_MONTH = "this_month"
    THIS_QUARTER = "this_quarter"
    THIS_YEAR = "this_year"
    LAST_MONTH = "last_month"
    LAST_QUARTER = "last_quarter"
    LAST_YEAR = "last_year"


@dataclass(frozen=True, slots=True)
class RelativeDate:
    """A range counted from the day a search runs: ``last 14 days`` is ``(DAYS, 14)`` and ends
    with today; calendar units (``THIS_QUARTER`` …) ignore ``amount``."""

    unit: RelativeUnit
    amount: int = 1


@dataclass(frozen=True, slots=True)
class IndexCondition:
    """An index field equal to ``equals`` or within ``[minimum, maximum]`` (both inclusive);
    values as the field's type takes them (text, number, money amount, ISO date)."""

    field: str
    equals: Any = None
    minimum: Any = None
    maximum: Any = None


class SortKey(StrEnum):
    RELEVANCE = "relevance"
    DOCUMENT_DATE = "document_date"
    CREATED_AT = "created_at"
    TITLE = "title"
    CUSTOMER = "customer"
    DOCUMENT_TYPE = "document_type"
    STATUS = "status"
    INDEX = "index"
    """By the index field named in :attr:`SearchSort.index_field`."""


@dataclass(frozen=True, slots=True)
class SearchSort:
    key: SortKey = SortKey.RELEVANCE
    descending: bool = True
    index_field: str | None = None


class GroupBy(StrEnum):
    CUSTOMER = "customer"
    REGISTER = "register"
    DOCUMENT_TYPE = "document_type"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    """All conditions combine with AND; several ids of one kind combine with OR. An empty ``text``
    searches by fields alone. Dates are absolute (:func:`resolve` makes them so)."""

    text: str = ""
    customer_ids: tuple[str, ...] = ()
    document_type_ids: tuple[str, ...] = ()
    register_ids: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    document_date: DateRange | RelativeDate | None = None
    created: DateRange | RelativeDate | None = None
    index: tuple[IndexCondition, ...] = ()
    sort: SearchSort = SearchSort()
    group_by: GroupBy | None = None


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def resolve_date(when: DateRange | RelativeDate | None, today: dt.date) -> DateRange | None:
    """The absolute days ``when`` means on ``today`` (``None`` stays open)."""
    if when is None or isinstance(when, DateRange):
        return when
    tomorrow = today + dt.timedelta(days=1)
    unit, n = when.unit, when.amount
    if unit is RelativeUnit.DAYS:
        return DateRange(tomorrow - dt.timedelta(days=n), tomorrow)
    if unit is RelativeUnit.WEEKS:
        return DateRange(tomorrow - dt.timedelta(weeks=n), tomorrow)
    if unit is RelativeUnit.MONTHS:
        return DateRange(_add_months(tomorrow, -n), tomorrow)
    if unit is RelativeUnit.THIS_WEEK:
        start = today - dt.timedelta(days=today.weekday())
        return DateRange(start, start + dt.timedelta(weeks=1))
    if unit is RelativeUnit.THIS_MONTH:
        start = today.replace(day=1)
        return DateRange(start, _add_months(start, 1))
    if unit is RelativeUnit.LAST_MONTH:
        end = today.replace(day=1)
        return DateRange(_add_months(end, -1), end)
    if unit is RelativeUnit.THIS_QUARTER:
        start = _quarter_start(today)
        return DateRange(start, _add_months(start, 3))
    if unit is RelativeUnit.LAST_QUARTER:
        end = _quarter_start(today)
        return DateRange(_add_months(end, -3), end)
    if unit is RelativeUnit.THIS_YEAR:
        return DateRange(dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1))
    return DateRange(dt.date(today.year - 1, 1, 1), dt.date(today.year, 1, 1))


def resolve(criteria: SearchCriteria, today: dt.date) -> SearchCriteria:
    """``criteria`` with relative dates made absolute for ``today`` (in the user's time zone)."""
    return replace(
        criteria,
        document_date=resolve_date(criteria.document_date, today),
        created=resolve_date(criteria.created, today),
    )
