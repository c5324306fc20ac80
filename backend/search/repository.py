"""Search as SQL for each engine: the full-text match (PostgreSQL tsquery on ``search_entry.tsv``,
SQLite FTS5 on ``search_entry_fts``) joined to ``document`` and combined with the field
conditions, the principal's visibility condition, a sort with keyset pagination, a capped count
and counts per group. Only fixed identifiers are interpolated; every value is a bound parameter.
"""

from __future__ import annotations

from typing import Any

from backend.access.policy import Visibility
from backend.documents.repository import document_from_row
from backend.persistence.scope import across_tenants, tenant_scoped
from backend.persistence.sql import in_list, select
from backend.persistence.visibility import document_condition
from backend.search.criteria import GroupBy, SortKey
from backend.search.index import refresh_documents, refresh_tenant
from backend.search.models import Found, SearchGroup, SearchPlan
from backend.search.tables import SearchEntryTable

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
CANDIDATES = 2_000
"""Matches ranked at most, for the relevance sort: the first found in index order. Ranking reads
each match's vector or position lists (about 16 µs a row on PostgreSQL), so a common word would
otherwise rank hundreds of thousands of rows to show 50; the count is not limited by this."""


def _postgres() -> bool:
    return bool(SearchEntryTable._meta.db.engine_type == "postgres")


class _Sql:
    """One search's FROM and WHERE, with its parameters in order."""

    def __init__(self, tenant_id: str, plan: SearchPlan, visible: Visibility) -> None:
        self.source_args: list[Any] = []
        self.args: list[Any] = []
        """The WHERE's parameters (the source's are in ``source_args``)."""
        text = not plan.query.empty
        postgres = _postgres()
        if text and postgres:
            self.rank = "ts_rank(s.tsv, q.q)"
            self.source = (
                "document d JOIN search_entry s ON s.document = d.id "
                "CROSS JOIN to_tsquery('dossier_search', {}) AS q(q)"
            )
            self.source_args.append(plan.query.tsquery())
            where = ["s.tsv @@ q.q"]
        elif text:
            self.rank = f"(-{_BM25})"
            if plan.customer_ids or plan.document_ids:
                # Within a few dossiers (or documents): SQLite's planner would start from the
                # full-text match (every document of a common word); CROSS JOIN fixes the order,
                # so the customers' documents are read by index. The match is evaluated once, as a
                # set of rowids: probing FTS5 per document merges a prefix's doclists per probe.
                # No rank here: the page ranks in an outer query (see ``page``).
                self.source = "document d CROSS JOIN search_entry s ON s.document = d.id"
                where = [
                    "+s.id IN (SELECT rowid FROM search_entry_fts WHERE search_entry_fts MATCH {})"
                ]
            else:
                self.source = (
                    "search_entry_fts JOIN search_entry s ON s.id = search_entry_fts.rowid "
                    "JOIN document d ON d.id = s.document"
                )
                where = ["search_entry_fts MATCH {}"]
            self.args.append(plan.query.fts5())
        else:
            self.rank = "0.0"
            self.source = "document d LEFT JOIN search_entry s ON s.document = d.id"
            where = []
        where += ["d.tenant = {}", "d.status <> 'deleted'"]
        self.args.append(tenant_id)
        self.where = where
        if not visible.everything:
            condition, more = document_condition(visible)
            self._add(condition, more)
        for column, ids in (
            ("d.id", plan.document_ids),
            ("d.customer", plan.customer_ids),
            ("d.document_type", plan.document_type_ids),
            ("d.status", plan.statuses),
        ):
            if ids:
                self._add(f"{column} IN ({in_list(ids)})", list(ids))
        if plan.register_ids:
            self._add(
                "EXISTS (SELECT 1 FROM document_register fr WHERE fr.document = d.id "
                f"AND fr.register IN ({in_list(plan.register_ids)}))",
                list(plan.register_ids),
            )
        for column, op, value in (
            ("d.document_date", ">=", plan.date_from),
            ("d.document_date", "<", plan.date_until),
            ("d.created_at", ">=", plan.created_from),
            ("d.created_at", "<", plan.created_until),
        ):
            if value is not None:
                self._add(f"{column} {op} {{}}", [value])
        for field, column, equals, minimum, maximum in plan.index_bounds:
            cond = ["v.document = d.id", "v.field = {}"]
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

    def from_where(self, joins: str = "") -> str:
        return f"FROM {self.source} {joins} WHERE {' AND '.join(self.where)}"

    def all_args(self, join_args: list[Any] | None = None) -> list[Any]:
        """Parameters in the order of :meth:`from_where`'s text."""
        return [*self.source_args, *(join_args or []), *self.args]


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


@tenant_scoped
class PiccoloSearchRepository:
    async def page(
        self,
        tenant_id: str,
        plan: SearchPlan,
        visible: Visibility,
        after: tuple[Any, str] | None,
        limit: int,
    ) -> list[Found]:
        """Up to ``limit`` documents in sort order, after the keyset position ``after``
        (sort value, id). Ties are broken by id; index values that are missing sort last."""
        q = _Sql(tenant_id, plan, visible)
        join, join_args = _sort_join(plan)
        expression = _sort_expression(plan, q.rank)
        direction, op = ("DESC", "<") if plan.descending else ("ASC", ">")
        # Only an index value can be missing; other sort values are never NULL (and the rank
        # is not computed once more per row for nothing).
        nullable = plan.sort is SortKey.INDEX
        nulls_last = f"({expression} IS NULL), " if nullable else ""
        keyset_args: list[Any] = []
        keyset = ""
        if after is not None:
            value, last_id = after
            if value is None:
                keyset = f" AND ({expression} IS NULL AND d.id {op} {{}})"
                keyset_args.append(last_id)
            else:
                missing = f"{expression} IS NULL OR " if nullable else ""
                keyset = (
                    f" AND ({missing}{expression} {op} {{}} "
                    f"OR ({expression} = {{}} AND d.id {op} {{}}))"
                )
                keyset_args += [value, value, last_id]
        columns = (
            f"SELECT d.*, {q.rank} AS search_rank, {expression} AS search_sort, "
            "s.body AS search_body, s.keys AS search_keys"
        )
        order = f"ORDER BY {nulls_last}{expression} {direction}, d.id {direction} LIMIT {{}}"
        text = not plan.query.empty
        relevance = plan.sort is SortKey.RELEVANCE
        if text and (relevance or (plan.customer_ids and not _postgres())):
            # Rank a bounded candidate set: the first CANDIDATES matches (every condition
            # applied, no rank computed), then rank those and cut the page. SQLite within
            # customers finds the matches without FTS5 in the join, so it ranks them here too.
            limit_candidates = f" LIMIT {CANDIDATES}" if relevance else ""
            candidates = f"SELECT s.id {q.from_where()}{limit_candidates}"
            # SQLite: "+" keeps the rowid list away from FTS5, which would otherwise probe the
            # match once per candidate (merging a prefix's doclists each time).
            if _postgres():
                sql = (
                    f"{columns} FROM ({candidates}) AS found "
                    "JOIN search_entry s ON s.id = found.id JOIN document d ON d.id = s.document "
                    "CROSS JOIN to_tsquery('dossier_search', {}) AS q(q) "
                    f"WHERE TRUE{keyset} {order}"
                )
                args = [*q.all_args(), plan.query.tsquery()]
            else:
                sql = (
                    f"{columns} FROM search_entry_fts "
                    "JOIN search_entry s ON s.id = search_entry_fts.rowid "
                    f"JOIN document d ON d.id = s.document {join} "
                    f"WHERE search_entry_fts MATCH {{}} AND +search_entry_fts.rowid IN "
                    f"({candidates}){keyset} {order}"
                )
                args = [*join_args, plan.query.fts5(), *q.all_args()]
            rows = await select(SearchEntryTable, sql, *args, *keyset_args, limit)
        else:
            sql = f"{columns} {q.from_where(join)}{keyset} {order}"
            rows = await select(SearchEntryTable, sql, *q.all_args(join_args), *keyset_args, limit)
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

    async def count(self, tenant_id: str, plan: SearchPlan, visible: Visibility, cap: int) -> int:
        """Documents found, counted up to ``cap + 1`` (more than ``cap`` means "more")."""
        q = _Sql(tenant_id, plan, visible)
        rows = await select(
            SearchEntryTable,
            f"SELECT count(*) AS n FROM (SELECT 1 {q.from_where()} LIMIT {{}}) AS found",
            *q.all_args(),
            cap + 1,
        )
        return int(rows[0]["n"])

    async def groups(
        self, tenant_id: str, plan: SearchPlan, visible: Visibility
    ) -> list[SearchGroup]:
        """Documents found per customer, register, type or month (at most ``MAX_GROUPS``)."""
        q = _Sql(tenant_id, plan, visible)
        group_by = plan.group_by
        order = "n DESC, label, key"
        if group_by is GroupBy.CUSTOMER:
            join, key, label = "JOIN customer gc ON gc.id = d.customer", "d.customer", "gc.name"
        elif group_by is GroupBy.DOCUMENT_TYPE:
            join = "JOIN document_type gt ON gt.id = d.document_type"
            key, label = "d.document_type", "gt.name"
        elif group_by is GroupBy.REGISTER:
            join = (
                "JOIN document_register gr ON gr.document = d.id "
                "JOIN register g ON g.id = gr.register"
            )
            key, label = "gr.register", "g.name"
        else:
            join, order = "", "key DESC"
            key = (
                "to_char(d.document_date, 'YYYY-MM')"
                if _postgres()
                else "substr(d.document_date, 1, 7)"
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
