"""Search: full text combined with field conditions, sorted, grouped and paged, over what the
principal may read.

Results and counts use the same visibility condition as every listing (docs/adr/0009): a document
one may not read is neither found nor counted. Relative dates are resolved for the principal's
today before anything is queried, so a saved view asks the same question every day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from backend.access.policy import Action, Principal, visibility
from backend.cursors import cursor_id, decode_cursor, encode_cursor
from backend.documents.indexing import FilterBounds, normalise_filter
from backend.documents.models import IndexFilter
from backend.documents.service import DOCUMENT_STATUSES
from backend.errors import FieldIssue, ValidationFailed
from backend.fields import FieldDef, FieldType
from backend.ports import Clock
from backend.search.criteria import DateRange, RelativeDate, SearchCriteria, SortKey, resolve
from backend.search.limits import check_relative_dates
from backend.search.models import SearchHit, SearchPlan, SearchResult
from backend.search.ports import SearchRepository
from backend.search.query import parse_query
from backend.search.snippets import make_snippet
from backend.tenancy.service import CatalogService

__all__ = ["COUNT_LIMIT", "MAX_LIMIT", "TEXT_COUNT_LIMIT", "SearchService"]

MAX_LIMIT = 200
COUNT_LIMIT = 10_000
"""Documents counted exactly; beyond, the total says "more than" (``total_exact`` false)."""
TEXT_COUNT_LIMIT = 1_000
"""The same for a search with text: counting reads every match (a common word is in a third of
all documents), so its exact count stops sooner (docs/adr/0014)."""
MAX_IDS = 500


def _ids(field: str, values: tuple[str, ...]) -> tuple[str, ...]:
    if len(values) > MAX_IDS:
        raise ValidationFailed.one(field, "too_many", f"at most {MAX_IDS}")
    issues, ids = [], []
    for i, value in enumerate(values):
        try:
            ids.append(str(uuid.UUID(str(value))))
        except ValueError:
            issues.append(FieldIssue(f"{field}.{i}", "invalid_id", "not an id"))
    if issues:
        raise ValidationFailed(issues)
    return tuple(dict.fromkeys(ids))


def _range(field: str, days: DateRange | RelativeDate | None) -> DateRange:
    """``days`` as resolved by :func:`resolve` (absolute), checked."""
    if isinstance(days, RelativeDate):
        raise TypeError("resolve the criteria first")
    days = days or DateRange()
    if days.start is not None and days.end is not None and days.start > days.end:
        raise ValidationFailed.one(field, "invalid_range", "ends before it starts")
    return days


class SearchService:
    def __init__(
        self,
        repo: SearchRepository,
        catalog: CatalogService,
        clock: Clock,
        *,
        zone: Callable[[Principal], dt.tzinfo] = lambda _: dt.UTC,
        count_limit: int = COUNT_LIMIT,
        text_count_limit: int = TEXT_COUNT_LIMIT,
    ) -> None:
        self._repo = repo
        self._catalog = catalog
        self._clock = clock
        self._zone = zone
        self._count_limit = count_limit
        self._text_count_limit = text_count_limit

    async def search(
        self,
        principal: Principal,
        criteria: SearchCriteria,
        *,
        after: str | None = None,
        limit: int = 50,
    ) -> SearchResult:
        """A page of documents matching ``criteria`` that ``principal`` may read, with the total,
        the groups (when ``criteria.group_by`` is set) and the cursor of the next page."""
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationFailed.one("limit", "out_of_range", f"between 1 and {MAX_LIMIT}")
        if issues := check_relative_dates(criteria):
            raise ValidationFailed(issues)
        zone = self._zone(principal)
        now = self._clock().astimezone(zone)
        plan = await self._plan(principal, resolve(criteria, now.date()), zone)
        position = self._decode_after(after, plan) if after else None
        visible = visibility(principal, Action.READ)
        if visible.nothing:
            return SearchResult((), 0, True, (), None)
        tenant_id = principal.tenant_id
        cap = self._count_limit if plan.query.empty else self._text_count_limit
        found, total = await self._repo.page(tenant_id, plan, visible, position, limit + 1, cap)
        groups = tuple(await self._repo.groups(tenant_id, plan, visible)) if plan.group_by else ()
        page = found[:limit]
        hits = tuple(
            SearchHit(
                f.document, f.rank, make_snippet(plan.query, (f.body, f.keys, f.document.title))
            )
            for f in page
        )
        next_cursor = None
        if len(found) > limit:
            last = page[-1]
            next_cursor = encode_cursor(
                plan.sort.value, _cursor_value(last.sort_value), last.document.id
            )
        return SearchResult(
            hits=hits,
            total=min(total, cap),
            total_exact=total <= cap,
            groups=groups,
            next_cursor=next_cursor,
        )

    async def matches(
        self, principal: Principal, criteria: SearchCriteria, document_id: str
    ) -> bool:
        """Whether the search for ``criteria`` run by ``principal`` now would find the document
        ``document_id``: the same plan as :meth:`search` (relative dates on the principal's
        today, typed index conditions, full text as the index holds it, what they may read),
        narrowed to the one document."""
        zone = self._zone(principal)
        now = self._clock().astimezone(zone)
        plan = await self._plan(principal, resolve(criteria, now.date()), zone)
        visible = visibility(principal, Action.READ)
        if visible.nothing:
            return False
        narrowed = dataclasses.replace(plan, document_ids=_ids("documentIds", (document_id,)))
        return await self._repo.count(principal.tenant_id, narrowed, visible, 1) > 0

    async def _plan(
        self, principal: Principal, criteria: SearchCriteria, zone: dt.tzinfo
    ) -> SearchPlan:
        query = parse_query(criteria.text)
        unknown = [s for s in criteria.statuses if s not in DOCUMENT_STATUSES]
        if unknown:
            raise ValidationFailed.one(
                "statuses", "invalid_value", f"one of {', '.join(DOCUMENT_STATUSES)}"
            )
        dates = _range("documentDate", criteria.document_date)
        created = _range("created", criteria.created)
        type_ids = _ids("documentTypeIds", criteria.document_type_ids)
        fields = await self._fields(principal.tenant_id, type_ids)
        bounds = self._bounds(criteria, fields)
        sort = criteria.sort.key
        sort_index = None
        if sort is SortKey.INDEX:
            fd = fields.get(criteria.sort.index_field or "")
            if fd is None:
                raise ValidationFailed.one(
                    "sort.indexField", "unknown_field", "no such index field"
                )
            sort_index = (fd.key, _index_column(fd))
        if sort is SortKey.RELEVANCE and query.empty:
            sort = SortKey.DOCUMENT_DATE  # nothing to rank by: newest first
        return SearchPlan(
            query=query,
            customer_ids=_ids("customerIds", criteria.customer_ids),
            document_type_ids=type_ids,
            register_ids=_ids("registerIds", criteria.register_ids),
            statuses=tuple(dict.fromkeys(criteria.statuses)),
            date_from=dates.start,
            date_until=dates.end,
            created_from=_midnight(created.start, zone),
            created_until=_midnight(created.end, zone),
            index_bounds=bounds,
            sort=sort,
            descending=criteria.sort.descending,
            sort_index=sort_index,
            group_by=criteria.group_by,
        )

    async def _fields(self, tenant_id: str, type_ids: tuple[str, ...]) -> dict[str, FieldDef]:
        """Index fields of the types searched (all of the tenant's when none are named); a key
        used by several types with different field types is ambiguous."""
        types = await self._catalog.document_types(tenant_id)
        fields: dict[str, FieldDef] = {}
        ambiguous: set[str] = set()
        for t in types:
            if type_ids and t.id not in type_ids:
                continue
            for fd in t.fields:
                if fd.key in fields and fields[fd.key].type is not fd.type:
                    ambiguous.add(fd.key)
                fields.setdefault(fd.key, fd)
        return {k: v for k, v in fields.items() if k not in ambiguous}

    @staticmethod
    def _bounds(criteria: SearchCriteria, fields: dict[str, FieldDef]) -> tuple[FilterBounds, ...]:
        bounds = []
        for i, condition in enumerate(criteria.index):
            if condition.field not in fields:
                raise ValidationFailed.one(
                    f"index.{i}.field", "unknown_field", "no such index field in these types"
                )
            bound = normalise_filter(
                fields,
                IndexFilter(
                    condition.field, condition.equals, condition.minimum, condition.maximum
                ),
            )
            low, high = bound[3], bound[4]
            if low is not None and high is not None and low > high:
                raise ValidationFailed.one(
                    f"index.{i}.maximum", "invalid_range", "ends before it starts"
                )
            bounds.append(bound)
        return tuple(bounds)

    @staticmethod
    def _decode_after(after: str, plan: SearchPlan) -> tuple[Any, str]:
        key, value, last_id = decode_cursor(after, 3)
        if key != plan.sort.value:
            raise ValidationFailed.one("after", "invalid_cursor", "the cursor is for another sort")
        try:
            if value is None:
                pass
            elif plan.sort is SortKey.RELEVANCE:
                value = float(value)
            elif plan.sort is SortKey.DOCUMENT_DATE or (
                plan.sort_index and plan.sort_index[1] == "date_value"
            ):
                value = dt.date.fromisoformat(value)
            elif plan.sort is SortKey.CREATED_AT:
                value = dt.datetime.fromisoformat(value)
            elif plan.sort_index and plan.sort_index[1] == "number_value":
                value = float(value)
            else:
                value = str(value)
        except (TypeError, ValueError):
            raise ValidationFailed.one(
                "after", "invalid_cursor", "not a cursor from this API"
            ) from None
        return value, cursor_id(last_id)


def _index_column(fd: FieldDef) -> str:
    if fd.type in (FieldType.TEXT, FieldType.CHOICE):
        return "text_value"
    return "date_value" if fd.type is FieldType.DATE else "number_value"


def _midnight(day: dt.date | None, zone: dt.tzinfo) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)


def _cursor_value(value: Any) -> Any:
    """A sort value as JSON keeps it: dates and times as ISO text, numbers as they are."""
    if value is None or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)
