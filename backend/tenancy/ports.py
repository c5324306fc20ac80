from __future__ import annotations

from typing import Protocol

from backend.documents.models import DocumentType
from backend.dossiers.models import Register
from backend.tenancy.models import Tenant


class CatalogRepository(Protocol):
    """A tenant's configuration: the tenant itself, its register tree and its document types."""

    async def add_tenant(self, tenant: Tenant) -> None: ...

    async def find_tenant(self, tenant_id: str) -> Tenant | None: ...

    async def tenant_by_slug(self, slug: str) -> Tenant | None: ...

    async def list_tenants(self) -> list[Tenant]: ...

    async def set_ocr_languages(self, tenant_id: str, languages: str | None) -> None:
        """Choose the tenant's OCR languages (None: those of its locale)."""
        ...

    async def bump_catalog_revision(self, tenant_id: str) -> None:
        """Mark the tenant's registers and document types as changed."""
        ...

    async def add_register(self, register: Register) -> None: ...

    async def registers(self, tenant_id: str) -> list[Register]: ...

    async def add_document_type(self, document_type: DocumentType) -> None: ...

    async def document_types(self, tenant_id: str) -> list[DocumentType]: ...
