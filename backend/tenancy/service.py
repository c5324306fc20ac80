"""Tenant configuration: creating tenants, their register tree and document types, and reading them.

Services are built per request; configuration read several times in one request is read once.
Registers and document types are also kept per process (:mod:`backend.tenancy.cache`), checked
against the tenant's catalog revision, which every change to them bumps in its transaction.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import PurePath
from typing import Any, TypeVar

from backend.access.policy import Action, Principal, can
from backend.audit.service import Actor, AuditTrail
from backend.documents.models import DocumentType
from backend.documents.ocr_languages import ocr_languages_of, parse_ocr_languages
from backend.documents.retention import RETENTION_STARTS
from backend.dossiers.models import Register
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.fields import parse_field_defs
from backend.ids import new_id
from backend.ports import Transactions
from backend.tenancy.cache import CatalogCache, CatalogEntry
from backend.tenancy.models import Tenant
from backend.tenancy.ports import CatalogRepository

__all__ = ["CatalogService"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
LOCALES = ("en", "de", "pl")


def _ocr_languages(value: str) -> str:
    try:
        return parse_ocr_languages(value)
    except ValueError as exc:
        raise ValidationFailed.one("ocrLanguages", "invalid_language", str(exc)) from None


T = TypeVar("T")


async def _once(
    cache: dict[str, asyncio.Future[T]], key: str, load: Callable[[], Awaitable[T]]
) -> T:
    """Load once per key, also when many resolvers ask at the same moment."""
    future = cache.get(key)
    if future is None:
        future = cache[key] = asyncio.ensure_future(load())
    try:
        return await asyncio.shield(future)
    except BaseException:
        cache.pop(key, None)  # do not remember a failure
        raise


class CatalogService:
    def __init__(
        self,
        repo: CatalogRepository,
        audit: AuditTrail,
        tx: Transactions,
        cache: CatalogCache | None = None,
    ) -> None:
        self._repo = repo
        self._audit = audit
        self._tx = tx
        self._cache = cache or CatalogCache()
        self._catalog: dict[str, asyncio.Future[CatalogEntry]] = {}
        self._tenants: dict[str, asyncio.Future[Tenant | None]] = {}

    def _forget(self, tenant_id: str) -> None:
        self._catalog.pop(tenant_id, None)
        self._tenants.pop(tenant_id, None)

    async def _entry(self, tenant_id: str) -> CatalogEntry:
        return await _once(self._catalog, tenant_id, lambda: self._load_entry(tenant_id))

    async def _load_entry(self, tenant_id: str) -> CatalogEntry:
        revision = (await self.tenant(tenant_id)).catalog_revision
        cached = self._cache.get(tenant_id, revision)
        if cached is not None:
            return cached
        registers = await self._repo.registers(tenant_id)
        document_types = await self._repo.document_types(tenant_id)
        entry = CatalogEntry(revision, registers, document_types)
        self._cache.put(tenant_id, entry)
        return entry

    async def create_tenant(
        self,
        slug: str,
        name: str,
        locale: str = "en",
        cover_schema: Sequence[Mapping[str, Any]] = (),
        blob_root: str | None = None,
        ocr_languages: str | None = None,
    ) -> Tenant:
        if blob_root is not None and not PurePath(blob_root).is_absolute():
            raise ValidationFailed.one("blobRoot", "invalid_value", "must be an absolute path")
        if ocr_languages is not None:
            ocr_languages = _ocr_languages(ocr_languages)
        if not _SLUG.match(slug):
            raise ValidationFailed.one(
                "slug", "invalid_slug", "use 2–63 lower-case letters, digits and hyphens"
            )
        if locale not in LOCALES:
            raise ValidationFailed.one("locale", "invalid_locale", f"one of {', '.join(LOCALES)}")
        tenant = Tenant(
            id=new_id(),
            slug=slug,
            name=name,
            locale=locale,
            cover_schema=parse_field_defs(cover_schema),
            blob_root=blob_root,
            ocr_languages=ocr_languages,
        )
        async with self._tx.write():
            if await self._repo.tenant_by_slug(slug) is not None:
                raise Conflict(f"a tenant {slug!r} already exists")
            await self._repo.add_tenant(tenant)
            await self._audit.record(
                Actor(tenant.id, None, "system"),
                "tenant.create",
                "tenant",
                tenant.id,
                {
                    "slug": slug,
                    "name": name,
                    "locale": locale,
                    "blob_root": blob_root,
                    "ocr_languages": ocr_languages,
                },
            )
        return tenant

    async def tenant(self, tenant_id: str) -> Tenant:
        tenant = await _once(self._tenants, tenant_id, lambda: self._repo.find_tenant(tenant_id))
        if tenant is None:
            raise NotFound("tenant", tenant_id)
        return tenant

    async def set_ocr_languages(self, principal: Principal, languages: str | None) -> Tenant:
        """Choose the languages OCR reads the tenant's scans in (``deu+eng``; None: those of the
        locale). Administrators only; audited."""
        if not can(principal, Action.ADMIN):
            raise Forbidden("only administrators change the tenant's settings")
        chosen = _ocr_languages(languages) if languages is not None else None
        tenant_id = principal.tenant_id
        async with self._tx.write():
            await self._repo.set_ocr_languages(tenant_id, chosen)
            await self._audit.record(
                principal, "tenant.update", "tenant", tenant_id, {"ocr_languages": chosen}
            )
        self._forget(tenant_id)
        return await self.tenant(tenant_id)

    async def ocr_languages(self, tenant_id: str) -> str:
        """The languages OCR reads the tenant's scans in now."""
        tenant = await self.tenant(tenant_id)
        return ocr_languages_of(tenant.ocr_languages, tenant.locale)

    async def tenant_by_slug(self, slug: str) -> Tenant:
        tenant = await self._repo.tenant_by_slug(slug)
        if tenant is None:
            raise NotFound("tenant", slug)
        return tenant

    async def list_tenants(self) -> list[Tenant]:
        return await self._repo.list_tenants()

    async def add_register(
        self, tenant_id: str, key: str, name: str, parent_key: str | None = None
    ) -> Register:
        if not _KEY.match(key):
            raise ValidationFailed.one("key", "invalid_key", "lower-case letters, digits, _")
        async with self._tx.write():  # check and insert in one transaction: no twin sneaks in
            existing = {r.key: r for r in await self._repo.registers(tenant_id)}
            if key in existing:
                raise Conflict(f"a register {key!r} already exists")
            parent_id = None
            if parent_key is not None:
                if parent_key not in existing:
                    raise NotFound("register", parent_key)
                parent_id = existing[parent_key].id
            register = Register(
                id=new_id(),
                tenant_id=tenant_id,
                key=key,
                name=name,
                parent_id=parent_id,
                position=len(existing),
            )
            await self._repo.add_register(register)
            await self._repo.bump_catalog_revision(tenant_id)
            await self._audit.record(
                Actor(tenant_id, None, "system"),
                "register.create",
                "register",
                register.id,
                {"key": key, "name": name, "parent": parent_id},
            )
        self._forget(tenant_id)
        return register

    async def registers(self, tenant_id: str) -> list[Register]:
        return (await self._entry(tenant_id)).registers

    async def add_document_type(
        self,
        tenant_id: str,
        key: str,
        name: str,
        fields: Sequence[Mapping[str, Any]] = (),
        default_registers: Sequence[str] = (),
        retention_years: int = 10,
        retention_from: str = "end_of_year",
    ) -> DocumentType:
        if not _KEY.match(key):
            raise ValidationFailed.one("key", "invalid_key", "lower-case letters, digits, _")
        known = {r.key for r in await self.registers(tenant_id)}
        unknown = [k for k in default_registers if k not in known]
        if unknown:
            raise ValidationFailed.one("defaultRegisters", "unknown_register", ", ".join(unknown))
        if not 0 <= retention_years <= 100:
            raise ValidationFailed.one("retentionYears", "out_of_range", "between 0 and 100")
        if retention_from not in RETENTION_STARTS:
            raise ValidationFailed.one(
                "retentionFrom", "invalid_value", ", ".join(RETENTION_STARTS)
            )
        document_type = DocumentType(
            id=new_id(),
            tenant_id=tenant_id,
            key=key,
            name=name,
            fields=parse_field_defs(fields),
            default_registers=list(default_registers),
            retention_years=retention_years,
            retention_from=retention_from,
        )
        async with self._tx.write():  # check and insert in one transaction
            if any(t.key == key for t in await self._repo.document_types(tenant_id)):
                raise Conflict(f"a document type {key!r} already exists")
            await self._repo.add_document_type(document_type)
            await self._repo.bump_catalog_revision(tenant_id)
            await self._audit.record(
                Actor(tenant_id, None, "system"),
                "document_type.create",
                "document_type",
                document_type.id,
                {"key": key, "fields": [f.to_json() for f in document_type.fields]},
            )
        self._forget(tenant_id)
        return document_type

    async def document_types(self, tenant_id: str) -> list[DocumentType]:
        return (await self._entry(tenant_id)).document_types

    async def document_type(self, tenant_id: str, type_id: str) -> DocumentType:
        for document_type in await self.document_types(tenant_id):
            if document_type.id == type_id:
                return document_type
        raise NotFound("document type", type_id)
