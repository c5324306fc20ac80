"""GraphQL for a saved view's criteria: input types that mirror
:class:`backend.search.criteria.SearchCriteria`, and the same as output.

A date condition is either absolute (``{range: {start, end}}``) or relative
(``{relative: {unit, amount}}``, counted back from the day the view runs); the input is a
``@oneOf``, so a client cannot send both.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry
from strawberry.scalars import JSON

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

__all__ = [
    "ViewCriteriaInput",
    "ViewCriteriaNode",
    "ViewDateInput",
    "ViewDateNode",
    "ViewDateRangeInput",
    "ViewDateUnitEnum",
    "ViewGroupByEnum",
    "ViewIndexConditionInput",
    "ViewIndexConditionNode",
    "ViewRelativeDateInput",
    "ViewSortInput",
    "ViewSortKeyEnum",
    "ViewSortNode",
]


@strawberry.enum(
    name="ViewDateUnit",
    description="DAYS, WEEKS and MONTHS count back `amount` units ending today; the calendar "
    "units (THIS_QUARTER …) take no amount.",
)
class ViewDateUnitEnum(Enum):
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


@strawberry.enum(name="ViewSortKey")
class ViewSortKeyEnum(Enum):
    RELEVANCE = "relevance"
    DOCUMENT_DATE = "document_date"
    CREATED_AT = "created_at"
    TITLE = "title"
    CUSTOMER = "customer"
    DOCUMENT_TYPE = "document_type"
    STATUS = "status"
    INDEX = "index"


@strawberry.enum(name="ViewGroupBy")
class ViewGroupByEnum(Enum):
    CUSTOMER = "customer"
    REGISTER = "register"
    DOCUMENT_TYPE = "document_type"
    MONTH = "month"


@strawberry.input(description="Days from start (inclusive) to end (exclusive); one may be open.")
class ViewDateRangeInput:
    start: dt.date | None = None
    end: dt.date | None = None


@strawberry.input(description="A range counted back from the day the view runs.")
class ViewRelativeDateInput:
    unit: ViewDateUnitEnum
    amount: int = 1


@strawberry.input(one_of=True, description="Either an absolute range or a relative one.")
class ViewDateInput:
    range: ViewDateRangeInput | None = strawberry.UNSET
    relative: ViewRelativeDateInput | None = strawberry.UNSET

    def to_domain(self) -> DateRange | RelativeDate:
        if self.relative:
            return RelativeDate(RelativeUnit(self.relative.unit.value), self.relative.amount)
        assert self.range  # one of the two, by @oneOf
        return DateRange(self.range.start, self.range.end)


@strawberry.input(description="Equals, or a range (min/max) for number, money and date fields.")
class ViewIndexConditionInput:
    field: str
    equals: JSON | None = None
    min: JSON | None = None
    max: JSON | None = None


@strawberry.input
class ViewSortInput:
    key: ViewSortKeyEnum = ViewSortKeyEnum.RELEVANCE
    descending: bool = True
    index_field: str | None = strawberry.field(default=None, description="With the key INDEX.")


@strawberry.input(description="All conditions combine with AND; several ids of one kind with OR.")
class ViewCriteriaInput:
    text: str = ""
    customer_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    document_type_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    register_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    statuses: list[str] = strawberry.field(default_factory=list)
    document_date: ViewDateInput | None = None
    created: ViewDateInput | None = None
    index: list[ViewIndexConditionInput] = strawberry.field(default_factory=list)
    sort: ViewSortInput | None = None
    group_by: ViewGroupByEnum | None = None

    def to_domain(self) -> SearchCriteria:
        sort = self.sort or ViewSortInput()
        return SearchCriteria(
            text=self.text,
            customer_ids=tuple(str(i) for i in self.customer_ids),
            document_type_ids=tuple(str(i) for i in self.document_type_ids),
            register_ids=tuple(str(i) for i in self.register_ids),
            statuses=tuple(self.statuses),
            document_date=self.document_date.to_domain() if self.document_date else None,
            created=self.created.to_domain() if self.created else None,
            index=tuple(
                IndexCondition(c.field.strip(), c.equals, c.min, c.max) for c in self.index
            ),
            sort=SearchSort(SortKey(sort.key.value), sort.descending, sort.index_field),
            group_by=GroupBy(self.group_by.value) if self.group_by else None,
        )


@strawberry.type(
    name="ViewDate",
    description="An absolute range (start, end) or a relative one (unit, amount), as saved.",
)
class ViewDateNode:
    start: dt.date | None = None
    end: dt.date | None = None
    unit: ViewDateUnitEnum | None = None
    amount: int | None = None

    @classmethod
    def of(cls, when: DateRange | RelativeDate | None) -> ViewDateNode | None:
        if when is None:
            return None
        if isinstance(when, RelativeDate):
            return cls(unit=ViewDateUnitEnum(when.unit.value), amount=when.amount)
        return cls(start=when.start, end=when.end)


@strawberry.type(name="ViewIndexCondition")
class ViewIndexConditionNode:
    field: str
    equals: JSON | None
    min: JSON | None
    max: JSON | None


@strawberry.type(name="ViewSort")
class ViewSortNode:
    key: ViewSortKeyEnum
    descending: bool
    index_field: str | None


@strawberry.type(name="ViewCriteria")
class ViewCriteriaNode:
    text: str
    customer_ids: list[strawberry.ID]
    document_type_ids: list[strawberry.ID]
    register_ids: list[strawberry.ID]
    statuses: list[str]
    document_date: ViewDateNode | None
    created: ViewDateNode | None
    index: list[ViewIndexConditionNode]
    sort: ViewSortNode
    group_by: ViewGroupByEnum | None

    @classmethod
    def of(cls, c: SearchCriteria) -> ViewCriteriaNode:
        return cls(
            text=c.text,
            customer_ids=[strawberry.ID(i) for i in c.customer_ids],
            document_type_ids=[strawberry.ID(i) for i in c.document_type_ids],
            register_ids=[strawberry.ID(i) for i in c.register_ids],
            statuses=list(c.statuses),
            document_date=ViewDateNode.of(c.document_date),
            created=ViewDateNode.of(c.created),
            index=[
                ViewIndexConditionNode(field=i.field, equals=i.equals, min=i.minimum, max=i.maximum)
                for i in c.index
            ],
            sort=ViewSortNode(
                key=ViewSortKeyEnum(c.sort.key.value),
                descending=c.sort.descending,
                index_field=c.sort.index_field,
            ),
            group_by=ViewGroupByEnum(c.group_by.value) if c.group_by else None,
        )
