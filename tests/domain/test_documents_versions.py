"""Content versions: numbering, immutability, deduplication and concurrent additions."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from backend.documents.models import NewContent
from backend.errors import ContentMismatch, EmptyUpload, NotFound, ValidationFailed
from backend.runtime import Services
from tests.factories import TenantContext, make_tenant_context, pdf_bytes, png_bytes


async def test_add_version_numbers_up_and_keeps_old_versions(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer()
    first_data = pdf_bytes("v1")
    document = await tenant_ctx.document(customer, "invoice", data=first_data)
    [[v1]] = await services.documents.versions_of(tenant_ctx.principal, [document.id])

    v2 = await services.documents.add_version(
        tenant_ctx.principal,
        document.id,
        NewContent("invoice-corrected.pdf", pdf_bytes("v2")),
        comment="  corrected total  ",
    )
    v3 = await services.documents.add_version(
        tenant_ctx.principal, document.id, NewContent("photo.png", png_bytes(9))
    )
    assert (v2.number, v3.number) == (2, 3)
    assert v2.comment == "corrected total"
    assert v2.filename == "invoice-corrected.pdf"
    assert v3.mime_type == "image/png"
    assert v2.sha256 == hashlib.sha256(pdf_bytes("v2")).hexdigest()

    [versions] = await services.documents.versions_of(tenant_ctx.principal, [document.id])
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[0] == v1  # the first version is untouched
    _, content = await services.documents.content(tenant_ctx.principal, v1.id)
    assert content == first_data
    _, content = await services.documents.content(tenant_ctx.principal, v2.id)
    assert content == pdf_bytes("v2")

    stored = await services.documents.get(tenant_ctx.principal, document.id)
    assert stored.version_count == 3
    assert stored.revision == document.revision  # content versions do not touch metadata
    assert stored.index_values == document.index_values


async def test_same_content_twice_stores_one_blob(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer()
    data = pdf_bytes("identical")
    document = await tenant_ctx.document(customer, data=data)
    again = await services.documents.add_version(
        tenant_ctx.principal, document.id, NewContent("again.pdf", data)
    )
    assert again.number == 2
    [versions] = await services.documents.versions_of(tenant_ctx.principal, [document.id])
    assert versions[0].sha256 == versions[1].sha256
    assert await tenant_ctx.count("document_version") == 2
    assert await tenant_ctx.count("blob") == 1
    assert len(tenant_ctx.blob_files()) == 1


async def test_concurrent_versions_get_distinct_numbers(tenant_ctx: TenantContext) -> None:
    customer = await tenant_ctx.customer()
    document = await tenant_ctx.document(customer)

    async def add(i: int) -> int:
        services = tenant_ctx.runtime.services()  # one request each
        version = await services.documents.add_version(
            tenant_ctx.principal, document.id, NewContent(f"v{i}.pdf", pdf_bytes(f"version {i}"))
        )
        return version.number

    numbers = await asyncio.gather(*(add(i) for i in range(10)))
    assert sorted(numbers) == list(range(2, 12))
    services = tenant_ctx.runtime.services()
    [versions] = await services.documents.versions_of(tenant_ctx.principal, [document.id])
    assert [v.number for v in versions] == list(range(1, 12))
    assert (await services.documents.get(tenant_ctx.principal, document.id)).version_count == 11


async def test_refused_versions_change_nothing(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer()
    document = await tenant_ctx.document(customer)
    files_before = tenant_ctx.blob_files()
    with pytest.raises(EmptyUpload):
        await services.documents.add_version(
            tenant_ctx.principal, document.id, NewContent("a.pdf", b"")
        )
    with pytest.raises(ContentMismatch):
        await services.documents.add_version(
            tenant_ctx.principal, document.id, NewContent("a.pdf", png_bytes())
        )
    with pytest.raises(ValidationFailed) as caught:
        await services.documents.add_version(
            tenant_ctx.principal, document.id, NewContent("a.pdf", pdf_bytes("c")), "x" * 2001
        )
    assert caught.value.issues[0].field == "comment"
    assert await tenant_ctx.count("document_version") == 1
    assert await tenant_ctx.count("blob") == 1
    assert tenant_ctx.blob_files() == files_before
    assert (await services.documents.get(tenant_ctx.principal, document.id)).version_count == 1


async def test_version_of_unknown_or_foreign_document_is_not_found(
    tenant_ctx: TenantContext, services: Services
) -> None:
    other = await make_tenant_context(tenant_ctx.runtime)
    theirs = await other.document(await other.customer())
    for ident in (theirs.id, "00000000-0000-4000-8000-000000000000", "x"):
        with pytest.raises(NotFound):
            await services.documents.add_version(
                tenant_ctx.principal, ident, NewContent("a.pdf", pdf_bytes("n"))
            )
    assert await other.count("document_version") == 1
    assert tenant_ctx.blob_files() == []
