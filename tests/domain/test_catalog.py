"""Tenant configuration: tenants, the register tree and document types."""

from __future__ import annotations

import pytest

from backend.errors import Conflict, NotFound, ValidationFailed
from backend.fields import FieldType
from backend.persistence.scope import system_scope
from backend.runtime import Runtime, Services
from tests.factories import COVER_SCHEMA, TenantContext, make_tenant, runtime_with, unique


async def test_create_tenant_with_cover_schema(services: Services) -> None:
    slug = unique("acme")
    tenant = await services.catalog.create_tenant(slug, "ACME", "pl", COVER_SCHEMA)
    assert (tenant.slug, tenant.name, tenant.locale) == (slug, "ACME", "pl")
    assert [f.key for f in tenant.cover_schema] == [f["key"] for f in COVER_SCHEMA]
    stored = await services.catalog.tenant_by_slug(slug)
    assert stored == tenant
    assert stored.cover_schema[0].type is FieldType.CHOICE
    with system_scope():  # listing all tenants is the operator's
        assert tenant in await services.catalog.list_tenants()


@pytest.mark.parametrize("slug", ["A", "Acme", "-acme", "acme_corp", "a" * 64, "ac me", ""])
async def test_bad_slugs_are_refused(services: Services, slug: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await services.catalog.create_tenant(slug, "X")
    assert caught.value.issues[0].code == "invalid_slug"


async def test_bad_locale_and_cover_schema_are_refused(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await services.catalog.create_tenant(unique("t"), "X", "fr")
    assert caught.value.issues[0].code == "invalid_locale"
    with pytest.raises(ValidationFailed) as caught:
        await services.catalog.create_tenant(unique("t"), "X", cover_schema=[{"key": "a"}])
    assert caught.value.issues[0].code == "invalid_type"


async def test_duplicate_slug_is_a_conflict(services: Services) -> None:
    slug = unique("t")
    await services.catalog.create_tenant(slug, "X")
    with pytest.raises(Conflict):
        await services.catalog.create_tenant(slug, "Y")


async def test_unknown_tenant_is_not_found(services: Services) -> None:
    with pytest.raises(NotFound):
        await services.catalog.tenant_by_slug(unique("missing"))
    with pytest.raises(NotFound):
        await services.catalog.tenant("00000000-0000-4000-8000-000000000000")


async def test_register_tree(tenant_ctx: TenantContext, services: Services) -> None:
    tenant_id = tenant_ctx.tenant.id
    child = await services.catalog.add_register(tenant_id, "reminders", "Reminders", "invoices")
    assert child.parent_id == tenant_ctx.registers["invoices"].id
    assert child.position == 6
    registers = await services.catalog.registers(tenant_id)
    assert [r.key for r in registers][-1] == "reminders"
    with pytest.raises(Conflict):
        await services.catalog.add_register(tenant_id, "reminders", "Again")
    with pytest.raises(NotFound):
        await services.catalog.add_register(tenant_id, "orphan", "Orphan", "no_such_parent")
    with pytest.raises(ValidationFailed):
        await services.catalog.add_register(tenant_id, "Bad Key", "Bad")


async def test_registers_are_per_tenant(tenant_ctx: TenantContext, runtime: Runtime) -> None:
    other = await runtime.services().catalog.create_tenant(unique("t"), "Other")
    assert await runtime.services().catalog.registers(other.id) == []
    await runtime.services().catalog.add_register(other.id, "invoices", "Invoices")


async def test_document_types(tenant_ctx: TenantContext, services: Services) -> None:
    tenant_id = tenant_ctx.tenant.id
    invoice = tenant_ctx.types["invoice"]
    assert await services.catalog.document_type(tenant_id, invoice.id) == invoice
    assert [f.key for f in invoice.fields] == ["invoice_number", "amount", "due_date"]
    assert invoice.default_registers == ["invoices"]
    assert invoice.retention_years == 10
    with pytest.raises(Conflict):
        await services.catalog.add_document_type(tenant_id, "invoice", "Invoice again")
    with pytest.raises(ValidationFailed) as caught:
        await services.catalog.add_document_type(
            tenant_id, "memo", "Memo", default_registers=["nowhere"]
        )
    assert caught.value.issues[0].code == "unknown_register"
    with pytest.raises(ValidationFailed) as caught:
        await services.catalog.add_document_type(tenant_id, "memo", "Memo", retention_years=101)
    assert caught.value.issues[0].code == "out_of_range"
    with pytest.raises(NotFound):
        await services.catalog.document_type(tenant_id, "00000000-0000-4000-8000-000000000000")


async def test_new_document_type_is_seen_by_the_same_request(
    tenant_ctx: TenantContext, services: Services
) -> None:
    tenant_id = tenant_ctx.tenant.id
    before = await services.catalog.document_types(tenant_id)
    memo = await services.catalog.add_document_type(tenant_id, "memo", "Memo")
    after = await services.catalog.document_types(tenant_id)
    assert len(after) == len(before) + 1
    assert await services.catalog.document_type(tenant_id, memo.id) == memo


async def test_the_process_catalog_cache_sees_changes_made_by_another_process(
    runtime: Runtime,
) -> None:
    """Two runtimes on one database stand for two server processes with their own caches."""
    first, second = runtime_with(runtime), runtime_with(runtime)
    setup = await make_tenant(first)
    tenant_id = setup.tenant.id
    before = await first.services().catalog.registers(tenant_id)
    assert await first.services().catalog.registers(tenant_id) == before  # served from cache
    await second.services().catalog.add_register(tenant_id, "visits", "Visits")
    after = await first.services().catalog.registers(tenant_id)
    assert [r.key for r in after] == [r.key for r in before] + ["visits"]
    await second.services().catalog.add_document_type(tenant_id, "memo", "Memo")
    assert "memo" in {t.key for t in await first.services().catalog.document_types(tenant_id)}
