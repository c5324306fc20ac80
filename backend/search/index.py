"""Keeping ``search_entry`` current: set-based statements bring the entries of any set of
documents (one, a customer's, a type's, a tenant's) up to date from the rows they are made of.

Metadata changes call :func:`refresh_documents` in their own transaction, so a search never finds
a title that was changed or a document that was deleted; text extracted by a job arrives through
the ``search.index`` job (:mod:`backend.search.jobs`). Only what differs is written (an entry that
is still right keeps its row, its vector and its words; docs/adr/0033), which gives exactly what
deleting and inserting the entries again gives: :func:`refresh_tenant` (``dossier reindex``) still
does that. Both are idempotent, and the engines' triggers keep the full-text index in step.
"""

from __future__ import annotations

from typing import Any

from backend.persistence.sql import in_ids
from backend.search.tables import SearchEntryTable
from backend.search.tags import SQLITE_TAGS

__all__ = ["MAX_BODY", "refresh_customer", "refresh_documents", "refresh_tenant"]

MAX_BODY = 100_000
"""Characters of a version's text that are indexed (a PostgreSQL tsvector holds at most 1 MB)."""


def _is_postgres() -> bool:
    return bool(SearchEntryTable._meta.db.engine_type == "postgres")


_COLUMNS = (
    "title",
    "keys",
    "body",
    "customer",
    "document_type",
    "document_date",
    "created_at",
    "status",
    "tags",
)
"""What an entry is made of besides its tenant and document, all rebuilt from the rows."""


def _entries_select(selection: str) -> str:
    """SELECT of the entries (tenant, document and :data:`_COLUMNS`) of the live documents
    ``d`` that ``selection`` picks."""
    if _is_postgres():
        number = "v.number_value::text"
        values = "string_agg(concat_ws(' ', v.text_value, {number}, v.date_value::text), ' ')"
        body = f"left(x.text, {MAX_BODY})"
        tags = "''"  # PostgreSQL filters by its B-tree indexes on the columns themselves
    else:
        number = (
            "CASE WHEN v.number_value = CAST(v.number_value AS INTEGER) "
            "THEN CAST(CAST(v.number_value AS INTEGER) AS TEXT) "
            "ELSE CAST(v.number_value AS TEXT) END"
        )
        values = (
            "group_concat(coalesce(v.text_value, '') || ' ' || coalesce({number}, '') || ' ' "
            "|| coalesce(v.date_value, ''), ' ')"
        )
        body = f"substr(x.text, 1, {MAX_BODY})"
        tags = SQLITE_TAGS.format(a="d")
    values = values.format(number=number)
    return (
        "SELECT d.tenant AS tenant, d.id AS document, d.title AS title, "
        "c.name || ' ' || c.erp_number || ' ' || t.name || ' ' || coalesce(("
        f"SELECT {values} FROM document_index_value v WHERE v.document = d.id), '') AS keys, "
        f"coalesce((SELECT {body} FROM version_text x "
        "JOIN document_version dv ON dv.id = x.version "
        "WHERE x.document = d.id AND dv.number = d.version_count AND x.state = 'ready'), '') "
        "AS body, d.customer AS customer, d.document_type AS document_type, "
        "d.document_date AS document_date, d.created_at AS created_at, d.status AS status, "
        f"{tags} AS tags "
        "FROM document d JOIN customer c ON c.id = d.customer "
        "JOIN document_type t ON t.id = d.document_type "
        f"WHERE d.tenant = {{}} AND d.status <> 'deleted' AND {selection}"
    )


def _insert_sql(selection: str, *, missing_only: bool) -> str:
    """INSERT … SELECT of the entries of ``selection`` (only of documents that have none yet,
    if ``missing_only``)."""
    names = ", ".join(_COLUMNS)
    missing = (
        " AND NOT EXISTS (SELECT 1 FROM search_entry e WHERE e.document = d.id)"
        if missing_only
        else ""
    )
    return (
        f"INSERT INTO search_entry (tenant, document, {names}) "
        f"SELECT n.tenant, n.document, {', '.join(f'n.{c}' for c in _COLUMNS)} "
        f"FROM ({_entries_select(f'({selection}){missing}')}) AS n "
        "WHERE true "  # SQLite reads an upsert's SELECT without a WHERE ambiguously
        # Two transactions building one document's entry at once (a customer renamed while one
        # of its documents is edited) may both find none: the later insert replaces the earlier
        # one instead of failing on the unique document.
        "ON CONFLICT (document) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS)
    )


def _update_sql(selection: str) -> str:
    """UPDATE of the entries of ``selection`` that differ from what their rows make now; an
    entry that is still right is not written (no new row version, no index or word changes)."""
    distinct = "IS DISTINCT FROM" if _is_postgres() else "IS NOT"
    stored = ", ".join(f"e.{c}" for c in _COLUMNS)
    fresh = ", ".join(f"n.{c}" for c in _COLUMNS)
    # Materialised first, then joined by document: the cost follows the documents selected,
    # not the tenant's entries (a flattened join scanned all of them on SQLite).
    return (
        f"WITH n AS MATERIALIZED ({_entries_select(selection)}) "
        "UPDATE search_entry AS e SET " + ", ".join(f"{c} = n.{c}" for c in _COLUMNS) + " FROM n "
        f"WHERE e.document = n.document AND e.tenant = n.tenant AND ({stored}) {distinct} ({fresh})"
    )


async def _rebuild(tenant_id: str, selection: str, args: list[Any]) -> None:
    """Replace the entries of the documents ``selection`` (a condition on ``document d``)
    names, every one of them. Runs in the caller's transaction, if any."""
    await SearchEntryTable.raw(
        "DELETE FROM search_entry WHERE tenant = {} AND document IN "
        f"(SELECT d.id FROM document d WHERE d.tenant = {{}} AND {selection})",
        tenant_id,
        tenant_id,
        *args,
    )
    await SearchEntryTable.raw(_insert_sql(selection, missing_only=False), tenant_id, *args)


async def _bring_up_to_date(tenant_id: str, selection: str, args: list[Any]) -> None:
    """Make the entries of the documents ``selection`` names what their rows make now, writing
    only what differs: deleted documents lose theirs, changed entries are updated in place,
    missing ones are added. The result is the same as :func:`_rebuild`'s; an edit of some
    documents' titles costs the entries of those documents only. Runs in the caller's
    transaction, if any."""
    await SearchEntryTable.raw(
        "DELETE FROM search_entry WHERE tenant = {} AND document IN "
        "(SELECT d.id FROM document d WHERE d.tenant = {} AND d.status = 'deleted' "
        f"AND {selection})",
        tenant_id,
        tenant_id,
        *args,
    )
    await SearchEntryTable.raw(_update_sql(selection), tenant_id, *args)
    await SearchEntryTable.raw(_insert_sql(selection, missing_only=True), tenant_id, *args)


async def refresh_documents(tenant_id: str, document_ids: list[str]) -> None:
    """Rebuild the entries of these documents (a deleted or unknown one ends up with none)."""
    if document_ids:
        wanted, value = in_ids(SearchEntryTable, document_ids)
        await _bring_up_to_date(tenant_id, f"d.id {wanted}", [value])


async def refresh_customer(tenant_id: str, customer_id: str) -> None:
    """After the customer's name or number changed: every document of the customer."""
    await _bring_up_to_date(tenant_id, "d.customer = {}", [customer_id])


async def refresh_tenant(tenant_id: str) -> None:
    """Every document of the tenant, every entry written again (``dossier reindex``: also after
    the way entries are indexed changed, when the entries' own columns did not)."""
    await _rebuild(tenant_id, "1 = 1", [])
