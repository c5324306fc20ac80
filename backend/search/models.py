"""What a search answers: hits with rank and snippet, the total, groups, the next page's cursor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from backend.documents.indexing import FilterBounds
from backend.documents.models import Document
from backend.search.criteria import GroupBy, SortKey
from backend.search.query import FullTextQuery

__all__ = ["Found", "SearchGroup", "SearchHit", "SearchPlan", "SearchResult", "SnippetPart"]


@dataclass(frozen=True, slots=True)
class SnippetPart:
    """A run of plain text from a document; ``highlighted`` when it is a word the query found.
    Never markup: clients show it as text."""

    text: str
    highlighted: bool = False


@dataclass(frozen=True, slots=True)
class SearchHit:
    document: Document
    rank: float
    """Higher is more relevant; 0 when the search has no text."""
    snippet: tuple[SnippetPart, ...]


@dataclass(frozen=True, slots=True)
class SearchGroup:
    key: str
    """A customer, register or document type id, or a month as ``YYYY-MM``."""
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: tuple[SearchHit, ...]
    total: int
    """Documents found that the principal may read, counted up to the service's count limit."""
    total_exact: bool
    """False when there are more than ``total``."""
    groups: tuple[SearchGroup, ...]
    """Counts per group (only when the criteria ask for a grouping), largest first."""
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """Validated criteria as the repository runs them: ids canonical, dates absolute, index
    conditions as typed bounds, the sort resolved to a column."""

    query: FullTextQuery
    customer_ids: tuple[str, ...] = ()
    document_ids: tuple[str, ...] = ()
    """Only these documents (whether one document matches a saved view); empty: any."""
    document_type_ids: tuple[str, ...] = ()
    register_ids: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_until: dt.date | None = None
    """Exclusive."""
    created_from: dt.datetime | None = None
    created_until: dt.datetime | None = None
    index_bounds: tuple[FilterBounds, ...] = ()
    sort: SortKey = SortKey.RELEVANCE
    descending: bool = True
    sort_index: tuple[str, str] | None = None
    """``(field, column)`` when sorting by an index field."""
    group_by: GroupBy | None = None


@dataclass(frozen=True, slots=True)
class Found:
    """A row of a search page as the repository returns it."""

    document: Document
    rank: float
    sort_value: Any
    """The value sorted by (the next page's cursor starts after it)."""
    body: str
    keys: str
