"""What the change feed records: one row per changed entity of a dossier."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Change", "ChangeDraft", "Entity", "Op"]


class Entity(StrEnum):
    """The kinds of things a pinned dossier holds, as the feed names them."""

    CUSTOMER = "customer"
    ADDRESSES = "addresses"
    """The customer's addresses, replaced as a whole or one position set (``entity_id`` is the
    customer's id, like the domain, which replaces the list as a whole)."""
    CONTACTS = "contacts"
    """The customer's contacts (``entity_id`` is the customer's id)."""
    DOCUMENT = "document"
    REGISTERS = "registers"
    """A document's register assignment (``entity_id`` is the document's id)."""
    VERSION = "version"
    RENDITION = "rendition"
    """A version's preview state or one of its renditions (``entity_id`` is the version's id)."""
    CONFLICT = "conflict"
    CHECKOUT = "checkout"


class Op(StrEnum):
    PUT = "put"
    """The entity exists (new or changed): a reader loads its current state."""
    DELETE = "delete"
    """The entity is gone from the dossier."""


@dataclass(frozen=True, slots=True)
class ChangeDraft:
    """A change recorded in a write transaction, before the feed gives it its sequence number."""

    tenant_id: str
    customer_id: str
    entity: Entity
    entity_id: str
    op: Op
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Change:
    tenant_id: str
    seq: int
    customer_id: str
    entity: Entity
    entity_id: str
    op: Op
    at: dt.datetime
