"""Domain objects as the sync protocol's entity fields (:data:`sync.entities.CLIENT_FIELDS`
plus what the server makes: numbers, digests, previews). Values are JSON-ready."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from backend.customers.models import Address, Contact, Customer
from backend.documents.models import Document, Preview, Version
from backend.offline.repository import LeaseRow

__all__ = [
    "DocumentFieldsOnUse",
    "address_fields",
    "contact_fields",
    "customer_fields",
    "document_fields",
    "lease_fields",
    "version_fields",
]


def customer_fields(customer: Customer) -> dict[str, Any]:
    return {
        "name": customer.name,
        "erp_number": customer.erp_number,
        "key_data": dict(customer.key_data),
        "status": customer.status,
    }


def address_fields(address: Address) -> dict[str, Any]:
    return {
        "kind": address.kind.value,
        "label": address.label,
        "street": address.street,
        "postal_code": address.postal_code,
        "city": address.city,
        "country": address.country,
        "latitude": address.latitude,
        "longitude": address.longitude,
        "geo_state": address.geo_state.value,
    }


def contact_fields(contact: Contact) -> dict[str, Any]:
    return {
        "name": contact.name,
        "role": contact.role,
        "email": contact.email,
        "phone": contact.phone,
    }


def document_fields(document: Document, first: Version | None) -> dict[str, Any]:
    return {
        "title": document.title,
        "document_date": document.document_date.isoformat(),
        "status": document.status,
        "document_type_id": document.document_type_id,
        "index_values": dict(document.index_values),
        "file_name": first.filename if first else None,
        "media_type": first.mime_type if first else None,
        "version_count": document.version_count,
        "legal_hold": document.legal_hold is not None,
        "created_at": document.created_at.isoformat(),
        "updated_at": document.updated_at.isoformat(),
    }


def version_fields(version: Version, preview: Preview | None) -> dict[str, Any]:
    return {
        "document_id": version.document_id,
        "file_name": version.filename,
        "media_type": version.mime_type,
        "number": version.number,
        "blob_sha256": version.sha256,
        "size": version.size,
        "created_at": version.created_at.isoformat(),
        "preview": None if preview is None else preview.state,
        "renditions": []
        if preview is None
        else [
            {"id": r.id, "kind": r.kind, "page": r.page, "width": r.width, "height": r.height}
            for r in preview.renditions
        ],
    }


def lease_fields(row: LeaseRow) -> dict[str, Any]:
    return {
        "customer_id": row.customer_id,
        "user_id": row.user_id,
        "user_name": row.user_name,
        "device": row.device,
        "since": row.since.isoformat(),
        "until": row.until.isoformat(),
        "checked_in_at": None if row.checked_in_at is None else row.checked_in_at.isoformat(),
    }


class DocumentFieldsOnUse(Mapping[str, Any]):
    """:func:`document_fields` of a document, made when first looked at. What a push writes is
    answered with its new state, of which the engine reads only the revision: 500 edits of a
    batch need not build 500 field maps nobody reads."""

    __slots__ = ("_document", "_fields", "_first")

    def __init__(self, document: Document, first: Version | None) -> None:
        self._document = document
        self._first = first
        self._fields: dict[str, Any] | None = None

    def _made(self) -> dict[str, Any]:
        if self._fields is None:
            self._fields = document_fields(self._document, self._first)
        return self._fields

    def __getitem__(self, name: str) -> Any:
        return self._made()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._made())
