"""Every write path a pinned dossier must see records its change in the feed, in its own
transaction: a refused or failed write records nothing (both engines)."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.customers.models import Address, AddressKind, Contact, CustomerDraft
from backend.documents.models import MetadataPatch, NewContent
from backend.errors import Conflict, DuplicateErpNumber, LegalHoldActive, ValidationFailed
from backend.geo.models import Point
from backend.runtime import Runtime
from tests.changes.conftest import feed, head
from tests.domain.test_pdf_preview import pdf as letter_pdf
from tests.domain.test_previews import _run_preview_jobs
from tests.factories import (
    FakeClock,
    TenantContext,
    make_tenant_context,
    pdf_bytes,
    png_bytes,
    runtime_with,
)


def _address(city: str = "Berlin") -> Address:
    return Address(
        kind=AddressKind.BILLING,
        street="Hauptstraße 1",
        postal_code="10115",
        city=city,
        country="DE",
    )


async def ids_of(ctx: TenantContext, customer_id: str) -> tuple[list[str], list[str]]:
    customers = ctx.runtime.services().customers
    [addresses] = await customers.addresses(ctx.principal, [customer_id])
    [contacts] = await customers.contacts(ctx.principal, [customer_id])
    return [a.id for a in addresses], [c.id for c in contacts]


async def test_creating_a_customer_records_it_with_its_addresses_and_contacts(
    ctx: TenantContext,
) -> None:
    customer = await ctx.customer(
        addresses=[_address(), _address("Potsdam")], contacts=[Contact(name="Anna")]
    )
    addresses, contacts = await ids_of(ctx, customer.id)
    assert await feed(ctx, customer.id) == [
        ("customer", customer.id, "put"),
        *(("address", a, "put") for a in addresses),
        *(("contact", c, "put") for c in contacts),
    ]


async def test_updating_a_customer_records_what_was_written(ctx: TenantContext) -> None:
    customers = ctx.runtime.services().customers
    customer = await ctx.customer()
    seen = await head(ctx)
    await customers.update(ctx.principal, customer.id, CustomerDraft(name="Renamed"))
    assert await feed(ctx, customer.id, seen) == [("customer", customer.id, "put")]
    seen = await head(ctx)
    [old_address], [old_contact] = await ids_of(ctx, customer.id)
    await customers.update(
        ctx.principal,
        customer.id,
        CustomerDraft(addresses=[_address("Potsdam")], contacts=[Contact(name="Jan Kowalski")]),
    )
    [new_address], [new_contact] = await ids_of(ctx, customer.id)
    assert await feed(ctx, customer.id, seen) == [
        ("customer", customer.id, "put"),
        ("address", old_address, "delete"),
        ("address", new_address, "put"),
        ("contact", old_contact, "delete"),
        ("contact", new_contact, "put"),
    ]


async def test_a_refused_customer_write_records_nothing(ctx: TenantContext) -> None:
    customers = ctx.runtime.services().customers
    taken = await ctx.customer()
    customer = await ctx.customer()
    seen = await head(ctx)
    with pytest.raises(DuplicateErpNumber):  # found inside the write transaction
        await customers.update(
            ctx.principal, customer.id, CustomerDraft(erp_number=taken.erp_number, name="X")
        )
    with pytest.raises(ValidationFailed):
        await customers.update(ctx.principal, customer.id, CustomerDraft(status="nonsense"))
    assert await head(ctx) == seen
    assert await feed(ctx, customer.id, seen) == []


async def test_a_position_set_by_hand_records_the_addresses(ctx: TenantContext) -> None:
    services = ctx.runtime.services()
    customer = await ctx.customer()
    [[address]] = await services.customers.addresses(ctx.principal, [customer.id])
    seen = await head(ctx)
    await services.geo.set_position(ctx.principal, address.id, Point(52.5, 13.4))
    assert await feed(ctx, customer.id, seen) == [("address", address.id, "put")]
    seen = await head(ctx)
    with pytest.raises(ValidationFailed):
        await services.geo.set_position(ctx.principal, address.id, Point(91.0, 13.4))
    assert await head(ctx) == seen


async def test_uploading_a_document_records_it_its_registers_version_and_preview(
    ctx: TenantContext,
) -> None:
    customer = await ctx.customer()
    seen = await head(ctx)
    document = await ctx.document(customer, "invoice")
    [[version]] = await ctx.runtime.services().documents.versions_of(ctx.principal, [document.id])
    assert await feed(ctx, customer.id, seen) == [
        ("document", document.id, "put"),
        ("register_assignment", f"{document.id}/{ctx.registers['invoices'].id}", "put"),
        ("version", version.id, "put"),
        ("rendition", version.id, "put"),
    ]


async def test_a_refused_upload_records_nothing(ctx: TenantContext) -> None:
    customer = await ctx.customer()
    seen = await head(ctx)
    with pytest.raises(ValidationFailed):
        await ctx.document(customer, "invoice", index_values={"amount": "not money"})
    assert await head(ctx) == seen


async def test_a_new_version_records_the_document_version_and_preview(
    ctx: TenantContext,
) -> None:
    documents = ctx.runtime.services().documents
    customer = await ctx.customer()
    document = await ctx.document(customer)
    seen = await head(ctx)
    version = await documents.add_version(
        ctx.principal, document.id, NewContent("v2.pdf", pdf_bytes("second"))
    )
    assert await feed(ctx, customer.id, seen) == [
        ("document", document.id, "put"),
        ("version", version.id, "put"),
        ("rendition", version.id, "put"),
    ]
    seen = await head(ctx)
    with pytest.raises(ValidationFailed):
        await documents.add_version(
            ctx.principal, document.id, NewContent("v3.pdf", pdf_bytes("3")), "x" * 2001
        )
    assert await head(ctx) == seen


async def test_metadata_and_register_changes_are_recorded(ctx: TenantContext) -> None:
    documents = ctx.runtime.services().documents
    customer = await ctx.customer()
    document = await ctx.document(customer, "invoice")
    seen = await head(ctx)
    updated = await documents.update_metadata(
        ctx.principal, document.id, MetadataPatch(title="Renamed")
    )
    assert await feed(ctx, customer.id, seen) == [("document", document.id, "put")]
    seen = await head(ctx)
    with pytest.raises(Conflict):  # edited an old revision
        await documents.update_metadata(
            ctx.principal, document.id, MetadataPatch(title="Again"), expected_revision=1
        )
    assert await head(ctx) == seen
    await documents.assign_registers(ctx.principal, updated.id, [ctx.registers["complaints"].id])
    assert await feed(ctx, customer.id, seen) == [
        ("document", document.id, "put"),
        ("register_assignment", f"{document.id}/{ctx.registers['invoices'].id}", "delete"),
        ("register_assignment", f"{document.id}/{ctx.registers['complaints'].id}", "put"),
    ]


async def test_legal_hold_and_deletion_are_recorded_and_a_refused_deletion_is_not(
    runtime: Runtime,
) -> None:
    clock = FakeClock()
    ctx = await make_tenant_context(runtime_with(runtime, clock=clock))
    services = ctx.runtime.services()
    customer = await ctx.customer()
    document = await ctx.document(customer)  # a letter, kept ten years
    seen = await head(ctx)
    await services.archive.set_legal_hold(ctx.principal, document.id, "court case")
    assert await feed(ctx, customer.id, seen) == [("document", document.id, "put")]
    seen = await head(ctx)
    with pytest.raises(LegalHoldActive):
        await services.archive.delete(ctx.principal, document.id, "tidy up")
    assert await head(ctx) == seen
    await services.archive.lift_legal_hold(ctx.principal, document.id, "settled")
    clock.now = dt.datetime(2041, 1, 1, 8, 0, tzinfo=dt.UTC)  # the letter's retention ended
    await services.archive.delete(ctx.principal, document.id, "tidy up")
    assert await feed(ctx, customer.id, seen) == [
        ("document", document.id, "put"),
        ("document", document.id, "delete"),
        ("register_assignment", f"{document.id}/{ctx.registers['correspondence'].id}", "delete"),
    ]


async def test_previews_and_pages_made_later_are_recorded(
    runtime: Runtime, ctx: TenantContext
) -> None:
    services = runtime.services()
    customer = await ctx.customer()
    document = await ctx.document(customer, data=letter_pdf(5))
    [[version]] = await services.documents.versions_of(ctx.principal, [document.id])
    seen = await head(ctx)
    await _run_preview_jobs(runtime, ctx)
    after_preview = await feed(ctx, customer.id, seen)
    assert after_preview, "the preview job recorded its renditions"
    assert set(after_preview) == {("rendition", version.id, "put")}
    seen = await head(ctx)
    await services.pages.render(ctx.principal, version.id, 5)
    assert await feed(ctx, customer.id, seen) == [("rendition", version.id, "put")]
    seen = await head(ctx)
    await services.pages.render(ctx.principal, version.id, 5)  # already there: nothing written
    assert await head(ctx) == seen


async def test_changes_go_to_their_own_dossier_only(ctx: TenantContext) -> None:
    one, two = await ctx.customer(), await ctx.customer()
    seen = await head(ctx)
    document = await ctx.document(one)
    assert await feed(ctx, two.id, seen) == []
    assert {e for e, i, _ in await feed(ctx, one.id, seen) if i.startswith(document.id)} == {
        "document",
        "register_assignment",
    }


async def test_sequence_numbers_are_per_tenant_and_follow_the_writes(runtime: Runtime) -> None:
    a = await make_tenant_context(runtime)
    b = await make_tenant_context(runtime)
    ca = await a.customer()
    cb = await b.customer()
    assert (await head(a), await head(b)) == (3, 3)
    await a.runtime.services().customers.update(a.principal, ca.id, CustomerDraft(name="N"))
    assert (await head(a), await head(b)) == (4, 3)
    assert [e for e, _, _ in await feed(b, cb.id, 0)] == ["customer", "address", "contact"]
    assert await feed(a, cb.id, 0) == []


async def test_a_photos_thumbnail_and_screen_image_are_recorded(
    runtime: Runtime, ctx: TenantContext
) -> None:
    services = runtime.services()
    customer = await ctx.customer()
    document = await ctx.document(customer, filename="site.png", data=png_bytes(7, (640, 480)))
    [[version]] = await services.documents.versions_of(ctx.principal, [document.id])
    seen = await head(ctx)
    await _run_preview_jobs(runtime, ctx)
    made = await feed(ctx, customer.id, seen)
    assert made == [("rendition", version.id, "put")] * 2, "the thumbnail job, then the screen job"
    [preview] = await services.documents.previews(ctx.principal, [version.id])
    assert {r.kind for r in preview.renditions} == {"thumbnail", "screen"}
