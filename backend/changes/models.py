"""What the change feed records: one row per changed entity of a dossier."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Change", "ChangeDraft", "Entity", "Op", "assignment_id"]


class Entity(StrEnum):
    """The kinds of things a pinned dossier holds, named as the sync protocol names them
    (:class:`sync.entities.Entity`), plus renditions."""

    CUSTOMER = "customer"
    ADDRESS = "address"
    CONTACT = "contact"
    DOCUMENT = "document"
    REGISTER_ASSIGNMENT = "register_assignment"
    """A document filed in a register (``entity_id`` from :func:`assignment_id`)."""
    VERSION = "version"
    RENDITION = "rendition"
    """A version's preview state or one of its renditions (``entity_id`` is the version's id;
    pull sends the version again)."""
    LEASE = "lease"
    CONFLICT = "conflict"


def assignment_id(document_id: str, register_id: str) -> str:
    """The id of a register assignment: its document and register."""
    return f"{document_id}/{register_id}"


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
