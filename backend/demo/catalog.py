"""The demo tenant's configuration: cover schema, register tree and document types.

Keys are English and stable (documents and tests refer to them); labels and names are German, the
tenant's locale. Retention follows German commercial law: ten years for books, invoices and
contracts, six for business letters and the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from backend.documents.models import DocumentType
from backend.dossiers.models import Register
from backend.tenancy.models import Tenant
from backend.tenancy.service import CatalogService

__all__ = [
    "COVER_SCHEMA",
    "DOCUMENT_TYPES",
    "REGISTERS",
    "TENANT_NAME",
    "TENANT_SLUG",
    "DemoCatalog",
    "create_catalog",
]

TENANT_SLUG = "demo"
TENANT_NAME = "Demo Handel GmbH"

COVER_SCHEMA: list[dict[str, Any]] = [
    {
        "key": "segment",
        "label": "Kundensegment",
        "type": "choice",
        "required": True,
        "choices": ["A", "B", "C"],
    },
    {"key": "credit_limit", "label": "Kreditlimit", "type": "money"},
    {"key": "payment_terms", "label": "Zahlungsbedingungen", "type": "text"},
    {"key": "account_manager", "label": "Kundenbetreuer", "type": "text"},
    {"key": "customer_since", "label": "Kunde seit", "type": "date"},
    {"key": "vat_id", "label": "USt-IdNr.", "type": "text", "max_length": 20},
]

REGISTERS: tuple[tuple[str, str], ...] = (
    ("correspondence", "Korrespondenz"),
    ("offers", "Angebote"),
    ("orders", "Aufträge"),
    ("delivery_notes", "Lieferscheine"),
    ("invoices", "Rechnungen"),
    ("complaints", "Reklamationen"),
    ("contracts", "Verträge"),
)

_DIRECTION = {
    "key": "direction",
    "label": "Richtung",
    "type": "choice",
    "choices": ["incoming", "outgoing"],
}


@dataclass(frozen=True, slots=True)
class TypeSpec:
    key: str
    name: str
    fields: list[dict[str, Any]]
    registers: tuple[str, ...]
    retention_years: int


def _text(key: str, label: str, required: bool = False) -> dict[str, Any]:
    return {"key": key, "label": label, "type": "text", "required": required, "max_length": 40}


DOCUMENT_TYPES: tuple[TypeSpec, ...] = (
    TypeSpec(
        "letter",
        "Brief",
        [_DIRECTION, _text("correspondent", "Ansprechpartner")],
        ("correspondence",),
        6,
    ),
    TypeSpec(
        "email",
        "E-Mail",
        [_DIRECTION, _text("correspondent", "Ansprechpartner")],
        ("correspondence",),
        6,
    ),
    TypeSpec(
        "offer",
        "Angebot",
        [
            _text("offer_number", "Angebotsnummer", required=True),
            {"key": "amount", "label": "Angebotssumme", "type": "money"},
            {"key": "valid_until", "label": "Gültig bis", "type": "date"},
        ],
        ("offers",),
        6,
    ),
    TypeSpec(
        "order",
        "Auftragsbestätigung",
        [
            _text("order_number", "Auftragsnummer", required=True),
            {"key": "amount", "label": "Auftragswert", "type": "money"},
            _text("offer_number", "Angebotsnummer"),
        ],
        ("orders",),
        6,
    ),
    TypeSpec(
        "delivery_note",
        "Lieferschein",
        [
            _text("delivery_number", "Lieferscheinnummer", required=True),
            _text("order_number", "Auftragsnummer"),
        ],
        ("delivery_notes",),
        6,
    ),
    TypeSpec(
        "invoice",
        "Rechnung",
        [
            _text("invoice_number", "Rechnungsnummer", required=True),
            {"key": "amount", "label": "Rechnungsbetrag", "type": "money", "required": True},
            {"key": "due_date", "label": "Fällig am", "type": "date"},
            _text("order_number", "Auftragsnummer"),
        ],
        ("invoices",),
        10,
    ),
    TypeSpec(
        "complaint",
        "Reklamation",
        [
            {
                "key": "severity",
                "label": "Schwere",
                "type": "choice",
                "required": True,
                "choices": ["low", "medium", "high"],
            },
            {
                "key": "status",
                "label": "Bearbeitungsstand",
                "type": "choice",
                "required": True,
                "choices": ["open", "closed"],
            },
            _text("delivery_number", "Lieferscheinnummer"),
        ],
        ("complaints",),
        6,
    ),
    TypeSpec(
        "contract",
        "Vertrag",
        [
            _text("contract_number", "Vertragsnummer", required=True),
            {"key": "start_date", "label": "Beginn", "type": "date"},
            {"key": "end_date", "label": "Ende", "type": "date"},
        ],
        ("contracts",),
        10,
    ),
    TypeSpec("photo", "Foto", [_text("reference", "Bezug")], ("delivery_notes",), 6),
)


@dataclass(frozen=True, slots=True)
class DemoCatalog:
    """What the seeder needs to refer to: the tenant, registers and document types by key."""

    tenant: Tenant
    registers: Mapping[str, Register]
    types: Mapping[str, DocumentType]


async def create_catalog(catalog: CatalogService) -> DemoCatalog:
    """Create the demo tenant with its registers and document types (raises Conflict if present)."""
    tenant = await catalog.create_tenant(TENANT_SLUG, TENANT_NAME, "de", COVER_SCHEMA)
    registers = {key: await catalog.add_register(tenant.id, key, name) for key, name in REGISTERS}
    types = {
        spec.key: await catalog.add_document_type(
            tenant.id, spec.key, spec.name, spec.fields, spec.registers, spec.retention_years
        )
        for spec in DOCUMENT_TYPES
    }
    return DemoCatalog(tenant=tenant, registers=registers, types=types)
