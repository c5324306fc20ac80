from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol

from backend.access.policy import Visibility
from backend.documents.indexing import FilterBounds
from backend.documents.models import (
    Document,
    DocumentFilter,
    DocumentLink,
    DocumentSort,
    IndexEntry,
    LegalHold,
    MailMessage,
    MetadataChange,
    Preview,
    RenditionRef,
    TextSummary,
    Tombstone,
    Version,
    VersionText,
)


class DocumentRepository(Protocol):
    async def add_blob(
        self, tenant_id: str, sha256: str, size: int, mime_type: str, at: dt.datetime
    ) -> None:
        """Record a stored blob; a second record of the same content is a no-op."""
        ...

    async def add_document(
        self,
        document: Document,
        version: Version,
        register_ids: list[str],
        index: list[IndexEntry],
    ) -> None: ...

    async def next_version_number(
        self, tenant_id: str, document_id: str, at: dt.datetime
    ) -> int | None:
        """Atomically claim the next version number (None if the document is unknown)."""
        ...

    async def add_version(self, version: Version) -> None: ...

    async def update_document(
        self, document: Document, changes: list[MetadataChange], index: list[IndexEntry] | None
    ) -> None:
        """Store the document's new metadata and its history; replace index entries if given."""
        ...

    async def update_documents(
        self,
        tenant_id: str,
        documents: list[Document],
        changes: list[MetadataChange],
        index: Mapping[str, list[IndexEntry]],
    ) -> None:
        """:meth:`update_document` for several documents of one tenant at once (each named once,
        with its final state): one statement per kind of row, and one search rebuild."""
        ...

    async def set_registers(self, document: Document, register_ids: list[str]) -> None: ...

    async def documents_by_ids(
        self, tenant_id: str, ids: list[str], *, hold: bool = False
    ) -> list[Document]:
        """``hold``: lock the rows until the transaction ends (PostgreSQL ``FOR UPDATE``)."""
        ...

    async def versions_of(
        self, tenant_id: str, document_ids: list[str]
    ) -> dict[str, list[Version]]: ...

    async def version(self, tenant_id: str, version_id: str) -> Version | None: ...

    async def registers_of(
        self, tenant_id: str, document_ids: list[str]
    ) -> dict[str, list[str]]: ...

    async def history(self, tenant_id: str, document_id: str) -> list[MetadataChange]: ...

    async def list_documents(
        self,
        tenant_id: str,
        customer_id: str,
        filters: DocumentFilter,
        index_bounds: list[FilterBounds],
        sort: DocumentSort,
        after: tuple[Any, str] | None,
        limit: int,
        visible: Visibility,
    ) -> list[Document]: ...

    async def register_counts(
        self, tenant_id: str, customer_id: str, visible: Visibility
    ) -> dict[str, int]: ...

    async def document_count(
        self, tenant_id: str, customer_id: str, visible: Visibility
    ) -> int: ...

    async def set_preview(self, tenant_id: str, preview: Preview, at: dt.datetime) -> None:
        """Create or replace the preview state of a version."""
        ...

    async def save_renditions(
        self, tenant_id: str, renditions: list[RenditionRef], at: dt.datetime
    ) -> None:
        """Create or replace renditions by (version, kind, page)."""
        ...

    async def add_rendition(
        self, tenant_id: str, rendition: RenditionRef, at: dt.datetime
    ) -> RenditionRef:
        """Store ``rendition`` unless its (version, kind, page) has one already; return the one
        stored (so two racing writers both get the first one's)."""
        ...

    async def previews_of(self, tenant_id: str, version_ids: list[str]) -> dict[str, Preview]:
        """Previews (with their renditions) by version id; versions without one are absent."""
        ...

    async def previews_without_page_sizes(
        self, tenant_id: str, after: str | None, limit: int
    ) -> list[tuple[str, dt.datetime]]:
        """``(version id, preview updated at)`` of up to ``limit`` versions of live documents
        whose ready preview has no page sizes (made before previews recorded them), ordered by
        version id, after the version ``after``."""
        ...

    async def rendition(self, tenant_id: str, rendition_id: str) -> RenditionRef | None: ...

    async def set_version_text(self, tenant_id: str, text: VersionText, at: dt.datetime) -> None:
        """Create or replace the extracted text (and its state) of a version."""
        ...

    async def texts_from(
        self, tenant_id: str, sources: tuple[str, ...], after: str | None, limit: int
    ) -> list[tuple[str, dt.datetime]]:
        """``(version id, text updated at)`` of up to ``limit`` versions of live documents whose
        text came from one of ``sources``, ordered by version id, after the version ``after``."""
        ...

    async def texts_of(self, tenant_id: str, version_ids: list[str]) -> dict[str, VersionText]:
        """Extracted texts by version id; versions without one are absent."""
        ...

    async def set_mail(self, tenant_id: str, mail: MailMessage, at: dt.datetime) -> None:
        """Create or replace what a mail version says."""
        ...

    async def mails_of(self, tenant_id: str, version_ids: list[str]) -> dict[str, MailMessage]:
        """Mails by version id; versions that are no mail (or not yet read) are absent."""
        ...

    async def add_link(self, link: DocumentLink) -> None: ...

    async def links_from_version(self, tenant_id: str, version_id: str) -> list[DocumentLink]:
        """The documents made from the attachments of a mail version, by position."""
        ...

    async def links_of(
        self, tenant_id: str, document_ids: list[str]
    ) -> dict[str, list[DocumentLink]]:
        """Links in which each document is the parent or the child, oldest first."""

    async def text_summaries_of(
        self, tenant_id: str, version_ids: list[str]
    ) -> dict[str, TextSummary]:
        """The states of extracted texts, with their lengths but not the texts, by version id;
        versions without one are absent."""
        ...

    async def drop_previews(self, tenant_id: str, version_ids: list[str]) -> list[str]:
        """Remove the previews, renditions and extracted texts of these versions; return the
        renditions' digests."""
        ...

    async def unused_content(self, tenant_id: str, digests: list[str]) -> list[str]:
        """Those of ``digests`` no rendition and no version of a live document refers to."""
        ...

    async def set_legal_hold(self, tenant_id: str, document_id: str, hold: LegalHold) -> bool:
        """Put a live document without a hold under ``hold``; False if there was none such."""
        ...

    async def lift_legal_hold(self, tenant_id: str, document_id: str) -> bool:
        """Lift the hold of a document; False if it had none."""
        ...

    async def mark_deleted(self, tombstone: Tombstone) -> bool:
        """Mark a live document without legal hold deleted and store its tombstone; its filings
        and index values go. False (and nothing written) if the document is deleted or held."""
        ...

    async def tombstone(self, tenant_id: str, document_id: str) -> Tombstone | None: ...

    async def unreferenced_blobs(self, tenant_id: str, digests: list[str]) -> list[str]:
        """Those of ``digests`` that no version of a live document refers to."""
        ...

    async def remove_blob_records(self, tenant_id: str, digests: list[str]) -> None: ...
