"""What the change feed hears of documents: one helper per kind of write, so every write path
records the same entities (docs/adr/0024). Call them inside the write transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from backend.changes.models import Entity, Op, assignment_id
from backend.changes.recording import record_change, record_changes
from backend.documents.models import Document, Version

__all__ = ["record_assignments", "record_document", "record_renditions", "record_version"]


def record_document(
    document: Document, *entities: Entity, op: Op = Op.PUT, at: dt.datetime | None = None
) -> None:
    """The document's metadata (:attr:`Entity.DOCUMENT`) or registers changed."""
    for entity in entities:
        record_change(
            document.tenant_id,
            document.customer_id,
            entity,
            document.id,
            op,
            at or document.updated_at,
        )


def record_version(customer_id: str, version: Version) -> None:
    """A new version, and its preview (pending until the preview job made it)."""
    for entity in (Entity.VERSION, Entity.RENDITION):
        record_change(version.tenant_id, customer_id, entity, version.id, at=version.created_at)


def record_renditions(document: Document, version_id: str, at: dt.datetime) -> None:
    """The preview state or the renditions of one of the document's versions changed."""
    record_change(
        document.tenant_id, document.customer_id, Entity.RENDITION, version_id, Op.PUT, at
    )


def record_assignments(
    document: Document, register_ids: Iterable[str], op: Op, at: dt.datetime | None = None
) -> None:
    """The document was filed in (``put``) or taken out of (``delete``) these registers."""
    ids = [assignment_id(document.id, r) for r in register_ids]
    when = at or document.updated_at
    record_changes(
        document.tenant_id, document.customer_id, Entity.REGISTER_ASSIGNMENT, ids, op, when
    )
