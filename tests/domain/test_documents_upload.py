"""Uploading documents: registers, index values, and refusals that leave nothing behind."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest

from backend.access.policy import Role
from backend.documents.models import DocumentDraft, DocumentFilter, DocumentSort, NewContent
from backend.errors import (
    ContentMismatch,
    EmptyUpload,
    Forbidden,
    InvalidFilename,
    NotFound,
    UploadTooLarge,
    ValidationFailed,
)
from backend.runtime import Runtime, Services
from backend.settings import load_settings
from tests.factories import (
    TenantContext,
    make_tenant_context,
    pdf_bytes,
    png_bytes,
    runtime_with,
    unique,
)

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
WRITTEN_TABLES = (
    "document",
    "document_version",
    "document_index_value",
    "document_register",
    "blob",
)


def draft(
    ctx: TenantContext, customer_id: str, type_key: str = "invoice", **kw: Any
) -> DocumentDraft:
    values: dict[str, Any] = {
        "customer_id": customer_id,
        "document_type_id": ctx.types[type_key].id,
        "title": "Invoice 4711",
        "document_date": dt.date(2030, 1, 10),
        "index_values": {
            "invoice_number": "4711",
            "amount": {"amount": "1190", "currency": "EUR"},
            "due_date": "2030-02-10",
        },
        "register_ids": None,
        "content": NewContent("invoice.pdf", pdf_bytes(unique())),
    }
    values.update(kw)
    return DocumentDraft(**values)


async def assert_nothing_written(ctx: TenantContext) -> None:
    counts = {table: await ctx.count(table) for table in WRITTEN_TABLES}
    assert counts == dict.fromkeys(WRITTEN_TABLES, 0)
    assert ctx.blob_files() == []


def issue_codes(exc: ValidationFailed) -> dict[str, str]:
    return {i.field: i.code for i in exc.issues}


# -- successful uploads ------------------------------------------------------------------------


async def test_upload_stores_document_version_blob_and_default_registers(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer()
    data = pdf_bytes("invoice 4711")
    document = await services.documents.upload(
        tenant_ctx.principal,
        draft(tenant_ctx, customer.id, content=NewContent("invoice.pdf", data)),
    )
    assert document.customer_id == customer.id
    assert document.document_type_id == tenant_ctx.types["invoice"].id
    assert document.title == "Invoice 4711"
    assert document.document_date == dt.date(2030, 1, 10)
    assert document.status == "active"
    assert document.revision == 1
    assert document.version_count == 1
    assert document.created_by == tenant_ctx.admin.id
    assert document.index_values == {
        "invoice_number": "4711",
        "amount": {"amount": "1190.00", "currency": "EUR"},
        "due_date": "2030-02-10",
    }
    stored = await services.documents.get(tenant_ctx.principal, document.id)
    assert stored == document

    [versions] = await services.documents.versions_of(tenant_ctx.principal, [document.id])
    [version] = versions
    assert version.number == 1
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    assert version.size == len(data)
    assert version.mime_type == "application/pdf"
    assert version.filename == "invoice.pdf"
    assert version.created_by == tenant_ctx.admin.id
    meta, content = await services.documents.content(tenant_ctx.principal, version.id)
    assert (meta, content) == (version, data)

    [registers] = await services.documents.registers_of(tenant_ctx.principal, [document.id])
    assert registers == [tenant_ctx.registers["invoices"].id]
    assert await tenant_ctx.count("document_index_value") == 3
    assert await tenant_ctx.count("blob") == 1
    assert len(tenant_ctx.blob_files()) == 1


async def test_several_default_registers(tenant_ctx: TenantContext, services: Services) -> None:
    customer = await tenant_ctx.customer()
    document = await tenant_ctx.document(customer, "complaint")
    [registers] = await services.documents.registers_of(tenant_ctx.principal, [document.id])
    assert set(registers) == {
        tenant_ctx.registers["complaints"].id,
        tenant_ctx.registers["correspondence"].id,
    }


async def test_explicit_registers_replace_the_defaults(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer()
    wanted = [tenant_ctx.registers["contracts"].id, tenant_ctx.registers["offers"].id]
    document = await tenant_ctx.document(
        customer, "invoice", register_ids=[*wanted, wanted[0].upper()]
    )
    [registers] = await services.documents.registers_of(tenant_ctx.principal, [document.id])
    assert sorted(registers) == sorted(wanted)


async def test_explicit_empty_registers_file_nowhere(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer()
    document = await tenant_ctx.document(customer, "letter", register_ids=[])
    assert await services.documents.registers_of(tenant_ctx.principal, [document.id]) == [[]]


async def test_document_date_defaults_to_today(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer()
    document = await services.documents.upload(
        tenant_ctx.principal, draft(tenant_ctx, customer.id, document_date=None)
    )
    assert document.document_date == dt.datetime.now(dt.UTC).date()


async def test_letter_without_fields_and_png_content(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer()
    document = await tenant_ctx.document(customer, "letter", filename="scan.png", data=png_bytes(3))
    [[version]] = await services.documents.versions_of(tenant_ctx.principal, [document.id])
    assert version.mime_type == "image/png"
    assert document.index_values == {}


async def test_same_content_in_two_documents_is_stored_once(tenant_ctx: TenantContext) -> None:
    customer = await tenant_ctx.customer()
    data = pdf_bytes("shared")
    await tenant_ctx.document(customer, data=data)
    await tenant_ctx.document(customer, data=data)
    assert await tenant_ctx.count("document") == 2
    assert await tenant_ctx.count("blob") == 1
    assert len(tenant_ctx.blob_files()) == 1


async def test_same_content_in_two_tenants_is_stored_per_tenant(
    tenant_ctx: TenantContext,
) -> None:
    other = await make_tenant_context(tenant_ctx.runtime)
    data = pdf_bytes("shared across tenants")
    await tenant_ctx.document(await tenant_ctx.customer(), data=data)
    await other.document(await other.customer(), data=data)
    assert len(tenant_ctx.blob_files()) == 1
    assert len(other.blob_files()) == 1


# -- refusals that leave nothing behind --------------------------------------------------------


async def test_index_value_errors_write_nothing(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer()
    with pytest.raises(ValidationFailed) as caught:
        await services.documents.upload(
            tenant_ctx.principal,
            draft(
                tenant_ctx,
                customer.id,
                index_values={"amount": {"amount": "x", "currency": "EUR"}, "due_date": "soon"},
            ),
        )
    assert issue_codes(caught.value) == {
        "indexValues.invoice_number": "required",
        "indexValues.amount": "invalid_value",
        "indexValues.due_date": "invalid_value",
    }
    await assert_nothing_written(tenant_ctx)


async def test_title_status_and_index_problems_are_reported_together(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer()
    with pytest.raises(ValidationFailed) as caught:
        await services.documents.upload(
            tenant_ctx.principal,
            draft(tenant_ctx, customer.id, "complaint", title="  ", status="lost", index_values={}),
        )
    assert issue_codes(caught.value) == {
        "title": "required",
        "status": "invalid_value",
        "indexValues.severity": "required",
    }
    with pytest.raises(ValidationFailed) as caught:
        await services.documents.upload(
            tenant_ctx.principal, draft(tenant_ctx, customer.id, title="t" * 501)
        )
    assert issue_codes(caught.value) == {"title": "too_long"}
    await assert_nothing_written(tenant_ctx)


async def test_unknown_register_writes_nothing(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer()
    other = await make_tenant_context(tenant_ctx.runtime)
    for register_id in (UNKNOWN_ID, other.registers["invoices"].id):
        with pytest.raises(ValidationFailed) as caught:
            await services.documents.upload(
                tenant_ctx.principal, draft(tenant_ctx, customer.id, register_ids=[register_id])
            )
        assert issue_codes(caught.value) == {"registerIds": "unknown_register"}
    await assert_nothing_written(tenant_ctx)


async def test_malformed_register_id_writes_nothing(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer()
    with pytest.raises(NotFound):
        await services.documents.upload(
            tenant_ctx.principal, draft(tenant_ctx, customer.id, register_ids=["invoices"])
        )
    await assert_nothing_written(tenant_ctx)


async def test_empty_upload_writes_nothing(tenant_ctx: TenantContext, services: Services) -> None:
    customer = await tenant_ctx.customer()
    with pytest.raises(EmptyUpload) as caught:
        await services.documents.upload(
            tenant_ctx.principal,
            draft(tenant_ctx, customer.id, content=NewContent("invoice.pdf", b"")),
        )
    assert caught.value.code == "empty_upload"
    await assert_nothing_written(tenant_ctx)


async def test_oversized_upload_writes_nothing(tenant_ctx: TenantContext) -> None:
    services = runtime_with(tenant_ctx.runtime, max_upload_bytes=100).services()
    customer = await tenant_ctx.customer()
    with pytest.raises(UploadTooLarge) as caught:
        await services.documents.upload(
            tenant_ctx.principal,
            draft(tenant_ctx, customer.id, content=NewContent("big.pdf", pdf_bytes("x" * 200))),
        )
    assert caught.value.code == "upload_too_large"
    assert caught.value.limit == 100
    await assert_nothing_written(tenant_ctx)


async def test_upload_limit_comes_from_settings(
    tenant_ctx: TenantContext, settings_env: dict[str, str]
) -> None:
    settings = load_settings({**settings_env, "DOSSIER_MAX_UPLOAD_BYTES": "64"})
    rt = Runtime(settings, tenant_ctx.runtime.database, tenant_ctx.runtime.blobs)
    customer = await tenant_ctx.customer()
    with pytest.raises(UploadTooLarge):
        await rt.services().documents.upload(tenant_ctx.principal, draft(tenant_ctx, customer.id))
    await assert_nothing_written(tenant_ctx)


async def test_content_mismatch_writes_nothing(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer()
    with pytest.raises(ContentMismatch) as caught:
        await services.documents.upload(
            tenant_ctx.principal,
            draft(tenant_ctx, customer.id, content=NewContent("invoice.pdf", png_bytes())),
        )
    assert caught.value.code == "content_mismatch"
    assert caught.value.detected == "image/png"
    await assert_nothing_written(tenant_ctx)


@pytest.mark.parametrize("filename", ["../x.pdf", "a\udcff.pdf", "a\x00b.pdf", "sub/x.pdf", ""])
async def test_invalid_filename_writes_nothing(
    tenant_ctx: TenantContext, services: Services, filename: str
) -> None:
    customer = await tenant_ctx.customer()
    with pytest.raises(InvalidFilename) as caught:
        await services.documents.upload(
            tenant_ctx.principal,
            draft(tenant_ctx, customer.id, content=NewContent(filename, pdf_bytes())),
        )
    assert caught.value.code == "invalid_filename"
    await assert_nothing_written(tenant_ctx)


@pytest.mark.parametrize("customer_id", [UNKNOWN_ID, "not-a-uuid"])
async def test_unknown_customer_is_not_found(
    tenant_ctx: TenantContext, services: Services, customer_id: str
) -> None:
    with pytest.raises(NotFound):
        await services.documents.upload(tenant_ctx.principal, draft(tenant_ctx, customer_id))
    await assert_nothing_written(tenant_ctx)


async def test_customer_of_another_tenant_is_not_found(
    tenant_ctx: TenantContext, services: Services
) -> None:
    other = await make_tenant_context(tenant_ctx.runtime)
    theirs = await other.customer()
    with pytest.raises(NotFound):
        await services.documents.upload(tenant_ctx.principal, draft(tenant_ctx, theirs.id))
    await assert_nothing_written(tenant_ctx)
    await assert_nothing_written(other)


@pytest.mark.parametrize("type_id", [UNKNOWN_ID, "invoice"])
async def test_unknown_document_type_is_not_found(
    tenant_ctx: TenantContext, services: Services, type_id: str
) -> None:
    customer = await tenant_ctx.customer()
    with pytest.raises(NotFound):
        await services.documents.upload(
            tenant_ctx.principal, draft(tenant_ctx, customer.id, document_type_id=type_id)
        )
    await assert_nothing_written(tenant_ctx)


async def test_document_type_of_another_tenant_is_not_found(
    tenant_ctx: TenantContext, services: Services
) -> None:
    other = await make_tenant_context(tenant_ctx.runtime)
    customer = await tenant_ctx.customer()
    with pytest.raises(NotFound):
        await services.documents.upload(
            tenant_ctx.principal,
            draft(tenant_ctx, customer.id, document_type_id=other.types["invoice"].id),
        )
    await assert_nothing_written(tenant_ctx)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AUDITOR])
async def test_read_only_roles_may_not_upload(
    tenant_ctx: TenantContext, services: Services, role: Role
) -> None:
    customer = await tenant_ctx.customer()
    _, principal = await tenant_ctx.user(role.value)
    with pytest.raises(Forbidden):
        await services.documents.upload(principal, draft(tenant_ctx, customer.id))
    await assert_nothing_written(tenant_ctx)


# -- reading across tenants --------------------------------------------------------------------


async def test_documents_of_another_tenant_are_invisible(
    tenant_ctx: TenantContext, services: Services
) -> None:
    other = await make_tenant_context(tenant_ctx.runtime)
    theirs = await other.document(await other.customer(), "invoice")
    [[version]] = await services.documents.versions_of(other.principal, [theirs.id])
    with pytest.raises(NotFound):
        await services.documents.get(tenant_ctx.principal, theirs.id)
    with pytest.raises(NotFound):
        await services.documents.content(tenant_ctx.principal, version.id)
    with pytest.raises(NotFound):
        await services.documents.history(tenant_ctx.principal, theirs.id)
    assert await services.documents.versions_of(tenant_ctx.principal, [theirs.id]) == [[]]
    assert await services.documents.registers_of(tenant_ctx.principal, [theirs.id]) == [[]]
    page = await services.documents.list(
        tenant_ctx.principal, theirs.customer_id, DocumentFilter(), DocumentSort(), 10, None
    )
    assert page.items == []


@pytest.mark.parametrize("ident", [UNKNOWN_ID, "nope", ""])
async def test_unknown_or_malformed_document_is_not_found(
    tenant_ctx: TenantContext, services: Services, ident: str
) -> None:
    with pytest.raises(NotFound):
        await services.documents.get(tenant_ctx.principal, ident)
    with pytest.raises(NotFound):
        await services.documents.content(tenant_ctx.principal, ident)
