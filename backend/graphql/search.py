"""GraphQL for search: full text and field conditions across every dossier the user may read."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from backend.graphql.context import Context, Info
from backend.graphql.documents import DocumentNode, document_nodes
from backend.graphql.dossiers import IndexFilterInput
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
from backend.search.models import SearchResult

__all__ = ["SearchInput", "SearchQuery", "SearchResults", "criteria_of", "search_results"]


@strawberry.enum(name="SearchSortKey")
class SearchSortKey(Enum):
    RELEVANCE = SortKey.RELEVANCE.value
    DOCUMENT_DATE = SortKey.DOCUMENT_DATE.value
    CREATED_AT = SortKey.CREATED_AT.value
    TITLE = SortKey.TITLE.value
    CUSTOMER = SortKey.CUSTOMER.value
    DOCUMENT_TYPE = SortKey.DOCUMENT_TYPE.value
    STATUS = SortKey.STATUS.value
    INDEX = SortKey.INDEX.value


@strawberry.enum(name="SearchGroupBy")
class SearchGroupBy(Enum):
    CUSTOMER = GroupBy.CUSTOMER.value
    REGISTER = GroupBy.REGISTER.value
    DOCUMENT_TYPE = GroupBy.DOCUMENT_TYPE.value
    MONTH = GroupBy.MONTH.value


@strawberry.enum(name="RelativeDateUnit")
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


@strawberry.input(
    description="Days from start (inclusive) to end (exclusive), or a range relative to today "
    "(relative DAYS with amount 14, or THIS_QUARTER …); give one of the two forms."
)
class DateRangeInput:
    start: dt.date | None = None
    end: dt.date | None = None
    relative: RelativeDateUnit | None = None
    amount: int = 1

    def to_domain(self) -> DateRange | RelativeDate:
        if self.relative is not None:
            return RelativeDate(RelativeUnit(self.relative.value), self.amount)
        return DateRange(self.start, self.end)


@strawberry.input
class SearchSortInput:
    key: SearchSortKey = SearchSortKey.RELEVANCE
    descending: bool = True
    index_field: str | None = strawberry.field(default=None, description="With key INDEX.")


@strawberry.input(description="All conditions combine with AND; several ids of one kind with OR.")
class SearchInput:
    text: str = strawberry.field(
        default="", description="Words to find (each also as a prefix), in any order."
    )
    customer_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    document_type_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    register_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    statuses: list[str] = strawberry.field(default_factory=list)
    document_date: DateRangeInput | None = None
    created: DateRangeInput | None = None
    index: list[IndexFilterInput] = strawberry.field(default_factory=list)
    sort: SearchSortInput | None = None
    group_by: SearchGroupBy | None = None


def criteria_of(i: SearchInput) -> SearchCriteria:
    sort = i.sort or SearchSortInput()
    return SearchCriteria(
        text=i.text,
        customer_ids=tuple(str(x) for x in i.customer_ids),
        document_type_ids=tuple(str(x) for x in i.document_type_ids),
        register_ids=tuple(str(x) for x in i.register_ids),
        statuses=tuple(i.statuses),
        document_date=i.document_date.to_domain() if i.document_date else None,
        created=i.created.to_domain() if i.created else None,
        index=tuple(IndexCondition(c.field, c.equals, c.min, c.max) for c in i.index),
        sort=SearchSort(SortKey(sort.key.value), sort.descending, sort.index_field),
        group_by=GroupBy(i.group_by.value) if i.group_by else None,
    )


@strawberry.type(description="Plain text of a document; highlighted when the search found it.")
class SnippetPart:
    text: str
    highlighted: bool


@strawberry.type
class SearchHitNode:
    document: DocumentNode
    rank: float = strawberry.field(description="Higher is more relevant; 0 without text.")
    snippet: list[SnippetPart]


@strawberry.type
class SearchGroupNode:
    key: str = strawberry.field(description="Customer, register or type id, or YYYY-MM.")
    label: str
    count: int


@strawberry.type(name="SearchResults")
class SearchResults:
    hits: list[SearchHitNode]
    total: int = strawberry.field(description="Documents found that you may read.")
    total_exact: bool = strawberry.field(description="False when there are more than total.")
    groups: list[SearchGroupNode]
    next_cursor: str | None


async def search_results(ctx: Context, result: SearchResult) -> SearchResults:
    """The GraphQL form of a page of search results (also a saved view's results)."""
    nodes = await document_nodes(ctx, [h.document for h in result.hits])
    return SearchResults(
        hits=[
            SearchHitNode(
                document=node,
                rank=hit.rank,
                snippet=[SnippetPart(text=p.text, highlighted=p.highlighted) for p in hit.snippet],
            )
            for node, hit in zip(nodes, result.hits, strict=True)
        ],
        total=result.total,
        total_exact=result.total_exact,
        groups=[SearchGroupNode(key=g.key, label=g.label, count=g.count) for g in result.groups],
        next_cursor=result.next_cursor,
    )


@strawberry.type
class SearchQuery:
    @strawberry.field(description="Search every dossier you may read.")
    async def search(
        self, info: Info, criteria: SearchInput, after: str | None = None, limit: int = 50
    ) -> SearchResults:
        ctx = info.context
        result = await ctx.services.search.search(
            ctx.principal, criteria_of(criteria), after=after, limit=limit
        )
        return await search_results(ctx, result)
