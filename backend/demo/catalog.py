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


def _text(key: str, label: str, required: bool = False) -> dict[str, Any]:
    return {"key": key, "label": label, "type": "text", "required": required, "max_length": 40}


def _typed(kind: str, key: str, label: str, required: bool = False) -> dict[str, Any]:
    return {"key": key, "label": label, "type": kind, "required": required}


def _choice(key: str, label: str, *choices: str) -> dict[str, Any]:
    return {"key": key, "label": label, "type": "choice", "required": True, "choices": choices}


COVER_SCHEMA: list[dict[str, Any]] = [
    _choice("segment", "Kundensegment", "A", "B", "C"),
    _typed("money", "credit_limit", "Kreditlimit"),
    _text("payment_terms", "Zahlungsbedingungen"),
    _text("account_manager", "Kundenbetreuer"),
    _typed("date", "customer_since", "Kunde seit"),
    _text("vat_id", "USt-IdNr."),
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


@dataclass(frozen=True, slots=True)
class TypeSpec:
    key: str
    name: str
    registers: tuple[str, ...]  # where its documents are filed unless the upload says otherwise
    retention_years: int
    fields: tuple[dict[str, Any], ...]


def _type(key: str, name: str, register: str, years: int, *fields: dict[str, Any]) -> TypeSpec:
    return TypeSpec(key, name, (register,), years, fields)


_CORRESPONDENCE = (
    _choice("direction", "Richtung", "incoming", "outgoing"),
    _text("correspondent", "Ansprechpartner"),
)

DOCUMENT_TYPES: tuple[TypeSpec, ...] = (
    _type("letter", "Brief", "correspondence", 6, *_CORRESPONDENCE),
    _type("email", "E-Mail", "correspondence", 6, *_CORRESPONDENCE),
    _type(
        "offer", "Angebot", "offers", 6,
        _text("offer_number", "Angebotsnummer", required=True),
        _typed("money", "amount", "Angebotssumme"),
        _typed("date", "valid_until", "Gültig bis"),
    ),
    _type(
        "order", "Auftragsbestätigung", "orders", 6,
        _text("order_number", "Auftragsnummer", required=True),
        _typed("money", "amount", "Auftragswert"),
        _text("offer_number", "Angebotsnummer"),
    ),
    _type(
        "delivery_note", "Lieferschein", "delivery_notes", 6,
        _text("delivery_number", "Lieferscheinnummer", required=True),
        _text("order_number", "Auftragsnummer"),
    ),
    _type(
        "invoice", "Rechnung", "invoices", 10,
        _text("invoice_number", "Rechnungsnummer", required=True),
        _typed("money", "amount", "Rechnungsbetrag", required=True),
        _typed("date", "due_date", "Fällig am"),
        _text("order_number", "Auftragsnummer"),
    ),
    _type(
        "complaint", "Reklamation", "complaints", 6,
        _choice("severity", "Schwere", "low", "medium", "high"),
        _choice("status", "Bearbeitungsstand", "open", "closed"),
        _text("delivery_number", "Lieferscheinnummer"),
    ),
    _type(
        "contract", "Vertrag", "contracts", 10,
        _text("contract_number", "Vertragsnummer", required=True),
        _typed("date", "start_date", "Beginn"),
        _typed("date", "end_date", "Ende"),
    ),
    _type("photo", "Foto", "delivery_notes", 6, _text("reference", "Bezug")),
)  # fmt: skip


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
