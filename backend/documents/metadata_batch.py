"""Metadata changes of documents, one or many in one write transaction (docs/adr/0028).

:class:`MetadataBatch` is the one place the rules of a metadata change live (title, status and
typed index values checked, one history entry per changed field, a new revision, the change feed,
a notification when the status changes, an audit line). A single change
(:meth:`DocumentService.update_metadata`) is a batch of one; the sync push applies a device's
whole batch through one.

Reads go through the batch: each document and its registers are read once (:meth:`load` reads
many in one statement, holding the rows on PostgreSQL when asked to), and a later change of the
same document starts from the state the earlier one staged. Nothing is written until
:meth:`flush`: the final state of each changed document (one statement for all), all history
rows, their index values, one rebuild of their search entries, the notifications, and the audit
lines (through the :class:`~backend.audit.service.AuditBuffer`, in the order they were made). A
refused change raises before it stages anything, so it leaves no trace and the batch goes on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from backend.access.policy import Action, Principal, Resource, can
from backend.audit.service import AuditBuffer
from backend.changes.models import Entity
from backend.documents.feed import record_document
from backend.documents.indexing import index_entries
from backend.documents.models import Document, DocumentType, MetadataChange, MetadataPatch
from backend.documents.ports import DocumentRepository
from backend.errors import (
    Conflict,
    DocumentDeleted,
    FieldIssue,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from backend.fields import merge_values
from backend.ids import new_row_id, parse_id
from backend.notifications.models import DocumentEvent, Event
from backend.ports import Clock, Transactions
from backend.tenancy.service import CatalogService

__all__ = [
    "DELETED",
    "DOCUMENT_STATUSES",
    "MAX_TITLE",
    "MetadataBatch",
    "check_access",
    "check_title",
    "document_resource",
]

DOCUMENT_STATUSES = ("active", "draft", "archived")
DELETED = "deleted"  # set only by :meth:`DocumentService.delete`, never by a metadata change
MAX_TITLE = 500

Notify = Callable[[Principal, DocumentEvent], Awaitable[None]]


def check_title(title: str, issues: list[FieldIssue]) -> str:
    title = title.strip()
    if not title:
        issues.append(FieldIssue("title", "required", "is required"))
    elif len(title) > MAX_TITLE:
        issues.append(FieldIssue("title", "too_long", f"at most {MAX_TITLE} characters"))
    return title


def document_resource(document: Document, register_ids: list[str]) -> Resource:
    return Resource(
        document.tenant_id,
        customer_id=document.customer_id,
        document_type_id=document.document_type_id,
        register_ids=frozenset(register_ids),
        document_id=document.id,
    )


def check_access(
    principal: Principal, document: Document, register_ids: list[str], action: Action
) -> None:
    """Raise unless ``principal`` may ``action`` ``document``: a document it may not read
    answers like a missing one, so that nothing reveals it exists."""
    _check_resource(principal, document_resource(document, register_ids), action)


def _check_resource(principal: Principal, resource: Resource, action: Action) -> None:
    if not can(principal, Action.READ, resource):
        raise NotFound("document", resource.document_id)
    if action is not Action.READ and not can(principal, action, resource):
        raise Forbidden(f"you may not {action.value} this document")


def diff(old: Document, new: Document, user_id: str, at: dt.datetime) -> list[MetadataChange]:
    pairs: list[tuple[str, Any, Any]] = []
    if old.title != new.title:
        pairs.append(("title", old.title, new.title))
    if old.document_date != new.document_date:
        pairs.append(("documentDate", old.document_date.isoformat(), new.document_date.isoformat()))
    if old.status != new.status:
        pairs.append(("status", old.status, new.status))
    if old.index_values != new.index_values:
        for key in sorted(old.index_values.keys() | new.index_values.keys()):
            before, after = old.index_values.get(key), new.index_values.get(key)
            if before != after:
                pairs.append((f"indexValues.{key}", before, after))
    return [
        MetadataChange(
            id=new_row_id(),
            document_id=new.id,
            revision=new.revision,
            field=name,
            old_value=before,
            new_value=after,
            changed_at=at,
            changed_by=user_id,
        )
        for name, before, after in pairs
    ]


class MetadataBatch:
    def __init__(
        self,
        principal: Principal,
        repo: DocumentRepository,
        catalog: CatalogService,
        audit: AuditBuffer,
        tx: Transactions,
        clock: Clock,
        notify: Notify,
        *,
        hold: bool = False,
    ) -> None:
        self._p = principal
        self._repo = repo
        self._catalog = catalog
        self._audit = audit
        self._tx = tx
        self._clock = clock
        self._notify = notify
        self._hold = hold
        self._documents: dict[str, Document | None] = {}
        self._registers: dict[str, list[str]] = {}
        # What access is decided on, per document read: its customer, type and registers, which
        # no metadata change moves (the engine and the batch both ask, for every edit).
        self._resources: dict[str, Resource] = {}
        self._stored_index: dict[str, dict[str, Any]] = {}
        self._staged: dict[str, Document] = {}
        self._types: dict[str, DocumentType] = {}
        self._known_types: dict[str, DocumentType] = {}  # by type id, read once per batch
        self._changes: list[MetadataChange] = []
        self._events: list[DocumentEvent] = []
        self._feed: list[Document] = []

    # -- reading -----------------------------------------------------------------------------

    async def load(self, document_ids: list[str]) -> None:
        """Read the documents not read yet, and their registers, in one statement each."""
        wanted = [i for i in dict.fromkeys(document_ids) if i not in self._documents]
        if not wanted:
            return
        tenant = self._p.tenant_id
        found = await self._repo.documents_by_ids(tenant, wanted, hold=self._hold)
        registers = await self._repo.registers_of(tenant, wanted)
        by_id = {d.id: d for d in found}
        for document_id in wanted:
            document = by_id.get(document_id)
            self._documents[document_id] = document
            self._registers[document_id] = registers.get(document_id, [])
            if document is not None:
                self._stored_index[document_id] = dict(document.index_values)

    async def document(self, document_id: str) -> Document | None:
        """The document as this batch has it (with what it staged); None if there is none."""
        if document_id not in self._documents:
            await self.load([document_id])
        return self._documents[document_id]

    async def resource(self, document_id: str) -> Resource | None:
        """What access to the document is decided on; None if there is no such document."""
        document = await self.document(document_id)
        if document is None:
            return None
        found = self._resources.get(document_id)
        if found is None:
            found = document_resource(document, self._registers[document_id])
            self._resources[document_id] = found
        return found

    async def registers(self, document_id: str) -> list[str]:
        if document_id not in self._registers:
            await self.load([document_id])
        return list(self._registers[document_id])

    def forget(self) -> None:
        """Drop what was read (after a write elsewhere changed documents); flush first."""
        if self._staged:
            raise RuntimeError("flush the batch before forgetting what it read")
        self._documents.clear()
        self._registers.clear()
        self._resources.clear()
        self._stored_index.clear()

    @property
    def pending(self) -> bool:
        return bool(self._staged)

    # -- changing ----------------------------------------------------------------------------

    async def update(
        self, document_id: str, patch: MetadataPatch, expected_revision: int | None = None
    ) -> Document:
        """Check and stage ``patch``; each changed field becomes one history entry of the new
        revision. Raises (staging nothing) for anything refused."""
        # An id the batch read is already in its canonical form.
        key = document_id if document_id in self._documents else parse_id("document", document_id)
        current = await self.document(key)
        if current is None:
            raise NotFound("document", document_id)
        resource = await self.resource(key)
        assert resource is not None  # the document was found above
        _check_resource(self._p, resource, Action.WRITE)
        if current.status == DELETED:
            raise DocumentDeleted(document_id)
        if expected_revision is not None and expected_revision != current.revision:
            raise Conflict(
                f"the document changed meanwhile (revision {current.revision}, "
                f"you edited {expected_revision})"
            )
        document_type = self._known_types.get(current.document_type_id)
        if document_type is None:
            document_type = await self._catalog.document_type(
                self._p.tenant_id, current.document_type_id
            )
            self._known_types[document_type.id] = document_type
        issues: list[FieldIssue] = []
        title = current.title if patch.title is None else check_title(patch.title, issues)
        if patch.status is not None and patch.status not in DOCUMENT_STATUSES:
            issues.append(FieldIssue("status", "invalid_value", ", ".join(DOCUMENT_STATUSES)))
        values = dict(current.index_values)
        try:
            values = merge_values(
                document_type.fields, values, patch.index_values, path="indexValues"
            )
        except ValidationFailed as exc:
            issues.extend(exc.issues)
        if issues:
            raise ValidationFailed(issues)
        now = self._clock()
        revision = current.revision + 1
        updated = dataclasses.replace(
            current,
            title=title,
            document_date=patch.document_date or current.document_date,
            status=patch.status or current.status,
            index_values=values,
            revision=revision,
            updated_at=now,
        )
        changes = diff(current, updated, self._p.user_id, now)
        if not changes:
            return current
        # Staged: nothing below can fail.
        self._documents[key] = self._staged[key] = updated
        self._types[key] = document_type
        self._changes += changes
        self._feed.append(updated)
        if updated.status != current.status:
            self._events.append(
                DocumentEvent(Event.STATUS_CHANGED, updated.id, revision=updated.revision)
            )
        self._audit.add(
            self._p,
            "document.update",
            "document",
            updated.id,
            {
                "revision": revision,
                "changes": [
                    {"field": c.field, "old": c.old_value, "new": c.new_value} for c in changes
                ],
            },
        )
        return updated

    async def flush(self) -> None:
        """Write what was staged (and the audit lines so far) in the current write transaction,
        or in one of its own (none when there is nothing to write)."""
        if not (self._staged or self._feed or self._events or len(self._audit)):
            return
        staged, self._staged = list(self._staged.values()), {}
        changes, self._changes = self._changes, []
        events, self._events = self._events, []
        feed, self._feed = self._feed, []
        index = {
            d.id: index_entries(self._types[d.id].fields, d.index_values)
            for d in staged
            if d.index_values != self._stored_index.get(d.id)
        }
        async with self._tx.write():
            if staged:
                await self._repo.update_documents(self._p.tenant_id, staged, changes, index)
                for document in staged:
                    self._stored_index[document.id] = dict(document.index_values)
            for document in feed:  # one change per change made, as each was made
                record_document(document, Entity.DOCUMENT)
            for event in events:
                await self._notify(self._p, event)
            await self._audit.flush()
