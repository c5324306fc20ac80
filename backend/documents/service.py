"""Documents: upload, new versions, metadata changes with history, registers, listing, and the
archive's legal hold and deletion after retention.

Every bad input is refused before anything is written; content goes to the blob store only once the
metadata has been validated, and the rows of a document (document, version, registers, index values)
are written in one transaction, so an error never leaves half a document behind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from backend.access.policy import Action, Principal, Resource, can, visibility
from backend.audit.service import AuditBuffer, AuditTrail
from backend.blobs.store import BlobStore
from backend.changes.models import Entity, Op
from backend.cursors import cursor_id, decode_cursor, encode_cursor
from backend.documents.content import inspect_content
from backend.documents.extraction import extract_job
from backend.documents.feed import record_assignments, record_document, record_version
from backend.documents.indexing import index_entries, normalise_filter
from backend.documents.metadata_batch import (
    DELETED,
    DOCUMENT_STATUSES,
    MetadataBatch,
    check_access,
    check_title,
    document_resource,
)
from backend.documents.models import (
    Document,
    DocumentDraft,
    DocumentFilter,
    DocumentLink,
    DocumentPage,
    DocumentSort,
    DocumentType,
    MailMessage,
    MetadataChange,
    MetadataPatch,
    NewContent,
    Preview,
    RenditionRef,
    SortField,
    TextSummary,
    Version,
    VersionText,
)
from backend.documents.pdf_preview import PDF_TYPES
from backend.documents.ports import DocumentRepository
from backend.documents.previews import preview_job
from backend.errors import (
    DocumentDeleted,
    FieldIssue,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from backend.fields import validate_values
from backend.ids import new_id, parse_id, parse_ids
from backend.jobs.queue import JobQueue
from backend.notifications.events import document_job
from backend.notifications.models import DocumentEvent, Event
from backend.ports import Clock, Transactions
from backend.tenancy.service import CatalogService

__all__ = ["DOCUMENT_STATUSES", "DocumentService", "valid_reason"]

MAX_REASON = 2000


def _version_facts(version: Version) -> dict[str, Any]:
    """What the audit trail keeps of a version, so ``dossier verify`` can check the row later."""
    return {
        "id": version.id,
        "number": version.number,
        "sha256": version.sha256,
        "size": version.size,
        "mime_type": version.mime_type,
        "filename": version.filename,
    }


def valid_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed.one("reason", "required", "is required")
    if len(reason) > MAX_REASON:
        raise ValidationFailed.one("reason", "too_long", f"at most {MAX_REASON} characters")
    return reason


class DocumentService:
    def __init__(
        self,
        repo: DocumentRepository,
        catalog: CatalogService,
        customer_exists: Callable[[Principal, str], Awaitable[bool]],
        blobs: BlobStore,
        audit: AuditTrail,
        tx: Transactions,
        clock: Clock,
        jobs: JobQueue,
        *,
        max_upload_bytes: int,
        page_size_max: int = 200,
    ) -> None:
        self._repo = repo
        self._catalog = catalog
        self._customer_exists = customer_exists
        self._blobs = blobs
        self._audit = audit
        self._tx = tx
        self._clock = clock
        self._jobs = jobs
        self._max_upload = max_upload_bytes
        self._page_size_max = page_size_max

    # -- writing ---------------------------------------------------------------------------

    async def _register_ids(
        self, principal: Principal, ids: list[str] | None, document_type: DocumentType
    ) -> list[str]:
        registers = await self._catalog.registers(principal.tenant_id)
        if ids is None:
            by_key = {r.key: r.id for r in registers}
            return [by_key[k] for k in document_type.default_registers if k in by_key]
        known = {r.id for r in registers}
        wanted = list(dict.fromkeys(parse_ids("register", ids)))
        unknown = [i for i in wanted if i not in known]
        if unknown:
            raise ValidationFailed.one("registerIds", "unknown_register", ", ".join(unknown))
        return wanted

    async def _store(self, principal: Principal, content: NewContent) -> tuple[str, str, str]:
        """Check and store content; return (filename, mime type, sha256)."""
        filename, mime = inspect_content(content.filename, content.data, self._max_upload)
        sha256 = await self._blobs.put(principal.tenant_id, content.data)
        return filename, mime, sha256

    async def upload(self, principal: Principal, draft: DocumentDraft) -> Document:
        customer_id = parse_id("customer", draft.customer_id)
        if not await self._customer_exists(principal, customer_id):
            raise NotFound("customer", draft.customer_id)
        document_type = await self._catalog.document_type(
            principal.tenant_id, parse_id("document type", draft.document_type_id)
        )
        issues: list[FieldIssue] = []
        title = check_title(draft.title, issues)
        if draft.status not in DOCUMENT_STATUSES:
            issues.append(FieldIssue("status", "invalid_value", ", ".join(DOCUMENT_STATUSES)))
        values: dict[str, Any] = {}
        try:
            values = validate_values(document_type.fields, draft.index_values, path="indexValues")
        except ValidationFailed as exc:
            issues.extend(exc.issues)
        if issues:
            raise ValidationFailed(issues)
        register_ids = await self._register_ids(principal, draft.register_ids, document_type)
        target = Resource(
            principal.tenant_id,
            customer_id=customer_id,
            document_type_id=document_type.id,
            register_ids=frozenset(register_ids),
        )
        if not can(principal, Action.WRITE, target):
            raise Forbidden("you may not add documents of this type here")
        filename, mime, sha256 = await self._store(principal, draft.content)
        now = self._clock()
        document = Document(
            id=new_id() if draft.id is None else parse_id("document", draft.id),
            tenant_id=principal.tenant_id,
            customer_id=customer_id,
            document_type_id=document_type.id,
            title=title,
            document_date=draft.document_date or now.date(),
            status=draft.status,
            index_values=values,
            revision=1,
            version_count=1,
            created_at=now,
            created_by=principal.user_id,
            updated_at=now,
        )
        version = Version(
            id=new_id(),
            tenant_id=principal.tenant_id,
            document_id=document.id,
            number=1,
            sha256=sha256,
            size=len(draft.content.data),
            mime_type=mime,
            filename=filename,
            comment="",
            created_at=now,
            created_by=principal.user_id,
        )
        async with self._tx.write():
            await self._repo.add_blob(principal.tenant_id, sha256, version.size, mime, now)
            await self._repo.add_document(
                document, version, register_ids, index_entries(document_type.fields, values)
            )
            await self._preview_later(version, now)
            await self._notify(principal, DocumentEvent(Event.DOCUMENT_CREATED, document.id))
            record_document(document, Entity.DOCUMENT)
            record_assignments(document, register_ids, Op.PUT)
            record_version(document.customer_id, version)
            await self._audit.record(
                principal,
                "document.create",
                "document",
                document.id,
                {
                    "customer": customer_id,
                    "type": document_type.key,
                    "title": title,
                    "registers": register_ids,
                    "version": _version_facts(version),
                },
            )
        return document

    async def add_version(
        self,
        principal: Principal,
        document_id: str,
        content: NewContent,
        comment: str = "",
        version_id: str | None = None,
    ) -> Version:
        """A new version (``version_id`` when the client chose it: offline sync)."""
        document = await self.get(principal, document_id, Action.WRITE)
        if len(comment) > 2000:
            raise ValidationFailed.one("comment", "too_long", "at most 2000 characters")
        filename, mime, sha256 = await self._store(principal, content)
        now = self._clock()
        async with self._tx.write():
            number = await self._repo.next_version_number(principal.tenant_id, document.id, now)
            if number is None:
                raise NotFound("document", document_id)
            version = Version(
                id=new_id() if version_id is None else parse_id("version", version_id),
                tenant_id=principal.tenant_id,
                document_id=document.id,
                number=number,
                sha256=sha256,
                size=len(content.data),
                mime_type=mime,
                filename=filename,
                comment=comment.strip(),
                created_at=now,
                created_by=principal.user_id,
            )
            await self._repo.add_blob(principal.tenant_id, sha256, version.size, mime, now)
            await self._repo.add_version(version)
            await self._preview_later(version, now)
            record_document(document, Entity.DOCUMENT)
            record_version(document.customer_id, version)
            await self._notify(
                principal, DocumentEvent(Event.VERSION_ADDED, document.id, version_id=version.id)
            )
            await self._audit.record(
                principal,
                "document.version_add",
                "document",
                document.id,
                {"version": _version_facts(version), "comment": version.comment},
            )
        return version

    async def _preview_later(self, version: Version, now: dt.datetime) -> None:
        """In the version's transaction: its preview and its text are pending, and jobs will
        make them."""
        await self._repo.set_preview(version.tenant_id, Preview(version.id, "pending"), now)
        await self._jobs.enqueue(preview_job(version.tenant_id, version.id))
        await self._repo.set_version_text(
            version.tenant_id, VersionText(version.id, version.document_id, "pending"), now
        )
        if version.mime_type not in PDF_TYPES:
            # A PDF's text job follows its preview (backend.documents.previews): only a PDF whose
            # page one rendered within the isolated renderer's limits is opened in a worker.
            await self._jobs.enqueue(extract_job(version.tenant_id, version.id))

    async def _notify(self, principal: Principal, event: DocumentEvent) -> None:
        """In the change's transaction: subscribers hear of it (docs/adr/0019)."""
        event = dataclasses.replace(event, actor_id=principal.user_id)
        await self._jobs.enqueue(document_job(principal.tenant_id, event))

    async def previews(self, principal: Principal, version_ids: list[str]) -> list[Preview]:
        """Previews of versions the caller already holds; a version without one (uploaded before
        previews existed) shows as pending."""
        found = await self._repo.previews_of(principal.tenant_id, version_ids)
        return [found.get(i) or Preview(i, "pending") for i in version_ids]

    async def mail(self, principal: Principal, version_id: str) -> MailMessage | None:
        """What a mail version the caller already holds says; None for other files, and until
        the preview job has read it."""
        return (await self._repo.mails_of(principal.tenant_id, [version_id])).get(version_id)

    async def mails(self, principal: Principal, version_ids: list[str]) -> list[MailMessage | None]:
        """:meth:`mail` for many versions the caller already holds, in one batch."""
        found = await self._repo.mails_of(principal.tenant_id, version_ids)
        return [found.get(i) for i in version_ids]

    async def links_of(
        self, principal: Principal, document_ids: list[str]
    ) -> list[list[DocumentLink]]:
        """:meth:`links` for many documents the caller already holds, in one batch."""
        found = await self._repo.links_of(principal.tenant_id, document_ids)
        return [found.get(i, []) for i in document_ids]

    async def links(self, principal: Principal, document_id: str) -> list[DocumentLink]:
        """Links of a document the caller already holds, both ways (its attachments, and the
        mails it is attached to); whether the other end is readable is :meth:`readable`'s."""
        found = await self._repo.links_of(principal.tenant_id, [document_id])
        return found.get(document_id, [])

    async def readable(self, principal: Principal, document_ids: list[str]) -> list[Document]:
        """Those of the documents that ``principal`` may read and that are not deleted."""
        found = await self._repo.documents_by_ids(principal.tenant_id, document_ids)
        registers: dict[str, list[str]] = {}
        if principal.needs_registers():
            registers = await self._repo.registers_of(principal.tenant_id, document_ids)
        return [
            d
            for d in found
            if d.status != DELETED
            and can(principal, Action.READ, document_resource(d, registers.get(d.id, [])))
        ]

    async def text_summaries(
        self, principal: Principal, version_ids: list[str]
    ) -> list[TextSummary]:
        """The text states of versions the caller already holds (lengths, not texts); a version
        without one (uploaded before extraction existed) shows as pending."""
        found = await self._repo.text_summaries_of(principal.tenant_id, version_ids)
        return [found.get(i) or TextSummary(i, "", "pending") for i in version_ids]

    async def texts(self, principal: Principal, version_ids: list[str]) -> list[VersionText]:
        """The extracted texts of versions the caller already holds; pending when absent."""
        found = await self._repo.texts_of(principal.tenant_id, version_ids)
        return [found.get(i) or VersionText(i, "", "pending") for i in version_ids]

    async def rendition(
        self, principal: Principal, rendition_id: str
    ) -> tuple[RenditionRef, bytes]:
        """A rendition's bytes, if ``principal`` may read its document (else not found)."""
        rendition = await self._repo.rendition(
            principal.tenant_id, parse_id("rendition", rendition_id)
        )
        if rendition is None:
            raise NotFound("rendition", rendition_id)
        version = await self._repo.version(principal.tenant_id, rendition.version_id)
        assert version is not None
        try:
            await self.get(principal, version.document_id)
        except NotFound:
            raise NotFound("rendition", rendition_id) from None
        return rendition, await self._blobs.get(principal.tenant_id, rendition.sha256)

    async def update_metadata(
        self,
        principal: Principal,
        document_id: str,
        patch: MetadataPatch,
        expected_revision: int | None = None,
    ) -> Document:
        """Apply ``patch``; each changed field becomes one history entry of the new revision."""
        batch = self.metadata_batch(principal, self._audit.buffer())
        updated = await batch.update(document_id, patch, expected_revision)
        await batch.flush()
        return updated

    def metadata_batch(
        self, principal: Principal, audit: AuditBuffer, *, hold: bool = False
    ) -> MetadataBatch:
        """Metadata changes of many documents, written together (:class:`MetadataBatch`)."""
        return MetadataBatch(
            principal,
            self._repo,
            self._catalog,
            audit,
            self._tx,
            self._clock,
            self._notify,
            hold=hold,
        )

    async def assign_registers(
        self, principal: Principal, document_id: str, register_ids: list[str]
    ) -> Document:
        current = await self.get(principal, document_id)
        document_type = await self._catalog.document_type(
            principal.tenant_id, current.document_type_id
        )
        wanted = await self._register_ids(principal, register_ids, document_type)
        before = (await self._repo.registers_of(principal.tenant_id, [current.id])).get(
            current.id, []
        )
        # Filing needs the right where the document lies now and where it goes.
        for registers in (before, wanted):
            resource = document_resource(current, registers)
            if not (
                can(principal, Action.FILE, resource) or can(principal, Action.WRITE, resource)
            ):
                raise Forbidden("you may not file this document there")
        if sorted(before) == sorted(wanted):
            return current
        now = self._clock()
        updated = dataclasses.replace(current, revision=current.revision + 1, updated_at=now)
        change = MetadataChange(
            id=new_id(),
            document_id=current.id,
            revision=updated.revision,
            field="registers",
            old_value=sorted(before),
            new_value=sorted(wanted),
            changed_at=now,
            changed_by=principal.user_id,
        )
        async with self._tx.write():
            await self._repo.update_document(updated, [change], None)
            await self._repo.set_registers(updated, wanted)
            record_document(updated, Entity.DOCUMENT)
            record_assignments(updated, sorted(set(before) - set(wanted)), Op.DELETE)
            record_assignments(updated, sorted(set(wanted) - set(before)), Op.PUT)
            await self._audit.record(
                principal,
                "document.file",
                "document",
                updated.id,
                {"revision": updated.revision, "old": change.old_value, "new": change.new_value},
            )
        return updated

    # -- reading ---------------------------------------------------------------------------

    async def authorize(self, principal: Principal, document: Document, action: Action) -> None:
        """Raise unless ``principal`` may ``action`` ``document``: a document it may not read
        answers like a missing one, so that nothing reveals it exists."""
        registers: list[str] = []
        if principal.needs_registers():
            registers = (await self._repo.registers_of(principal.tenant_id, [document.id])).get(
                document.id, []
            )
        check_access(principal, document, registers, action)

    async def get(
        self, principal: Principal, document_id: str, action: Action = Action.READ
    ) -> Document:
        """The document, if ``principal`` may ``action`` it."""
        found = await self._repo.documents_by_ids(
            principal.tenant_id, [parse_id("document", document_id)]
        )
        if not found:
            raise NotFound("document", document_id)
        await self.authorize(principal, found[0], action)
        if found[0].status == DELETED:
            raise DocumentDeleted(document_id)
        return found[0]

    async def versions_of(
        self, principal: Principal, document_ids: list[str]
    ) -> list[list[Version]]:
        """Versions of documents the caller already holds (it got them through a listing)."""
        found = await self._repo.versions_of(principal.tenant_id, document_ids)
        return [found.get(i, []) for i in document_ids]

    async def registers_of(self, principal: Principal, document_ids: list[str]) -> list[list[str]]:
        """Registers of documents the caller already holds (it got them through a listing)."""
        found = await self._repo.registers_of(
            principal.tenant_id, parse_ids("document", document_ids)
        )
        return [found.get(i, []) for i in document_ids]

    async def history(self, principal: Principal, document_id: str) -> list[MetadataChange]:
        document = await self.get(principal, document_id)
        return await self._repo.history(principal.tenant_id, document.id)

    async def content(self, principal: Principal, version_id: str) -> tuple[Version, bytes]:
        version = await self._repo.version(principal.tenant_id, parse_id("version", version_id))
        if version is None:
            raise NotFound("version", version_id)
        [document] = await self._repo.documents_by_ids(principal.tenant_id, [version.document_id])
        try:
            await self.authorize(principal, document, Action.DOWNLOAD)
        except NotFound:
            raise NotFound("version", version_id) from None
        if document.status == DELETED:
            raise DocumentDeleted(document.id)
        data = await self._blobs.get(principal.tenant_id, version.sha256)
        await self._audit.record(
            principal,
            "document.download",
            "document",
            version.document_id,
            {"version": version.number, "sha256": version.sha256},
        )
        return version, data

    async def view(self, principal: Principal, document_id: str) -> Document:
        """A document opened by a person: like :meth:`get`, and recorded as a view."""
        document = await self.get(principal, document_id)
        await self._audit.record(principal, "document.view", "document", document.id)
        return document

    async def list(
        self,
        principal: Principal,
        customer_id: str,
        filters: DocumentFilter,
        sort: DocumentSort,
        first: int,
        after: str | None,
    ) -> DocumentPage:
        """A page of the customer's documents that ``principal`` may read."""
        customer_id = parse_id("customer", customer_id)
        visible = visibility(principal, Action.READ)
        if visible.nothing:
            return DocumentPage(items=[], next_cursor=None)
        filters = dataclasses.replace(
            filters,
            register_id=filters.register_id and parse_id("register", filters.register_id),
            document_type_id=filters.document_type_id
            and parse_id("document type", filters.document_type_id),
        )
        limit = max(1, min(first, self._page_size_max))
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            raise ValidationFailed.one("filter.dateTo", "invalid_range", "ends before it starts")
        bounds = []
        if filters.index:
            if filters.document_type_id is None:
                raise ValidationFailed.one(
                    "filter.documentTypeId", "required", "index filters need a document type"
                )
            document_type = await self._catalog.document_type(
                principal.tenant_id, filters.document_type_id
            )
            fields = {f.key: f for f in document_type.fields}
            bounds = [normalise_filter(fields, f) for f in filters.index]
        position = self._decode_after(after, sort) if after else None
        rows = await self._repo.list_documents(
            principal.tenant_id, customer_id, filters, bounds, sort, position, limit + 1, visible
        )
        items = rows[:limit]
        next_cursor = None
        if len(rows) > limit:
            last = items[-1]
            key = {
                SortField.DOCUMENT_DATE: last.document_date.isoformat(),
                SortField.CREATED_AT: last.created_at.isoformat(),
                SortField.TITLE: last.title,
            }[sort.field]
            next_cursor = encode_cursor(sort.field.value, key, last.id)
        return DocumentPage(items=items, next_cursor=next_cursor)

    @staticmethod
    def _decode_after(after: str, sort: DocumentSort) -> tuple[Any, str]:
        field, key, last_id = decode_cursor(after, 3)
        if field != sort.field.value:
            raise ValidationFailed.one("after", "invalid_cursor", "the cursor is for another sort")
        try:
            value: Any
            if sort.field is SortField.DOCUMENT_DATE:
                value = dt.date.fromisoformat(key)
            elif sort.field is SortField.CREATED_AT:
                value = dt.datetime.fromisoformat(key)
            else:
                value = str(key)
        except (TypeError, ValueError):
            raise ValidationFailed.one(
                "after", "invalid_cursor", "not a cursor from this API"
            ) from None
        return value, cursor_id(last_id)

    async def register_counts(self, principal: Principal, customer_id: str) -> dict[str, int]:
        """Documents per register that ``principal`` may read: totals never count hidden ones."""
        visible = visibility(principal, Action.READ)
        if visible.nothing:
            return {}
        return await self._repo.register_counts(
            principal.tenant_id, parse_id("customer", customer_id), visible
        )

    async def document_count(self, principal: Principal, customer_id: str) -> int:
        visible = visibility(principal, Action.READ)
        if visible.nothing:
            return 0
        return await self._repo.document_count(
            principal.tenant_id, parse_id("customer", customer_id), visible
        )
