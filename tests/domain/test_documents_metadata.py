"""Metadata changes: one history entry per changed field, revisions, conflicts and registers."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.access.policy import Role
from backend.documents.models import (
    Document,
    DocumentFilter,
    DocumentSort,
    IndexFilter,
    MetadataPatch,
)
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.runtime import Services
from tests.factories import TenantContext, make_tenant_context

INVOICE_VALUES = {
    "invoice_number": "4711",
    "amount": {"amount": "100", "currency": "EUR"},
    "due_date": "2030-02-01",
}


async def invoice(ctx: TenantContext) -> Document:
    customer = await ctx.customer()
    return await ctx.document(
        customer,
        "invoice",
        title="Invoice 4711",
        document_date=dt.date(2030, 1, 1),
        index_values=dict(INVOICE_VALUES),
    )


def history_rows(changes: list) -> list[tuple[int, str, object, object]]:  # type: ignore[type-arg]
    return [(c.revision, c.field, c.old_value, c.new_value) for c in changes]


async def test_each_changed_field_becomes_a_history_entry(
    tenant_ctx: TenantContext, services: Services
) -> None:
    document = await invoice(tenant_ctx)
    updated = await services.documents.update_metadata(
        tenant_ctx.principal,
        document.id,
        MetadataPatch(
            title="Invoice 4711 (corrected)",
            index_values={"amount": {"amount": "119", "currency": "EUR"}},
        ),
    )
    assert updated.revision == 2
    assert updated.title == "Invoice 4711 (corrected)"
    assert updated.index_values == {
        **INVOICE_VALUES,
        "amount": {"amount": "119.00", "currency": "EUR"},
    }
    assert updated.document_date == document.document_date
    assert await services.documents.get(tenant_ctx.principal, document.id) == updated

    history = await services.documents.history(tenant_ctx.principal, document.id)
    assert history_rows(history) == [
        (
            2,
            "indexValues.amount",
            {"amount": "100.00", "currency": "EUR"},
            {"amount": "119.00", "currency": "EUR"},
        ),
        (2, "title", "Invoice 4711", "Invoice 4711 (corrected)"),
    ]
    assert all(c.changed_by == tenant_ctx.admin.id for c in history)
    assert all(c.document_id == document.id for c in history)


async def test_revisions_count_up_and_history_accumulates(
    tenant_ctx: TenantContext, services: Services
) -> None:
    document = await invoice(tenant_ctx)
    await services.documents.update_metadata(
        tenant_ctx.principal, document.id, MetadataPatch(status="archived")
    )
    third = await services.documents.update_metadata(
        tenant_ctx.principal,
        document.id,
        MetadataPatch(document_date=dt.date(2030, 1, 5), index_values={"due_date": None}),
    )
    assert third.revision == 3
    assert "due_date" not in third.index_values
    history = await services.documents.history(tenant_ctx.principal, document.id)
    assert history_rows(history) == [
        (2, "status", "active", "archived"),
        (3, "documentDate", "2030-01-01", "2030-01-05"),
        (3, "indexValues.due_date", "2030-02-01", None),
    ]


async def test_a_patch_that_changes_nothing_writes_nothing(
    tenant_ctx: TenantContext, services: Services
) -> None:
    document = await invoice(tenant_ctx)
    same = await services.documents.update_metadata(
        tenant_ctx.principal,
        document.id,
        MetadataPatch(
            title=" Invoice 4711 ",
            status="active",
            index_values={"amount": {"amount": "100.00", "currency": "EUR"}},
        ),
    )
    assert same.revision == 1
    assert await services.documents.history(tenant_ctx.principal, document.id) == []
    assert (await services.documents.get(tenant_ctx.principal, document.id)).revision == 1


async def test_expected_revision_must_match(tenant_ctx: TenantContext, services: Services) -> None:
    document = await invoice(tenant_ctx)
    await services.documents.update_metadata(
        tenant_ctx.principal, document.id, MetadataPatch(title="First edit"), expected_revision=1
    )
    with pytest.raises(Conflict) as caught:
        await services.documents.update_metadata(
            tenant_ctx.principal,
            document.id,
            MetadataPatch(title="Stale edit"),
            expected_revision=1,
        )
    assert caught.value.code == "conflict"
    stored = await services.documents.get(tenant_ctx.principal, document.id)
    assert (stored.title, stored.revision) == ("First edit", 2)
    assert len(await services.documents.history(tenant_ctx.principal, document.id)) == 1


async def test_invalid_patches_are_refused_and_write_nothing(
    tenant_ctx: TenantContext, services: Services
) -> None:
    document = await invoice(tenant_ctx)
    with pytest.raises(ValidationFailed) as caught:
        await services.documents.update_metadata(
            tenant_ctx.principal,
            document.id,
            MetadataPatch(
                title="  ",
                status="shredded",
                index_values={"due_date": "later", "colour": "red"},
            ),
        )
    assert {i.field: i.code for i in caught.value.issues} == {
        "title": "required",
        "status": "invalid_value",
        "indexValues.due_date": "invalid_value",
        "indexValues.colour": "unknown_field",
    }
    with pytest.raises(ValidationFailed) as caught:
        await services.documents.update_metadata(
            tenant_ctx.principal, document.id, MetadataPatch(index_values={"amount": None})
        )
    assert {i.field: i.code for i in caught.value.issues} == {"indexValues.amount": "required"}
    assert await services.documents.get(tenant_ctx.principal, document.id) == document
    assert await tenant_ctx.count("document_history") == 0


async def test_index_entries_follow_metadata_changes(
    tenant_ctx: TenantContext, services: Services
) -> None:
    document = await invoice(tenant_ctx)
    await services.documents.update_metadata(
        tenant_ctx.principal,
        document.id,
        MetadataPatch(index_values={"invoice_number": "4712", "due_date": None}),
    )
    invoice_type = tenant_ctx.types["invoice"].id

    async def found(*index: IndexFilter) -> bool:
        page = await services.documents.list(
            tenant_ctx.principal,
            document.customer_id,
            DocumentFilter(document_type_id=invoice_type, index=list(index)),
            DocumentSort(),
            10,
            None,
        )
        return [d.id for d in page.items] == [document.id]

    assert await found(IndexFilter("invoice_number", equals="4712"))
    assert not await found(IndexFilter("invoice_number", equals="4711"))
    assert not await found(IndexFilter("due_date", minimum="2000-01-01"))
    assert await found(IndexFilter("amount", equals="100"))
    assert await tenant_ctx.count("document_index_value") == 2


async def test_assign_registers_is_recorded(tenant_ctx: TenantContext, services: Services) -> None:
    document = await invoice(tenant_ctx)
    registers = tenant_ctx.registers
    wanted = [registers["contracts"].id, registers["invoices"].id]
    updated = await services.documents.assign_registers(tenant_ctx.principal, document.id, wanted)
    assert updated.revision == 2
    [filed] = await services.documents.registers_of(tenant_ctx.principal, [document.id])
    assert sorted(filed) == sorted(wanted)
    [change] = await services.documents.history(tenant_ctx.principal, document.id)
    assert (change.revision, change.field) == (2, "registers")
    assert change.old_value == [registers["invoices"].id]
    assert change.new_value == sorted(wanted)

    same = await services.documents.assign_registers(
        tenant_ctx.principal, document.id, list(reversed(wanted))
    )
    assert same.revision == 2  # nothing changed, nothing written
    assert len(await services.documents.history(tenant_ctx.principal, document.id)) == 1

    cleared = await services.documents.assign_registers(tenant_ctx.principal, document.id, [])
    assert cleared.revision == 3
    assert await services.documents.registers_of(tenant_ctx.principal, [document.id]) == [[]]
    counts = await services.documents.register_counts(tenant_ctx.principal, document.customer_id)
    assert counts == {}


async def test_assign_unknown_register_is_refused(
    tenant_ctx: TenantContext, services: Services
) -> None:
    document = await invoice(tenant_ctx)
    other = await make_tenant_context(tenant_ctx.runtime)
    with pytest.raises(ValidationFailed) as caught:
        await services.documents.assign_registers(
            tenant_ctx.principal, document.id, [other.registers["contracts"].id]
        )
    assert caught.value.issues[0].code == "unknown_register"
    assert await tenant_ctx.count("document_history") == 0


async def test_viewer_may_neither_edit_nor_file(
    tenant_ctx: TenantContext, services: Services
) -> None:
    document = await invoice(tenant_ctx)
    _, viewer = await tenant_ctx.user(Role.VIEWER.value)
    with pytest.raises(Forbidden):
        await services.documents.update_metadata(viewer, document.id, MetadataPatch(title="X"))
    with pytest.raises(Forbidden):
        await services.documents.assign_registers(viewer, document.id, [])
    assert len(await services.documents.history(viewer, document.id)) == 0


async def test_metadata_of_foreign_document_is_not_found(
    tenant_ctx: TenantContext, services: Services
) -> None:
    other = await make_tenant_context(tenant_ctx.runtime)
    theirs = await invoice(other)
    with pytest.raises(NotFound):
        await services.documents.update_metadata(
            tenant_ctx.principal, theirs.id, MetadataPatch(title="Mine now")
        )
    with pytest.raises(NotFound):
        await services.documents.assign_registers(tenant_ctx.principal, theirs.id, [])
    assert (await services.documents.get(other.principal, theirs.id)).title == "Invoice 4711"
