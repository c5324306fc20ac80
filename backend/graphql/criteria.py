"""GraphQL for search criteria: one input that the ``search`` query and saved views both take,
and the same shape as output (a view's criteria, as saved).

A date condition is either absolute (``{range: {start, end}}``) or relative
(``{relative: {unit, amount}}``, counted back from the day the search runs); the input is a
``@oneOf``, so a client cannot send both. A view's criteria, read back without ``__typename`` and
null members, are a valid ``SearchCriteriaInput``.
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
    "DateConditionInput",
    "DateConditionNode",
    "DateRangeInput",
    "DateRangeNode",
    "IndexConditionInput",
    "IndexConditionNode",
    "RelativeDateInput",
    "RelativeDateNode",
    "RelativeDateUnit",
    "SearchCriteriaInput",
    "SearchCriteriaNode",
    "SearchGroupByEnum",
    "SearchSortInput",
    "SearchSortKeyEnum",
    "SearchSortNode",
]


@strawberry.enum(
    name="RelativeDateUnit",
    description="DAYS, WEEKS and MONTHS count back `amount` units ending today; the calendar "
    "units (THIS_QUARTER …) take no amount.",
)
class RelativeDateUnit(Enum):
    DAYS = RelativeUnit.DAYS.value
    WEEKS = RelativeUnit.WEEKS.value
    MONTHS = RelativeUnit.MONTHS.value
    THIS_WEEK = RelativeUnit.THIS_WEEK.value
    THIS_MONTH = RelativeUnit.THIS_MONTH.value
    THIS_QUARTER = RelativeUnit.THIS_QUARTER.value
    THIS_YEAR = RelativeUnit.THIS_YEAR.value
    LAST_MONTH = RelativeUnit.LAST_MONTH.value
    LAST_QUARTER = RelativeUnit.LAST_QUARTER.value
    LAST_YEAR = RelativeUnit.LAST_YEAR.value


@strawberry.enum(name="SearchSortKey")
class SearchSortKeyEnum(Enum):
    RELEVANCE = SortKey.RELEVANCE.value
    DOCUMENT_DATE = SortKey.DOCUMENT_DATE.value
    CREATED_AT = SortKey.CREATED_AT.value
    TITLE = SortKey.TITLE.value
    CUSTOMER = SortKey.CUSTOMER.value
    DOCUMENT_TYPE = SortKey.DOCUMENT_TYPE.value
    STATUS = SortKey.STATUS.value
    INDEX = SortKey.INDEX.value


@strawberry.enum(name="SearchGroupBy")
class SearchGroupByEnum(Enum):
    CUSTOMER = GroupBy.CUSTOMER.value
    REGISTER = GroupBy.REGISTER.value
    DOCUMENT_TYPE = GroupBy.DOCUMENT_TYPE.value
    MONTH = GroupBy.MONTH.value


@strawberry.input(description="Days from start (inclusive) to end (exclusive); one may be open.")
class DateRangeInput:
    start: dt.date | None = None
    end: dt.date | None = None


@strawberry.input(description="A range counted back from the day the search runs.")
class RelativeDateInput:
    unit: RelativeDateUnit
    amount: int = 1


@strawberry.input(one_of=True, description="Either an absolute range or a relative one.")
class DateConditionInput:
    range: DateRangeInput | None = strawberry.UNSET
    relative: RelativeDateInput | None = strawberry.UNSET

    def to_domain(self) -> DateRange | RelativeDate:
        if self.relative:
            return RelativeDate(RelativeUnit(self.relative.unit.value), self.relative.amount)
        assert self.range  # one of the two, by @oneOf
        return DateRange(self.range.start, self.range.end)


@strawberry.input(description="Equals, or a range (min/max) for number, money and date fields.")
class IndexConditionInput:
    field: str
    equals: JSON | None = None
    min: JSON | None = None
    max: JSON | None = None


@strawberry.input
class SearchSortInput:
    key: SearchSortKeyEnum = SearchSortKeyEnum.RELEVANCE
    descending: bool = True
    index_field: str | None = strawberry.field(default=None, description="With the key INDEX.")


@strawberry.input(description="All conditions combine with AND; several ids of one kind with OR.")
class SearchCriteriaInput:
    text: str = strawberry.field(
        default="", description="Words to find (each also as a prefix), in any order."
    )
    customer_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    document_type_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    register_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    statuses: list[str] = strawberry.field(default_factory=list)
    document_date: DateConditionInput | None = None
    created: DateConditionInput | None = None
    index: list[IndexConditionInput] = strawberry.field(default_factory=list)
    sort: SearchSortInput | None = None
    group_by: SearchGroupByEnum | None = None

    def to_domain(self) -> SearchCriteria:
        sort = self.sort or SearchSortInput()
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


@strawberry.type(name="DateRange")
class DateRangeNode:
    start: dt.date | None
    end: dt.date | None


@strawberry.type(name="RelativeDate")
class RelativeDateNode:
    unit: RelativeDateUnit
    amount: int


@strawberry.type(name="DateCondition", description="Exactly one of range and relative is set.")
class DateConditionNode:
    range: DateRangeNode | None = None
    relative: RelativeDateNode | None = None

    @classmethod
    def of(cls, when: DateRange | RelativeDate | None) -> DateConditionNode | None:
        if when is None:
            return None
        if isinstance(when, RelativeDate):
            return cls(
                relative=RelativeDateNode(
                    unit=RelativeDateUnit(when.unit.value), amount=when.amount
                )
            )
        return cls(range=DateRangeNode(start=when.start, end=when.end))


@strawberry.type(name="IndexCondition")
class IndexConditionNode:
    field: str
    equals: JSON | None
    min: JSON | None
    max: JSON | None


@strawberry.type(name="SearchSort")
class SearchSortNode:
    key: SearchSortKeyEnum
    descending: bool
    index_field: str | None


@strawberry.type(name="SearchCriteria", description="Criteria as SearchCriteriaInput takes them.")
class SearchCriteriaNode:
    text: str
    customer_ids: list[strawberry.ID]
    document_type_ids: list[strawberry.ID]
    register_ids: list[strawberry.ID]
    statuses: list[str]
    document_date: DateConditionNode | None
    created: DateConditionNode | None
    index: list[IndexConditionNode]
    sort: SearchSortNode
    group_by: SearchGroupByEnum | None

    @classmethod
    def of(cls, c: SearchCriteria) -> SearchCriteriaNode:
        return cls(
            text=c.text,
            customer_ids=[strawberry.ID(i) for i in c.customer_ids],
            document_type_ids=[strawberry.ID(i) for i in c.document_type_ids],
            register_ids=[strawberry.ID(i) for i in c.register_ids],
            statuses=list(c.statuses),
            document_date=DateConditionNode.of(c.document_date),
            created=DateConditionNode.of(c.created),
            index=[
                IndexConditionNode(field=i.field, equals=i.equals, min=i.minimum, max=i.maximum)
                for i in c.index
            ],
            sort=SearchSortNode(
                key=SearchSortKeyEnum(c.sort.key.value),
                descending=c.sort.descending,
                index_field=c.sort.index_field,
            ),
            group_by=SearchGroupByEnum(c.group_by.value) if c.group_by else None,
        )
