"""The benchmark tenant's configuration, made through the real services.

Everything small (tenant, registers, document types, users, customers) goes through the services,
so it has exactly the shape the application writes; only documents are bulk-inserted
(:mod:`bench.seed`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from backend.access.policy import Principal
from backend.accounts.models import User
from backend.customers.models import Address, AddressKind, Contact, CustomerDraft
from backend.documents.models import DocumentType
from backend.dossiers.models import Register
from backend.runtime import Runtime
from backend.tenancy.models import Tenant

__all__ = ["BenchCatalog", "make_catalog", "make_customer"]

COVER_SCHEMA: list[dict[str, Any]] = [
    {"key": "segment", "label": "Segment", "type": "choice", "choices": ["a", "b", "c"]},
    {"key": "industry", "label": "Industry", "type": "text", "max_length": 100},
    {"key": "credit_limit", "label": "Credit limit", "type": "money"},
    {"key": "customer_since", "label": "Customer since", "type": "date"},
    {"key": "employees", "label": "Employees", "type": "number"},
]

REGISTERS: list[tuple[str, str]] = [
    ("correspondence", "Correspondence"),
    ("offers", "Offers"),
    ("orders", "Orders"),
    ("invoices", "Invoices"),
    ("complaints", "Complaints"),
    ("contracts", "Contracts"),
]

#: key: (name, index fields, default register keys); defaults put a document in 1–2 registers.
DOCUMENT_TYPES: dict[str, tuple[str, list[dict[str, Any]], list[str]]] = {
    "invoice": (
        "Invoice",
        [
            {"key": "invoice_number", "label": "Invoice number", "type": "text"},
            {"key": "amount", "label": "Amount", "type": "money"},
            {"key": "due_date", "label": "Due date", "type": "date"},
        ],
        ["invoices"],
    ),
    "offer": (
        "Offer",
        [
            {"key": "offer_number", "label": "Offer number", "type": "text"},
            {"key": "amount", "label": "Amount", "type": "money"},
        ],
        ["offers"],
    ),
    "order": (
        "Order",
        [
            {"key": "quantity", "label": "Quantity", "type": "number"},
            {"key": "delivery_date", "label": "Delivery date", "type": "date"},
        ],
        ["orders"],
    ),
    "complaint": (
        "Complaint",
        [
            {
                "key": "severity",
                "label": "Severity",
                "type": "choice",
                "choices": ["low", "medium", "high"],
            }
        ],
        ["complaints", "correspondence"],
    ),
    "contract": (
        "Contract",
        [{"key": "valid_until", "label": "Valid until", "type": "date"}],
        ["contracts"],
    ),
    "letter": ("Letter", [], ["correspondence"]),
}


@dataclass(frozen=True, slots=True)
class BenchCatalog:
    tenant: Tenant
    registers: dict[str, Register]
    types: dict[str, DocumentType]
    users: list[User]
    principal: Principal


def _principal(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        tenant_id=user.tenant_id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        via="session",
    )


async def make_catalog(runtime: Runtime, users: int = 3) -> BenchCatalog:
    """A fresh tenant (unique slug) with registers, document types and ``users`` admins."""
    services = runtime.services()
    catalog = services.catalog
    tag = uuid.uuid4().hex[:12]
    tenant = await catalog.create_tenant(
        f"bench-{tag}", "Benchmark tenant", "en", cover_schema=COVER_SCHEMA
    )
    registers = {key: await catalog.add_register(tenant.id, key, name) for key, name in REGISTERS}
    types = {
        key: await catalog.add_document_type(
            tenant.id, key, name, fields=fields, default_registers=defaults
        )
        for key, (name, fields, defaults) in DOCUMENT_TYPES.items()
    }
    made = [
        await services.accounts.create_user(
            tenant.id, f"clerk{i}-{tag}@example.com", f"Clerk {i}", "admin", None
        )
        for i in range(users)
    ]
    return BenchCatalog(tenant, registers, types, made, _principal(made[0]))


async def make_customer(runtime: Runtime, catalog: BenchCatalog, number: int) -> str:
    """A customer with cover values, two addresses and three contacts; returns its id."""
    customer = await runtime.services().customers.create(
        catalog.principal,
        CustomerDraft(
            erp_number=f"K{number:06d}",
            name=f"Customer {number:04d} GmbH",
            key_data={
                "segment": "abc"[number % 3],
                "industry": "Mechanical engineering",
                "credit_limit": {"amount": "250000.00", "currency": "EUR"},
                "customer_since": "2012-04-01",
                "employees": 120 + number,
            },
            addresses=[
                Address(AddressKind.BILLING, "Hauptstraße 1", "10115", "Berlin", "DE"),
                Address(AddressKind.DELIVERY, "Hafenweg 7", "20457", "Hamburg", "DE"),
            ],
            contacts=[
                Contact(name="Anna Nowak", role="Purchasing", email="anna@example.com"),
                Contact(name="Ben Weber", role="Accounting"),
                Contact(name="Clara Fischer", role="Management"),
            ],
        ),
    )
    return customer.id
