"""A tenant can keep its content in a storage folder of its own (a legal entity that requires
separate media); everything else works as for any tenant."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.audit.verification import verify_archive
from backend.errors import ValidationFailed
from backend.runtime import Runtime
from tests.factories import COVER_SCHEMA, make_customer, make_document, make_user, unique


async def test_a_tenant_with_its_own_blob_root_keeps_its_content_there(
    runtime: Runtime, tmp_path: Path
) -> None:
    services = runtime.services()
    own_root = tmp_path / "entity-b-storage"
    tenant = await services.catalog.create_tenant(
        unique("own"), "Eigene Ablage GmbH", cover_schema=COVER_SCHEMA, blob_root=str(own_root)
    )
    await services.catalog.add_register(tenant.id, "letters", "Letters")
    letter = await services.catalog.add_document_type(
        tenant.id, "letter", "Letter", default_registers=["letters"]
    )
    _, principal = await make_user(runtime, tenant)
    customer = await make_customer(runtime, principal)
    document = await make_document(runtime, principal, customer.id, letter, data=b"%PDF-1.4 own")
    [[version]] = await runtime.services().documents.versions_of(principal, [document.id])

    stored = [p for p in own_root.rglob("*") if p.is_file() and "_probe" not in p.parts]
    assert [p.name for p in stored] == [version.sha256]
    assert stored[0].is_relative_to(own_root / tenant.id)
    default_root = runtime.settings.blobs.root / tenant.id
    assert not default_root.exists()

    _, data = await runtime.services().documents.content(principal, version.id)
    assert data == b"%PDF-1.4 own"
    assert (await verify_archive(runtime, tenant_slug=tenant.slug)).clean
    stored[0].write_bytes(b"%PDF-1.4 changed")
    report = await verify_archive(runtime, tenant_slug=tenant.slug)
    assert [p.kind for p in report.problems] == ["blob_changed"]


async def test_a_blob_root_must_be_an_absolute_path(runtime: Runtime) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await runtime.services().catalog.create_tenant(
            unique("rel"), "Relative", blob_root="relative/folder"
        )
    assert caught.value.issues[0].field == "blobRoot"
