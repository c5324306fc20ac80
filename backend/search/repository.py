"""Search as SQL for each engine: the full-text match (PostgreSQL tsquery on ``search_entry.tsv``,
SQLite FTS5 on ``search_entry_fts``) joined to ``document`` and combined with the field
conditions, the principal's visibility condition, a sort with keyset pagination, a capped count
and counts per group. Only fixed identifiers are interpolated; every value is a bound parameter.
"""

from __future__ import annotations

from typing import Any

from backend.access.policy import Visibility
from backend.documents.repository import document_from_row
from backend.persistence.engines import register_sqlite_function
from backend.persistence.scope import across_tenants, tenant_scoped
from backend.persistence.sql import in_list, select
from backend.persistence.visibility import document_condition
from backend.search.criteria import GroupBy, SortKey
from backend.search.expansion import (
    every_word,
    head_tsquery,
    head_words,
    narrowed,
    prefix_of,
)
from backend.search.index import refresh_documents, refresh_tenant
from backend.search.matching import pattern_text, rank
from backend.search.models import Found, SearchGroup, SearchPlan
from backend.search.tables import SearchEntryTable
from backend.search.tags import customer_tag, date_tags, status_tag, tag_condition, type_tag
from backend.search.words import completions

__all__ = ["PiccoloSearchRepository"]

#: bm25 weights of the FTS5 columns title, keys, body (PostgreSQL: setweight A, B, C).
_BM25 = "bm25(search_entry_fts, 10.0, 4.0, 1.0)"
_SORT_COLUMN = {
    SortKey.DOCUMENT_DATE: "d.document_date",
    SortKey.CREATED_AT: "d.created_at",
    SortKey.TITLE: "d.title",
    SortKey.STATUS: "d.status",
    SortKey.CUSTOMER: "c.name",
    SortKey.DOCUMENT_TYPE: "t.name",
}
MAX_GROUPS = 200
SCAN_LIMIT = 1_000
"""SQLite tests the words in Python when the search's customers have at most this many entries:
FTS5 would merge and rank a common word's whole doclist instead (a customer of 100 entries:
13 ms p50 for the whole search in Python on a quiet machine, 61 ms through FTS5 on a loaded one,
at 1,000,000 documents)."""

register_sqlite_function("dossier_rank", 4, rank)


def _postgres() -> bool:
    return bool(SearchEntryTable._meta.db.engine_type == "postgres")


class _Sql:
    """One search's FROM and WHERE, with its parameters in order.

    A search with text reads the entries (``s``), which repeat the document's filter columns,
    and joins ``document`` only for the rows it returns; one without text reads ``document``
    (``d``). ``a`` is the alias the conditions name, ``doc`` the document id's column."""

    def __init__(
        self,
        tenant_id: str,
        plan: SearchPlan,
        visible: Visibility,
        *,
        scan: bool = False,
        head: tuple[str, ...] = (),
        every: tuple[str, ...] = (),
    ) -> None:
        self.source_args: list[Any] = []
        self.args: list[Any] = []
        """The WHERE's parameters (the source's are in ``source_args``)."""
        self.text = not plan.query.empty
        self.scan = scan
        self.match = ""
        """The scan's word test, kept apart so that a ranked scan computes the rank once."""
        postgres = _postgres()
        self.head = head_tsquery(plan.query, head) if head and postgres else None
        """PostgreSQL: the query with its prefix as its commonest words (:mod:`.expansion`)."""
        a, doc = ("s", "s.document") if self.text else ("d", "d.id")
        self.alias, self.doc = a, doc
        if self.text and postgres and every:
            # Matched as the prefix's words (x), ranked against the query as typed (q).
            self.rank = "ts_rank(s.tsv, q.q)"
            self.source = (
                "search_entry s CROSS JOIN to_tsquery('dossier_search', {}) AS q(q) "
                "CROSS JOIN to_tsquery('dossier_search', {}) AS x(x)"
            )
            self.source_args += [plan.query.tsquery(), head_tsquery(plan.query, every)]
            where = ["s.tsv @@ x.x", "s.tenant = {}"]
            self.args.append(tenant_id)
        elif self.text and postgres:
            self.rank = "ts_rank(s.tsv, q.q)"
            self.source = "search_entry s CROSS JOIN to_tsquery('dossier_search', {}) AS q(q)"
            self.source_args.append(plan.query.tsquery())
            where = ["s.tsv @@ q.q", "s.tenant = {}"]
            self.args.append(tenant_id)
        elif self.text and scan:
            # A few dossiers on SQLite: their entries by index, each tested and ranked in Python
            # (backend.search.matching); see _scans.
            self.rank = "dossier_rank(qp.p, s.title, s.keys, s.body)"
            self.source = "search_entry s CROSS JOIN (SELECT {} AS p) AS qp"
            self.source_args.append(pattern_text(plan.query))
            where = ["s.tenant = {}"]
            self.args.append(tenant_id)
            self.match = f"{self.rank} IS NOT NULL"
        elif self.text:
            self.rank = f"(-{_BM25})"
            # CROSS JOIN: FTS5 drives (SQLite would otherwise start from an index on the
            # entries' columns and probe the match once per entry).
            self.source = (
                "search_entry_fts CROSS JOIN search_entry s ON s.id = search_entry_fts.rowid"
            )
            where = ["search_entry_fts MATCH {}", "s.tenant = {}"]
            self.args += [fts5_match(plan), tenant_id]
        else:
            self.rank = "0.0"
            self.source = "document d LEFT JOIN search_entry s ON s.document = d.id"
            where = ["d.tenant = {}", "d.status <> 'deleted'"]
            self.args.append(tenant_id)
        self.where = where
        if not visible.everything:
            condition, more = document_condition(visible, a, doc.split(".")[1])
            self._add(condition, more)
        for column, ids in (
            ("customer", plan.customer_ids),
            ("document_type", plan.document_type_ids),
            ("status", plan.statuses),
        ):
            if ids:
                self._add(f"{a}.{column} IN ({in_list(ids)})", list(ids))
        if plan.document_ids:
            self._add(f"{doc} IN ({in_list(plan.document_ids)})", list(plan.document_ids))
        if plan.register_ids:
            self._add(
                f"EXISTS (SELECT 1 FROM document_register fr WHERE fr.document = {doc} "
                f"AND fr.register IN ({in_list(plan.register_ids)}))",
                list(plan.register_ids),
            )
        for column, op, value in (
            ("document_date", ">=", plan.date_from),
            ("document_date", "<", plan.date_until),
            ("created_at", ">=", plan.created_from),
            ("created_at", "<", plan.created_until),
        ):
            if value is not None:
                self._add(f"{a}.{column} {op} {{}}", [value])
        for field, column, equals, minimum, maximum in plan.index_bounds:
            cond = [f"v.document = {doc}", "v.field = {}"]
            values: list[Any] = [field]
            for op, value in (("=", equals), (">=", minimum), ("<=", maximum)):
                if value is not None:
                    cond.append(f"v.{column} {op} {{}}")
                    values.append(value)
            self._add(
                f"EXISTS (SELECT 1 FROM document_index_value v WHERE {' AND '.join(cond)})",
                values,
            )

    def _add(self, condition: str, args: list[Any]) -> None:
        self.where.append(condition)
        self.args += args

    def from_where(self, joins: str = "", *, match: bool = True) -> str:
        where = [*self.where, self.match] if match and self.match else self.where
        return f"FROM {self.source} {joins} WHERE {' AND '.join(where)}"

    def all_args(self, join_args: list[Any] | None = None) -> list[Any]:
        """Parameters in the order of :meth:`from_where`'s text."""
        return [*self.source_args, *(join_args or []), *self.args]

    def matches(self, column: str, *, ranked: bool = False) -> tuple[str, list[Any]]:
        """``SELECT column`` of every match, and its parameters; ``ranked`` (PostgreSQL) adds
        each match's rank against the search's query as ``r``. With a head, the head's matches
        come first and the rest of the prefix is read only when a LIMIT over them asks for
        more: PostgreSQL runs the branches of a UNION ALL one after the other."""
        rank = ", ts_rank(s.tsv, q.q) AS r" if ranked else ""
        if self.head is None:
            return f"SELECT {column}{rank} {self.from_where()}", self.all_args()
        where = " AND ".join(self.where)
        # The head's branch matches its words (q) and ranks against the search's query (o).
        query = self.source_args
        head_rank, ranks_by, head_args = "", "", [self.head]
        if ranked:
            head_rank = ", ts_rank(s.tsv, o.o) AS r"
            ranks_by = " CROSS JOIN to_tsquery('dossier_search', {}) AS o(o)"
            head_args.append(query[0])
        head = f"SELECT {column}{head_rank} FROM {self.source}{ranks_by} WHERE {where}"
        rest = (
            f"SELECT {column}{rank} FROM {self.source} "
            f"CROSS JOIN to_tsquery('dossier_search', {{}}) AS h(h) "
            f"WHERE {where} AND NOT s.tsv @@ h.h"
        )
        return (
            f"SELECT * FROM (({head}) UNION ALL ({rest})) AS m",
            [*head_args, *self.args, *query, self.head, *self.args],
        )


def fts5_match(plan: SearchPlan) -> str:
    """The FTS5 expression: the words in the text columns, and the filter words of the plan's
    customers, types, statuses and document dates in ``tags`` (:mod:`backend.search.tags`)."""
    parts = [f"{{title keys body}} : ({plan.query.fts5()})"]
    for tags in (
        [customer_tag(c) for c in plan.customer_ids],
        [type_tag(t) for t in plan.document_type_ids],
        [status_tag(s) for s in plan.statuses],
        date_tags(plan.date_from, plan.date_until) or [],  # open or empty: exact condition only
    ):
        if tags:
            parts.append(tag_condition(tags))
    return " AND ".join(parts)


def _keyset(
    plan: SearchPlan, expression: str, after: tuple[Any, str] | None, document: str = "d.id"
) -> tuple[str, list[Any]]:
    """The condition "after the position ``after``" (sort value, id) in sort order, ties broken
    by the document's id (the column ``document``); only an index value can be missing, and
    missing values sort last."""
    if after is None:
        return "", []
    op = "<" if plan.descending else ">"
    value, last_id = after
    if value is None:
        return f" AND ({expression} IS NULL AND {document} {op} {{}})", [last_id]
    missing = f"{expression} IS NULL OR " if plan.sort is SortKey.INDEX else ""
    return (
        f" AND ({missing}{expression} {op} {{}} OR ({expression} = {{}} AND {document} {op} {{}}))",
        [value, value, last_id],
    )


def _sort_join(plan: SearchPlan) -> tuple[str, list[Any]]:
    if plan.sort is SortKey.CUSTOMER:
        return "JOIN customer c ON c.id = d.customer", []
    if plan.sort is SortKey.DOCUMENT_TYPE:
        return "JOIN document_type t ON t.id = d.document_type", []
    if plan.sort is SortKey.INDEX and plan.sort_index is not None:
        return "LEFT JOIN document_index_value sv ON sv.document = d.id AND sv.field = {}", [
            plan.sort_index[0]
        ]
    return "", []


def _sort_expression(plan: SearchPlan, rank: str) -> str:
    if plan.sort is SortKey.RELEVANCE:
        return rank
    if plan.sort is SortKey.INDEX and plan.sort_index is not None:
        return f"sv.{plan.sort_index[1]}"
    return _SORT_COLUMN[plan.sort]


def _found(rows: list[dict[str, Any]]) -> list[Found]:
    return [
        Found(
            document=document_from_row(r),
            rank=float(r["search_rank"] or 0.0),
            sort_value=r["search_sort"],
            body=r["search_body"] or "",
            keys=r["search_keys"] or "",
        )
        for r in rows
    ]


@tenant_scoped
class PiccoloSearchRepository:
    async def page(
        self,
        tenant_id: str,
        plan: SearchPlan,
        visible: Visibility,
        after: tuple[Any, str] | None,
        limit: int,
        count_cap: int,
    ) -> tuple[list[Found], int]:
        """Up to ``limit`` documents in sort order, after the keyset position ``after``
        (sort value, id), and the documents found counted up to ``count_cap + 1``. Ties are
        broken by id; index values that are missing sort last."""
        q = await self._sql(tenant_id, plan, visible, count_cap + 1)
        direction = "DESC" if plan.descending else "ASC"
        if q.text and plan.sort is SortKey.RELEVANCE:
            return await self._ranked_page(q, plan, after, limit, count_cap, direction)
        expression = _sort_expression(plan, q.rank)
        keyset, keyset_args = _keyset(plan, expression, after)
        nulls_last = f"({expression} IS NULL), " if plan.sort is SortKey.INDEX else ""
        columns = (
            f"SELECT d.*, {q.rank} AS search_rank, {expression} AS search_sort, "
            "s.body AS search_body, s.keys AS search_keys"
        )
        order = f"ORDER BY {nulls_last}{expression} {direction}, d.id {direction} LIMIT {{}}"
        join, join_args = _sort_join(plan)
        if q.text:
            join = f"JOIN document d ON d.id = s.document {join}"
        sql = f"{columns} {q.from_where(join)}{keyset} {order}"
        rows = await select(SearchEntryTable, sql, *q.all_args(join_args), *keyset_args, limit)
        return _found(rows), await self._count(q, count_cap)

    async def _ranked_page(
        self,
        q: _Sql,
        plan: SearchPlan,
        after: tuple[Any, str] | None,
        limit: int,
        count_cap: int,
        direction: str,
    ) -> tuple[list[Found], int]:
        """A page in relevance order. The search finds its matches once, up to the count's cap,
        in the order the index yields them, and ranks only those (ranking reads each match's
        vector or positions, and a common word is in a third of all documents); the page is
        cut from the ranked matches before the entries' texts and the documents are read, so
        only the page's rows are fetched."""
        if _postgres():
            matches, match_args = q.matches("s.id AS id, s.document AS document", ranked=True)
            found = (
                f"WITH found AS MATERIALIZED ({matches} LIMIT {{}}) "
                "SELECT id, document, r, (SELECT count(*) FROM found) AS total FROM found"
            )
        elif q.scan:
            # Each entry of the few dossiers is ranked once (NULL: not every word in it).
            match_args = q.all_args()
            found = (
                "WITH scored AS MATERIALIZED (SELECT s.id AS id, s.document AS document, "
                f"{q.rank} AS r {q.from_where(match=False)}) "
                "SELECT id, document, r, count(*) OVER () AS total FROM "
                "(SELECT id, document, r FROM scored WHERE r IS NOT NULL LIMIT {})"
            )
        else:
            # bm25 needs the FTS5 cursor: ranked inside, counted by a window over the cap.
            match_args = q.all_args()
            found = (
                "SELECT id, document, r, count(*) OVER () AS total FROM "
                f"(SELECT s.id AS id, s.document AS document, {q.rank} AS r "
                f"{q.from_where()} LIMIT {{}})"
            )
        keyset, keyset_args = _keyset(plan, "f.r", after, "f.document")
        page = (
            f"SELECT f.* FROM ({found}) AS f WHERE TRUE{keyset} "
            f"ORDER BY f.r {direction}, f.document {direction} LIMIT {{}}"
        )
        sql = (
            "SELECT d.*, found.r AS search_rank, found.r AS search_sort, "
            "s.body AS search_body, s.keys AS search_keys, found.total AS search_total "
            f"FROM ({page}) AS found "
            "JOIN search_entry s ON s.id = found.id JOIN document d ON d.id = found.document "
            f"ORDER BY found.r {direction}, d.id {direction}"
        )
        rows = await select(SearchEntryTable, sql, *match_args, count_cap + 1, *keyset_args, limit)
        if rows or after is None:  # no match at all when the first page is empty
            return _found(rows), int(rows[0]["search_total"]) if rows else 0
        return [], await self._count(q, count_cap)

    async def _sql(
        self, tenant_id: str, plan: SearchPlan, visible: Visibility, wanted: int | None = None
    ) -> _Sql:
        """The search's SQL. On PostgreSQL a prefix with few words matches as those words, and
        one with more, when the search needs at most ``wanted`` matches (a capped count or a
        ranked page), reads the head of its words first (:mod:`.expansion`)."""
        head: tuple[str, ...] = ()
        every: tuple[str, ...] = ()
        prefix = prefix_of(plan.query)
        if prefix is not None and _postgres():
            words = await completions(tenant_id, prefix)
            # A head only where its matches are all matches: no field condition, every
            # document readable (a user who reads a few customers is narrowed the same way).
            # It reads a few of the words where every word would be read otherwise.
            broad = visible.everything and not narrowed(plan)
            if wanted is not None and broad:
                head = head_words(words, wanted)
            if not head:
                every = every_word(words)
        return _Sql(
            tenant_id,
            plan,
            visible,
            scan=await self._scans(tenant_id, plan),
            head=head,
            every=every,
        )

    async def _scans(self, tenant_id: str, plan: SearchPlan) -> bool:
        """Whether SQLite tests the words entry by entry: a search with text within customers
        that have at most :data:`SCAN_LIMIT` entries together (one index count to know)."""
        if _postgres() or plan.query.empty:
            return False
        if plan.document_ids:  # a view's test of single documents (notifications)
            return len(plan.document_ids) <= SCAN_LIMIT
        if not plan.customer_ids:
            return False
        rows = await select(
            SearchEntryTable,
            "SELECT count(*) AS n FROM (SELECT 1 FROM search_entry WHERE tenant = {} "
            f"AND customer IN ({in_list(plan.customer_ids)}) LIMIT {{}}) AS scoped",
            tenant_id,
            *plan.customer_ids,
            SCAN_LIMIT + 1,
        )
        return int(rows[0]["n"]) <= SCAN_LIMIT

    async def count(self, tenant_id: str, plan: SearchPlan, visible: Visibility, cap: int) -> int:
        """Documents found, counted up to ``cap + 1`` (more than ``cap`` means "more")."""
        return await self._count(await self._sql(tenant_id, plan, visible, cap + 1), cap)

    async def _count(self, q: _Sql, cap: int) -> int:
        """Documents found, counted up to ``cap + 1`` (more than ``cap`` means "more")."""
        matches, args = q.matches("1")
        rows = await select(
            SearchEntryTable,
            f"SELECT count(*) AS n FROM ({matches} LIMIT {{}}) AS found",
            *args,
            cap + 1,
        )
        return int(rows[0]["n"])

    async def groups(
        self, tenant_id: str, plan: SearchPlan, visible: Visibility
    ) -> list[SearchGroup]:
        """Documents found per customer, register, type or month (at most ``MAX_GROUPS``)."""
        q = await self._sql(tenant_id, plan, visible)
        group_by = plan.group_by
        order = "n DESC, label, key"
        a, doc = q.alias, q.doc
        if group_by is GroupBy.CUSTOMER:
            join = f"JOIN customer gc ON gc.id = {a}.customer"
            key, label = f"{a}.customer", "gc.name"
        elif group_by is GroupBy.DOCUMENT_TYPE:
            join = f"JOIN document_type gt ON gt.id = {a}.document_type"
            key, label = f"{a}.document_type", "gt.name"
        elif group_by is GroupBy.REGISTER:
            join = (
                f"JOIN document_register gr ON gr.document = {doc} "
                "JOIN register g ON g.id = gr.register"
            )
            key, label = "gr.register", "g.name"
        else:
            join, order = "", "key DESC"
            key = (
                f"to_char({a}.document_date, 'YYYY-MM')"
                if _postgres()
                else f"substr({a}.document_date, 1, 7)"
            )
            label = key
        rows = await select(
            SearchEntryTable,
            f"SELECT {key} AS key, {label} AS label, count(*) AS n {q.from_where(join)} "
            f"GROUP BY {key}, {label} ORDER BY {order} LIMIT {MAX_GROUPS}",
            *q.all_args(),
        )
        return [SearchGroup(str(r["key"]), str(r["label"]), int(r["n"])) for r in rows]

    async def refresh(self, tenant_id: str, document_ids: list[str]) -> None:
        await refresh_documents(tenant_id, document_ids)

    async def reindex(self, tenant_id: str) -> int:
        """Rebuild every entry of the tenant; the number of entries."""
        await refresh_tenant(tenant_id)
        rows = await select(
            SearchEntryTable, "SELECT count(*) AS n FROM search_entry WHERE tenant = {}", tenant_id
        )
        return int(rows[0]["n"])

    @across_tenants
    async def tenant_ids(self) -> list[str]:
        """Every tenant, for ``dossier reindex`` (an operator command, in the system scope)."""
        rows = await select(SearchEntryTable, "SELECT id FROM tenant ORDER BY slug")
        return [str(r["id"]) for r in rows]
