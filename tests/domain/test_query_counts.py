"""Query-count baselines: listing a dossier and batch-loading what a page shows costs a fixed
number of statements, whatever the page size (N+1 detection)."""

from __future__ import annotations

import asyncio

import pytest_asyncio

from backend.documents.models import DocumentFilter, DocumentSort, IndexFilter
from backend.persistence.engines import count_statements
from backend.runtime import Runtime
from tests.factories import TenantContext, make_tenant_context

PAGE_SIZES = (5, 20, 50)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def fifty(runtime: Runtime) -> tuple[TenantContext, str]:
    ctx = await make_tenant_context(runtime)
    customer = await ctx.customer()
    await asyncio.gather(
        *(ctx.document(customer, "invoice" if i % 2 else "letter") for i in range(50))
    )
    return ctx, customer.id


async def _cost(ctx: TenantContext, customer_id: str, first: int, filters: DocumentFilter) -> int:
    services = ctx.runtime.services()  # a fresh request: no warm caches
    with count_statements() as count:
        page = await services.documents.list(
            ctx.principal, customer_id, filters, DocumentSort(), first, None
        )
        ids = [d.id for d in page.items]
        versions = await services.documents.versions_of(ctx.principal, ids)
        registers = await services.documents.registers_of(ctx.principal, ids)
    assert len(page.items) == (first if filters.index == [] else min(first, 25))
    assert all(len(v) == 1 for v in versions)
    assert all(len(r) == 1 for r in registers)
    return count.value


async def test_listing_costs_the_same_for_every_page_size(
    fifty: tuple[TenantContext, str],
) -> None:
    ctx, customer_id = fifty
    costs = {n: await _cost(ctx, customer_id, n, DocumentFilter()) for n in PAGE_SIZES}
    assert set(costs.values()) == {3}, costs  # list + versions + registers


async def test_filtered_listing_costs_the_same_for_every_page_size(
    fifty: tuple[TenantContext, str],
) -> None:
    ctx, customer_id = fifty
    filters = DocumentFilter(
        document_type_id=ctx.types["invoice"].id,
        index=[IndexFilter("amount", minimum="1")],
    )
    costs = {n: await _cost(ctx, customer_id, n, filters) for n in PAGE_SIZES}
    assert set(costs.values()) == {4}, costs  # + the document types, read once per request


async def test_register_counts_cost_one_statement(fifty: tuple[TenantContext, str]) -> None:
    ctx, customer_id = fifty
    services = ctx.runtime.services()
    with count_statements() as count:
        counts = await services.documents.register_counts(ctx.principal, customer_id)
    assert sum(counts.values()) == 50
    assert count.value == 1
