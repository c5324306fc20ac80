"""The archive's side of documents: retention dates, legal hold, and deletion after retention
with a tombstone (docs/adr/0008). Reads and ordinary changes live in :mod:`.service`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from backend.access.policy import Action, Principal
from backend.audit.service import AuditTrail
from backend.blobs.store import BlobStore
from backend.changes.models import Entity, Op
from backend.documents.feed import record_assignments, record_document
from backend.documents.models import Document, LegalHold, Tombstone
from backend.documents.ports import DocumentRepository
from backend.documents.retention import deletable_on, retention_until
from backend.documents.service import DocumentService, valid_reason
from backend.errors import Conflict, LegalHoldActive, RetentionActive
from backend.ports import Clock, Transactions
from backend.tenancy.service import CatalogService

__all__ = ["ArchiveService"]

log = logging.getLogger("dossier.archive")


class ArchiveService:
    def __init__(
        self,
        documents: DocumentService,
        repo: DocumentRepository,
        catalog: CatalogService,
        blobs: BlobStore,
        audit: AuditTrail,
        tx: Transactions,
        clock: Clock,
    ) -> None:
        self._documents = documents
        self._repo = repo
        self._catalog = catalog
        self._blobs = blobs
        self._audit = audit
        self._tx = tx
        self._clock = clock

    async def retention_until(self, principal: Principal, document: Document) -> dt.date | None:
        """The last day ``document`` must be kept (None: its type has no retention duty)."""
        document_type = await self._catalog.document_type(
            principal.tenant_id, document.document_type_id
        )
        return retention_until(
            document.document_date, document_type.retention_years, document_type.retention_from
        )

    async def set_legal_hold(self, principal: Principal, document_id: str, reason: str) -> Document:
        """Put a document under legal hold (administrators only): it cannot be deleted until the
        hold is lifted, whatever its retention date."""
        reason = valid_reason(reason)
        document = await self._documents.get(principal, document_id, Action.ADMIN)
        if document.legal_hold is not None:
            raise Conflict(
                f"the document is already under legal hold ({document.legal_hold.reason})"
            )
        hold = LegalHold(reason=reason, set_at=self._clock(), set_by=principal.user_id)
        async with self._tx.write():
            if not await self._repo.set_legal_hold(principal.tenant_id, document.id, hold):
                raise Conflict("the document changed meanwhile; reload and try again")
            record_document(document, Entity.DOCUMENT, at=hold.set_at)
            await self._audit.record(
                principal, "document.legal_hold_set", "document", document.id, {"reason": reason}
            )
        return dataclasses.replace(document, legal_hold=hold)

    async def lift_legal_hold(
        self, principal: Principal, document_id: str, reason: str
    ) -> Document:
        """Lift the legal hold of a document (administrators only); the retention rules apply
        again."""
        reason = valid_reason(reason)
        document = await self._documents.get(principal, document_id, Action.ADMIN)
        hold = document.legal_hold
        if hold is None:
            raise Conflict("the document is not under legal hold")
        async with self._tx.write():
            if not await self._repo.lift_legal_hold(principal.tenant_id, document.id):
                raise Conflict("the document changed meanwhile; reload and try again")
            record_document(document, Entity.DOCUMENT, at=self._clock())
            await self._audit.record(
                principal,
                "document.legal_hold_lifted",
                "document",
                document.id,
                {
                    "reason": reason,
                    "held_since": hold.set_at.isoformat(),
                    "held_by": hold.set_by,
                    "hold_reason": hold.reason,
                },
            )
        return dataclasses.replace(document, legal_hold=None)

    async def delete(self, principal: Principal, document_id: str, reason: str) -> Tombstone:
        """Delete a document after its retention period: refused under legal hold
        (``legal_hold``) and before the retention date (``retention_active``), and then nothing
        changes.

        Versions are append-only, so the document row and its versions stay; the document gets
        status ``deleted`` and a tombstone (who, when, why), loses its filings and index values,
        and disappears from lists and counts. Content that no live document refers to any more
        leaves the blob store."""
        reason = valid_reason(reason)
        document = await self._documents.get(principal, document_id, Action.DELETE)
        if document.legal_hold is not None:
            raise LegalHoldActive(document.legal_hold.reason)
        now = self._clock()
        until = await self.retention_until(principal, document)
        if not deletable_on(until, now.date()):
            assert until is not None
            raise RetentionActive(until)
        tombstone = Tombstone(
            document_id=document.id,
            tenant_id=principal.tenant_id,
            deleted_at=now,
            deleted_by=principal.user_id,
            reason=reason,
        )
        versions = (await self._repo.versions_of(principal.tenant_id, [document.id])).get(
            document.id, []
        )
        registers = (await self._repo.registers_of(principal.tenant_id, [document.id])).get(
            document.id, []
        )
        digests = sorted({v.sha256 for v in versions})
        async with self._tx.write():
            if not await self._repo.mark_deleted(tombstone):
                # A hold was set or the document deleted between the checks and this transaction.
                current = await self._documents.get(principal, document.id)
                if current.legal_hold is not None:
                    raise LegalHoldActive(current.legal_hold.reason)
                raise Conflict("the document changed meanwhile; reload and try again")
            released = await self._repo.unreferenced_blobs(principal.tenant_id, digests)
            await self._repo.remove_blob_records(principal.tenant_id, released)
            derived = await self._repo.drop_previews(principal.tenant_id, [v.id for v in versions])
            record_document(document, Entity.DOCUMENT, op=Op.DELETE, at=now)
            record_assignments(document, sorted(registers), Op.DELETE, now)
            await self._audit.record(
                principal,
                "document.delete",
                "document",
                document.id,
                {
                    "reason": reason,
                    "retention_until": until.isoformat() if until else None,
                    "registers": sorted(registers),
                    "versions": [v.id for v in versions],
                    "blobs_removed": released,
                },
            )
        # The files go only after the commit: a rollback must never leave rows pointing at removed
        # content. A crash in between leaves orphaned files, never missing ones. The same content
        # uploaded again meanwhile is checked for once more right before each file goes.
        await self._remove_blob_files(principal.tenant_id, released)
        await self._remove_derived_files(principal.tenant_id, derived)
        return tombstone

    async def _remove_derived_files(self, tenant_id: str, digests: list[str]) -> None:
        """Preview images of the deleted versions, unless another version's preview (the same
        picture uploaded twice) or a live version uses the same content."""
        for digest in await self._repo.unused_content(tenant_id, digests):
            try:
                await self._blobs.delete(tenant_id, digest)
            except OSError:
                log.warning("could not remove rendition %s of tenant %s", digest, tenant_id)

    async def _remove_blob_files(self, tenant_id: str, digests: list[str]) -> None:
        still_free = await self._repo.unreferenced_blobs(tenant_id, digests)
        for digest in still_free:
            try:
                await self._blobs.delete(tenant_id, digest)
            except OSError:  # the deletion stands; an orphaned file is only wasted space
                log.warning("could not remove blob %s of tenant %s", digest, tenant_id)
