"""Entries brought up to date in place (only what differs is written) are exactly what a full
rebuild makes: columns, the full-text vector (PostgreSQL) and the word counts of prefix search."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.customers.models import CustomerDraft
from backend.documents.models import MetadataPatch
from backend.persistence.scope import tenant_scope
from backend.search.index import refresh_documents, refresh_tenant
from tests.factories import TenantContext
from tests.search.conftest import extract, search, titles

_COLUMNS = (
    "document, title, keys, body, customer, document_type, document_date, created_at, status, tags"
)


async def _entries(ctx: TenantContext) -> list[dict[str, Any]]:
    database = ctx.runtime.database
    vector = ", tsv::text AS tsv" if database.is_postgres else ""
    with tenant_scope(ctx.tenant.id):
        rows = await database.fetch(
            f"SELECT {_COLUMNS}{vector} FROM search_entry WHERE tenant = {{}} ORDER BY document",  # noqa: S608
            ctx.tenant.id,
        )
    return [{k: str(v) for k, v in row.items()} for row in rows]


async def _words(ctx: TenantContext) -> dict[str, int]:
    """PostgreSQL: the entry count of each word, folded changes included (none on SQLite)."""
    database = ctx.runtime.database
    if not database.is_postgres:
        return {}
    with tenant_scope(ctx.tenant.id):
        rows = await database.fetch(
            "SELECT word, sum(entries) AS n FROM (SELECT word, entries FROM search_word "
            "WHERE tenant = {} UNION ALL SELECT word, entries FROM search_word_change "
            "WHERE tenant = {}) AS w GROUP BY word HAVING sum(entries) <> 0",
            ctx.tenant.id,
            ctx.tenant.id,
        )
    return {str(r["word"]): int(r["n"]) for r in rows}


async def test_entries_kept_up_to_date_equal_a_full_rebuild(tenant_ctx: TenantContext) -> None:
    ctx = tenant_ctx
    services = ctx.runtime.services()
    customer = await ctx.customer(name="Kowalski", erp_number="K-100")
    other = await ctx.customer(name="Nowak", erp_number="N-7")
    letter = await ctx.document(customer, title="Angebot Wärmepumpe")
    invoice = await ctx.document(customer, "invoice", title="Rechnung März")
    kept = await ctx.document(other, title="Unverändert")
    gone = await ctx.document(other, title="Wird gelöscht", document_date=dt.date(2000, 1, 5))
    await extract(ctx, letter, "Heizung und Solaranlage")
    documents = services.documents
    await documents.update_metadata(ctx.principal, letter.id, MetadataPatch(title="Auftrag"))
    await documents.update_metadata(ctx.principal, invoice.id, MetadataPatch(status="archived"))
    await documents.update_metadata(
        ctx.principal, invoice.id, MetadataPatch(document_date=dt.date(2021, 3, 4))
    )
    await documents.update_metadata(
        ctx.principal,
        invoice.id,
        MetadataPatch(index_values={"amount": {"amount": "250.00", "currency": "EUR"}}),
    )
    await services.customers.update(ctx.principal, customer.id, CustomerDraft(name="Kowal"))
    await services.archive.delete(ctx.principal, gone.id, "retention ended")
    database = ctx.runtime.database
    with tenant_scope(ctx.tenant.id):
        async with database.write():  # nothing changed: nothing is written
            await refresh_documents(ctx.tenant.id, [letter.id, invoice.id, kept.id, gone.id])
    kept_up = await _entries(ctx)
    words = await _words(ctx)
    assert sorted(e["title"] for e in kept_up) == ["Auftrag", "Rechnung März", "Unverändert"]
    with tenant_scope(ctx.tenant.id):
        async with database.write():
            await refresh_tenant(ctx.tenant.id)
    assert await _entries(ctx) == kept_up
    assert await _words(ctx) == words
    assert titles(await search(ctx, "kowal solaranlage")) == ["Auftrag"]
    assert titles(await search(ctx, "angebot")) == []


async def test_edits_of_text_with_letters_to_fold_leave_no_stale_words(
    tenant_ctx: TenantContext,
) -> None:
    # The full-text index is told what it indexed when an entry changes (SQLite folds ł, ß, ø …
    # in its triggers): the old words go, the new ones are found, folded or not.
    ctx = tenant_ctx
    documents = ctx.runtime.services().documents
    customer = await ctx.customer(name="Łódź Handel")
    first = await ctx.document(customer, title="Größe Kisten")
    plain = await ctx.document(customer, title="Rechnung")
    await documents.update_metadata(ctx.principal, first.id, MetadataPatch(title="Straße Øst"))
    await documents.update_metadata(ctx.principal, plain.id, MetadataPatch(title="Kłoda"))
    await documents.update_metadata(ctx.principal, plain.id, MetadataPatch(status="archived"))
    assert titles(await search(ctx, "grosse")) == []
    assert titles(await search(ctx, "rechnung")) == []
    assert titles(await search(ctx, "strasse ost")) == ["Straße Øst"]
    assert titles(await search(ctx, "kloda")) == ["Kłoda"]
    assert sorted(titles(await search(ctx, "lodz"))) == ["Kłoda", "Straße Øst"]
    kept_up = await _entries(ctx)
    with tenant_scope(ctx.tenant.id):
        async with ctx.runtime.database.write():
            await refresh_tenant(ctx.tenant.id)
    assert await _entries(ctx) == kept_up
    assert titles(await search(ctx, "kloda")) == ["Kłoda"]
