"""Factories for data nobody cares about, and small helpers the domain tests share.

Each test makes its own tenant (:func:`make_tenant`, unique slug), so tests never see each other's
rows and no cleanup is needed. Everything goes through the real services, so the factories also
exercise the write paths they rely on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from backend.access.models import GrantDraft, GrantRecord, SubjectKind
from backend.access.policy import Principal, ScopeKind
from backend.accounts.models import User
from backend.accounts.service import principal_of
from backend.customers.models import Address, AddressKind, Contact, Customer, CustomerDraft
from backend.documents.models import Document, DocumentDraft, DocumentType, NewContent
from backend.dossiers.models import Register
from backend.persistence.scope import tenant_scope
from backend.ports import Clock
from backend.runtime import Runtime, Services
from backend.tenancy.models import Tenant

__all__ = [
    "COVER_SCHEMA",
    "DOCUMENT_TYPES",
    "REGISTERS",
    "FakeClock",
    "TenantContext",
    "TenantSetup",
    "blob_files",
    "count_rows",
    "default_index_values",
    "make_customer",
    "make_document",
    "make_tenant",
    "make_tenant_context",
    "make_user",
    "pdf_bytes",
    "png_bytes",
    "runtime_with",
    "signed_in",
    "unique",
]

#: The cover schema of every test tenant: one required choice and one field of each other type.
COVER_SCHEMA: list[dict[str, Any]] = [
    {
        "key": "segment",
        "label": "Segment",
        "type": "choice",
        "required": True,
        "choices": ["a", "b", "c"],
    },
    {"key": "industry", "label": "Industry", "type": "text", "max_length": 100},
    {"key": "credit_limit", "label": "Credit limit", "type": "money"},
    {"key": "customer_since", "label": "Customer since", "type": "date"},
    {"key": "employees", "label": "Employees", "type": "number"},
]

#: The standard register tree (flat), in display order.
REGISTERS: list[tuple[str, str]] = [
    ("correspondence", "Correspondence"),
    ("offers", "Offers"),
    ("orders", "Orders"),
    ("invoices", "Invoices"),
    ("complaints", "Complaints"),
    ("contracts", "Contracts"),
]

#: Document types by key: name, index fields and default registers.
DOCUMENT_TYPES: dict[str, dict[str, Any]] = {
    "invoice": {
        "name": "Invoice",
        "fields": [
            {
                "key": "invoice_number",
                "label": "Invoice number",
                "type": "text",
                "required": True,
            },
            {"key": "amount", "label": "Amount", "type": "money", "required": True},
            {"key": "due_date", "label": "Due date", "type": "date"},
        ],
        "default_registers": ["invoices"],
    },
    "complaint": {
        "name": "Complaint",
        "fields": [
            {
                "key": "severity",
                "label": "Severity",
                "type": "choice",
                "required": True,
                "choices": ["low", "medium", "high"],
            },
        ],
        "default_registers": ["complaints", "correspondence"],
    },
    "order": {
        "name": "Order",
        "fields": [
            {"key": "quantity", "label": "Quantity", "type": "number"},
            {"key": "delivery_date", "label": "Delivery date", "type": "date"},
        ],
        "default_registers": ["orders"],
    },
    "letter": {"name": "Letter", "fields": [], "default_registers": ["correspondence"]},
}


def unique(prefix: str = "x") -> str:
    """A short unique token such as ``cust-3f2a9b1c04de``."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def pdf_bytes(text: str = "hello") -> bytes:
    """A minimal PDF (libmagic says application/pdf); ``text`` makes the content distinct."""
    body = f"1 0 obj\n<< /Type /Catalog /Note ({text}) >>\nendobj\n"
    return f"%PDF-1.4\n{body}trailer\n<< /Root 1 0 R >>\n%%EOF\n".encode()


def png_bytes(seed: int = 0, size: tuple[int, int] = (4, 4)) -> bytes:
    """A small PNG whose colour depends on ``seed``."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (seed % 256, (seed // 256) % 256, 7)).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class FakeClock:
    """A clock the test moves by hand; pass it wherever a service takes ``clock``."""

    now: dt.datetime = dataclasses.field(
        default_factory=lambda: dt.datetime(2030, 1, 15, 9, 0, tzinfo=dt.UTC)
    )

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


def runtime_with(
    runtime: Runtime,
    *,
    clock: Clock | None = None,
    max_upload_bytes: int | None = None,
    page_size_max: int | None = None,
) -> Runtime:
    """A runtime sharing the session's database and blobs, with another clock or limits."""
    settings = runtime.settings
    limits = settings.limits
    if max_upload_bytes is not None:
        limits = dataclasses.replace(limits, max_upload_bytes=max_upload_bytes)
    if page_size_max is not None:
        limits = dataclasses.replace(limits, page_size_max=page_size_max)
    settings = dataclasses.replace(settings, limits=limits)
    return Runtime(
        settings=settings,
        database=runtime.database,
        blobs=runtime.blobs,
        clock=clock or runtime.clock,
    )


# -- tenants and users -------------------------------------------------------------------------


@dataclass(frozen=True)
class TenantSetup:
    tenant: Tenant
    registers: dict[str, Register]
    types: dict[str, DocumentType]


async def make_tenant(
    runtime: Runtime,
    *,
    slug: str | None = None,
    cover_schema: Sequence[Mapping[str, Any]] = tuple(COVER_SCHEMA),
) -> TenantSetup:
    """A tenant with the cover schema, the standard registers and the test document types."""
    catalog = runtime.services().catalog
    tenant = await catalog.create_tenant(
        slug or unique("t"), "Test tenant", "en", cover_schema=cover_schema
    )
    registers = {key: await catalog.add_register(tenant.id, key, name) for key, name in REGISTERS}
    types = {
        key: await catalog.add_document_type(
            tenant.id,
            key,
            spec["name"],
            fields=spec["fields"],
            default_registers=spec["default_registers"],
        )
        for key, spec in DOCUMENT_TYPES.items()
    }
    return TenantSetup(tenant=tenant, registers=registers, types=types)


async def make_user(
    runtime: Runtime,
    tenant: Tenant,
    role: str = "admin",
    *,
    email: str | None = None,
    password: str | None = None,
) -> tuple[User, Principal]:
    """A user of ``tenant``; without a password (no Argon2 cost) unless one is given."""
    user = await runtime.services().accounts.create_user(
        tenant.id,
        email or f"{unique('user')}@example.com",
        f"Test {role}",
        role,
        password,
    )
    return user, principal_of(user)


async def signed_in(runtime: Runtime, user: User, at: dt.datetime | None = None) -> Principal:
    """``user``'s principal as a request at ``at`` (default: the runtime's clock) resolves it."""
    now = at or runtime.clock()
    grants = await runtime.services().access.effective_grants(user.tenant_id, user.id, now)
    return principal_of(user, grants=grants, as_of=now)


# -- customers and documents -------------------------------------------------------------------


def _address(city: str = "Berlin") -> Address:
    return Address(
        kind=AddressKind.BILLING,
        street="Hauptstraße 1",
        postal_code="10115",
        city=city,
        country="DE",
    )


async def make_customer(
    runtime: Runtime,
    principal: Principal,
    *,
    name: str | None = None,
    erp_number: str | None = None,
    key_data: dict[str, Any] | None = None,
    addresses: list[Address] | None = None,
    contacts: list[Contact] | None = None,
    status: str | None = None,
) -> Customer:
    return await runtime.services().customers.create(
        principal,
        CustomerDraft(
            erp_number=erp_number or unique("K").upper(),
            name=name or unique("Customer"),
            status=status,
            key_data={"segment": "a"} if key_data is None else key_data,
            addresses=[_address()] if addresses is None else addresses,
            contacts=[Contact(name="Anna Nowak")] if contacts is None else contacts,
        ),
    )


def default_index_values(type_key: str) -> dict[str, Any]:
    """Valid index values for the test document types."""
    if type_key == "invoice":
        return {
            "invoice_number": unique("INV"),
            "amount": {"amount": "100.00", "currency": "EUR"},
        }
    if type_key == "complaint":
        return {"severity": "low"}
    if type_key == "order":
        return {"quantity": 1}
    return {}


async def make_document(
    runtime: Runtime,
    principal: Principal,
    customer_id: str,
    document_type: DocumentType,
    *,
    title: str | None = None,
    document_date: dt.date | None = None,
    index_values: dict[str, Any] | None = None,
    register_ids: list[str] | None = None,
    filename: str | None = None,
    data: bytes | None = None,
    services: Services | None = None,
) -> Document:
    """Upload a small PDF (distinct content each time unless ``data`` is given)."""
    services = services or runtime.services()
    return await services.documents.upload(
        principal,
        DocumentDraft(
            customer_id=customer_id,
            document_type_id=document_type.id,
            title=title or unique(document_type.name),
            document_date=document_date,
            index_values=(
                default_index_values(document_type.key) if index_values is None else index_values
            ),
            register_ids=register_ids,
            content=NewContent(
                filename=filename or f"{document_type.key}.pdf",
                data=data if data is not None else pdf_bytes(unique("content")),
            ),
        ),
    )


@dataclass(frozen=True)
class TenantContext:
    """A test's own tenant with its admin; shortcuts for the factories above."""

    runtime: Runtime
    tenant: Tenant
    registers: dict[str, Register]
    types: dict[str, DocumentType]
    admin: User
    principal: Principal

    async def user(self, role: str = "admin", **kwargs: Any) -> tuple[User, Principal]:
        return await make_user(self.runtime, self.tenant, role, **kwargs)

    async def customer(self, **kwargs: Any) -> Customer:
        return await make_customer(self.runtime, self.principal, **kwargs)

    async def document(
        self, customer: Customer | str, type_key: str = "letter", **kwargs: Any
    ) -> Document:
        customer_id = customer if isinstance(customer, str) else customer.id
        return await make_document(
            self.runtime, self.principal, customer_id, self.types[type_key], **kwargs
        )

    async def grant(
        self,
        user: User,
        role: str,
        scope: ScopeKind = ScopeKind.TENANT,
        scope_id: str | None = None,
        **window: dt.datetime | None,
    ) -> GrantRecord:
        """Give ``user`` ``role`` on a scope, as the tenant's admin."""
        return await self.runtime.services().access.grant(
            self.principal,
            GrantDraft(role, SubjectKind.USER, user.id, scope, scope_id, **window),
        )

    async def principal_of(self, user: User, at: dt.datetime | None = None) -> Principal:
        """``user``'s principal as a request would resolve it now: with its grants."""
        return await signed_in(self.runtime, user, at)

    async def count(self, table: str) -> int:
        return await count_rows(self.runtime, table, self.tenant.id)

    def blob_files(self) -> list[Path]:
        return blob_files(self.runtime, self.tenant.id)


async def make_tenant_context(runtime: Runtime, role: str = "admin") -> TenantContext:
    setup = await make_tenant(runtime)
    admin, principal = await make_user(runtime, setup.tenant, role)
    return TenantContext(
        runtime=runtime,
        tenant=setup.tenant,
        registers=setup.registers,
        types=setup.types,
        admin=admin,
        principal=principal,
    )


# -- looking at what was written ---------------------------------------------------------------

_COUNTABLE = frozenset(
    {
        "customer",
        "customer_address",
        "customer_contact",
        "document",
        "document_version",
        "document_index_value",
        "document_register",
        "document_history",
        "document_tombstone",
        "document_link",
        "version_mail",
        "audit_event",
        "blob",
        "user_account",
        "user_session",
        "api_token",
        "access_role",
        "access_grant",
        "user_group",
        "group_member",
        "saved_view",
        "customer_visit",
    }
)


async def count_rows(runtime: Runtime, table: str, tenant_id: str) -> int:
    """Rows of one tenant in ``table`` (a fixed table name, never user input)."""
    if table not in _COUNTABLE:
        raise ValueError(f"not a countable table: {table}")
    with tenant_scope(tenant_id):
        rows = await runtime.database.fetch(
            f"SELECT count(*) AS n FROM {table} WHERE tenant = {{}}",  # noqa: S608 (name checked)
            tenant_id,
        )
    return int(rows[0]["n"])


def blob_files(runtime: Runtime, tenant_id: str) -> list[Path]:
    """Files the blob store holds for one tenant."""
    folder = runtime.settings.blobs.root / tenant_id
    if not folder.exists():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file())
