"""Concurrent requests: on SQLite writes queue behind one lock instead of failing with
"database is locked"; on PostgreSQL they run side by side. Both must come out whole."""

from __future__ import annotations

import asyncio

from backend.documents.models import DocumentFilter, DocumentSort
from tests.factories import TenantContext, make_document, pdf_bytes


async def test_thirty_concurrent_uploads_all_succeed(tenant_ctx: TenantContext) -> None:
    customer = await tenant_ctx.customer()
    runtime = tenant_ctx.runtime
    documents = await asyncio.gather(
        *(
            make_document(
                runtime,
                tenant_ctx.principal,
                customer.id,
                tenant_ctx.types["invoice"],
                title=f"concurrent {i}",
                data=pdf_bytes(f"concurrent {i}"),
                services=runtime.services(),  # one request each
            )
            for i in range(30)
        )
    )
    assert len({d.id for d in documents}) == 30
    assert await tenant_ctx.count("document") == 30
    assert await tenant_ctx.count("document_version") == 30
    assert await tenant_ctx.count("document_index_value") == 60
    assert await tenant_ctx.count("blob") == 30
    assert len(tenant_ctx.blob_files()) == 30
    page = await runtime.services().documents.list(
        tenant_ctx.principal, customer.id, DocumentFilter(), DocumentSort(), 100, None
    )
    assert len(page.items) == 30


async def test_concurrent_uploads_of_identical_content_store_one_blob(
    tenant_ctx: TenantContext,
) -> None:
    customer = await tenant_ctx.customer()
    data = pdf_bytes("everyone uploads the same scan")
    await asyncio.gather(*(tenant_ctx.document(customer, data=data) for _ in range(10)))
    assert await tenant_ctx.count("document") == 10
    assert await tenant_ctx.count("blob") == 1
    assert len(tenant_ctx.blob_files()) == 1


async def test_reads_and_writes_interleave(tenant_ctx: TenantContext) -> None:
    customer = await tenant_ctx.customer()
    runtime = tenant_ctx.runtime

    async def read() -> int:
        page = await runtime.services().documents.list(
            tenant_ctx.principal, customer.id, DocumentFilter(), DocumentSort(), 100, None
        )
        return len(page.items)

    results = await asyncio.gather(
        *(tenant_ctx.document(customer) for _ in range(10)),
        *(read() for _ in range(10)),
        *(tenant_ctx.customer() for _ in range(10)),
    )
    counts = [r for r in results if isinstance(r, int)]
    assert all(0 <= n <= 10 for n in counts)
    assert await read() == 10
    assert await tenant_ctx.count("customer") == 11
