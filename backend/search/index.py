"""Keeping ``search_entry`` current: one set-based statement rebuilds the entries of any set of
documents (one, a customer's, a type's, a tenant's) from the rows they are made of.

Metadata changes call :func:`refresh_documents` in their own transaction, so a search never finds
a title that was changed or a document that was deleted; text extracted by a job arrives through
the ``search.index`` job (:mod:`backend.search.jobs`). Rebuilding is idempotent: the entries are
deleted and inserted again, and the engines' triggers keep the full-text index in step.
"""

from __future__ import annotations

from typing import Any

from backend.persistence.sql import in_list
from backend.search.tables import SearchEntryTable
from backend.search.tags import SQLITE_TAGS

__all__ = ["MAX_BODY", "refresh_customer", "refresh_documents", "refresh_tenant"]

MAX_BODY = 100_000
"""Characters of a version's text that are indexed (a PostgreSQL tsvector holds at most 1 MB)."""


def _is_postgres() -> bool:
    return bool(SearchEntryTable._meta.db.engine_type == "postgres")


def _entries_sql(selection: str) -> str:
    """INSERT … SELECT of the entries of the live documents ``d`` that ``selection`` picks."""
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
        "INSERT INTO search_entry (tenant, document, title, keys, body, "
        "customer, document_type, document_date, created_at, status, tags) "
        "SELECT d.tenant, d.id, d.title, "
        "c.name || ' ' || c.erp_number || ' ' || t.name || ' ' || coalesce(("
        f"SELECT {values} FROM document_index_value v WHERE v.document = d.id), ''), "
        f"coalesce((SELECT {body} FROM version_text x "
        "JOIN document_version dv ON dv.id = x.version "
        "WHERE x.document = d.id AND dv.number = d.version_count AND x.state = 'ready'), '') "
        f", d.customer, d.document_type, d.document_date, d.created_at, d.status, {tags} "
        "FROM document d JOIN customer c ON c.id = d.customer "
        "JOIN document_type t ON t.id = d.document_type "
        f"WHERE d.tenant = {{}} AND d.status <> 'deleted' AND {selection} "
        # Two transactions rebuilding one document's entry at once (a customer renamed while one
        # of its documents is edited) both delete before either inserts: the later insert
        # replaces the earlier one instead of failing on the unique document.
        "ON CONFLICT (document) DO UPDATE SET title = excluded.title, keys = excluded.keys, "
        "body = excluded.body, customer = excluded.customer, "
        "document_type = excluded.document_type, document_date = excluded.document_date, "
        "created_at = excluded.created_at, status = excluded.status, tags = excluded.tags"
    )


async def _rebuild(tenant_id: str, selection: str, args: list[Any]) -> None:
    """Replace the entries of the documents ``selection`` (a condition on ``document d``)
    names. Runs in the caller's transaction, if any."""
    await SearchEntryTable.raw(
        "DELETE FROM search_entry WHERE tenant = {} AND document IN "
        f"(SELECT d.id FROM document d WHERE d.tenant = {{}} AND {selection})",
        tenant_id,
        tenant_id,
        *args,
    )
    await SearchEntryTable.raw(_entries_sql(selection), tenant_id, *args)


async def refresh_documents(tenant_id: str, document_ids: list[str]) -> None:
    """Rebuild the entries of these documents (a deleted or unknown one ends up with none)."""
    if document_ids:
        await _rebuild(tenant_id, f"d.id IN ({in_list(document_ids)})", list(document_ids))


async def refresh_customer(tenant_id: str, customer_id: str) -> None:
    """After the customer's name or number changed: every document of the customer."""
    await _rebuild(tenant_id, "d.customer = {}", [customer_id])


async def refresh_tenant(tenant_id: str) -> None:
    """Every document of the tenant (``dossier reindex``)."""
    await _rebuild(tenant_id, "1 = 1", [])
