from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from backend.geo.models import GeoState, Quality

__all__ = ["Address", "AddressKind", "Contact", "Customer", "CustomerDraft", "CustomerPage"]


class AddressKind(StrEnum):
    BILLING = "billing"
    DELIVERY = "delivery"


@dataclass(frozen=True, slots=True)
class Address:
    kind: AddressKind
    street: str
    postal_code: str
    city: str
    country: str
    label: str = ""
    latitude: float | None = None
    longitude: float | None = None
    id: str = ""
    geo_state: GeoState = GeoState.PENDING
    """Where the position comes from, or why there is none (set by the service, not input)."""
    geo_quality: Quality | None = None
    geo_updated_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""
    id: str = ""


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    tenant_id: str
    erp_number: str
    name: str
    status: str
    key_data: dict[str, Any]
    revision: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CustomerDraft:
    """Input for creating or changing a customer. ``None`` means "leave unchanged" on update."""

    erp_number: str | None = None
    name: str | None = None
    status: str | None = None
    key_data: dict[str, Any] | None = None
    addresses: list[Address] | None = None
    contacts: list[Contact] | None = None


@dataclass(frozen=True, slots=True)
class CustomerPage:
    items: list[Customer]
    next_cursor: str | None
    total: int = field(default=0)
