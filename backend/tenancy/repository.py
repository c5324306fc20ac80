"""Piccolo implementation of :class:`backend.tenancy.ports.CatalogRepository`."""

from __future__ import annotations

from typing import Any

from backend.documents.models import DocumentType
from backend.documents.tables import DocumentTypeTable
from backend.dossiers.models import Register
from backend.dossiers.tables import RegisterTable
from backend.fields import parse_field_defs
from backend.persistence.rows import load_json
from backend.persistence.scope import across_tenants, tenant_scope, tenant_scoped
from backend.persistence.sql import select
from backend.ports import utcnow
from backend.tenancy.models import Tenant
from backend.tenancy.tables import TenantTable

__all__ = ["PiccoloCatalogRepository"]


def _tenant(row: dict[str, Any]) -> Tenant:
    return Tenant(
        id=str(row["id"]),
        slug=row["slug"],
        name=row["name"],
        locale=row["locale"],
        cover_schema=parse_field_defs(load_json(row["cover_schema"])),
        catalog_revision=int(row["catalog_revision"]),
        blob_root=row["blob_root"],
        ocr_languages=row.get("ocr_languages"),
    )


@tenant_scoped
class PiccoloCatalogRepository:
    async def add_tenant(self, tenant: Tenant) -> None:
        with tenant_scope(tenant.id):
            await self._insert_tenant(tenant)

    async def _insert_tenant(self, tenant: Tenant) -> None:
        await TenantTable.insert(
            TenantTable(
                id=tenant.id,
                slug=tenant.slug,
                name=tenant.name,
                locale=tenant.locale,
                cover_schema=[f.to_json() for f in tenant.cover_schema],
                blob_root=tenant.blob_root,
                ocr_languages=tenant.ocr_languages,
                created_at=utcnow(),
            )
        )

    async def find_tenant(self, tenant_id: str) -> Tenant | None:
        rows = await select(TenantTable, "SELECT * FROM tenant WHERE id = {}", tenant_id)
        return _tenant(rows[0]) if rows else None

    @across_tenants
    async def tenant_by_slug(self, slug: str) -> Tenant | None:
        """By its public name: for the operator's commands and sign-in, across tenants."""
        row = await TenantTable.select().where(TenantTable.slug == slug).first()
        return _tenant(row) if row else None

    async def list_tenants(self) -> list[Tenant]:
        """All tenants the current scope sees (the system scope: all)."""
        return [_tenant(r) for r in await TenantTable.select().order_by(TenantTable.slug)]

    async def set_ocr_languages(self, tenant_id: str, languages: str | None) -> None:
        await TenantTable.update({TenantTable.ocr_languages: languages}).where(
            TenantTable.id == tenant_id
        )

    async def bump_catalog_revision(self, tenant_id: str) -> None:
        await TenantTable.update(
            {TenantTable.catalog_revision: TenantTable.catalog_revision + 1}
        ).where(TenantTable.id == tenant_id)

    async def add_register(self, register: Register) -> None:
        await RegisterTable.insert(
            RegisterTable(
                id=register.id,
                tenant=register.tenant_id,
                parent=register.parent_id,
                key=register.key,
                name=register.name,
                position=register.position,
            )
        )

    async def registers(self, tenant_id: str) -> list[Register]:
        rows = await select(
            RegisterTable, "SELECT * FROM register WHERE tenant = {} ORDER BY position", tenant_id
        )
        return [
            Register(
                id=str(r["id"]),
                tenant_id=str(r["tenant"]),
                key=r["key"],
                name=r["name"],
                parent_id=str(r["parent"]) if r["parent"] else None,
                position=r["position"],
            )
            for r in rows
        ]

    async def add_document_type(self, document_type: DocumentType) -> None:
        await DocumentTypeTable.insert(
            DocumentTypeTable(
                id=document_type.id,
                tenant=document_type.tenant_id,
                key=document_type.key,
                name=document_type.name,
                fields=[f.to_json() for f in document_type.fields],
                default_registers=document_type.default_registers,
                retention_years=document_type.retention_years,
                retention_from=document_type.retention_from,
            )
        )

    async def document_types(self, tenant_id: str) -> list[DocumentType]:
        rows = await select(
            DocumentTypeTable,
            "SELECT * FROM document_type WHERE tenant = {} ORDER BY name",
            tenant_id,
        )
        return [
            DocumentType(
                id=str(r["id"]),
                tenant_id=str(r["tenant"]),
                key=r["key"],
                name=r["name"],
                fields=parse_field_defs(load_json(r["fields"])),
                default_registers=list(load_json(r["default_registers"])),
                retention_years=r["retention_years"],
                retention_from=r["retention_from"],
            )
            for r in rows
        ]

    async def blob_root(self, tenant_id: str) -> str | None:
        rows = await select(TenantTable, "SELECT blob_root FROM tenant WHERE id = {}", tenant_id)
        return rows[0]["blob_root"] if rows else None
