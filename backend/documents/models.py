from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from backend.fields import FieldDef

__all__ = [
    "Document",
    "DocumentDraft",
    "DocumentFilter",
    "DocumentLink",
    "DocumentPage",
    "DocumentSort",
    "DocumentType",
    "IndexEntry",
    "IndexFilter",
    "LegalHold",
    "MailMessage",
    "MetadataChange",
    "MetadataPatch",
    "NewContent",
    "Preview",
    "RenditionRef",
    "SkippedFile",
    "SortField",
    "TextSummary",
    "Tombstone",
    "Version",
    "VersionText",
]


@dataclass(frozen=True, slots=True)
class DocumentType:
    id: str
    tenant_id: str
    key: str
    name: str
    fields: list[FieldDef]
    default_registers: list[str]
    retention_years: int
    retention_from: str = "end_of_year"
    """``document_date`` or ``end_of_year`` (see :mod:`backend.documents.retention`)."""


@dataclass(frozen=True, slots=True)
class LegalHold:
    """A document under legal hold cannot be deleted, whatever its retention date."""

    reason: str
    set_at: dt.datetime
    set_by: str | None


@dataclass(frozen=True, slots=True)
class Tombstone:
    """What remains of a document deleted after its retention period."""

    document_id: str
    tenant_id: str
    deleted_at: dt.datetime
    deleted_by: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    tenant_id: str
    customer_id: str
    document_type_id: str
    title: str
    document_date: dt.date
    status: str
    index_values: dict[str, Any]
    revision: int
    version_count: int
    created_at: dt.datetime
    created_by: str | None
    updated_at: dt.datetime
    legal_hold: LegalHold | None = None


@dataclass(frozen=True, slots=True)
class Version:
    """An immutable content version; ``sha256`` addresses its bytes in the blob store."""

    id: str
    tenant_id: str
    document_id: str
    number: int
    sha256: str
    size: int
    mime_type: str
    filename: str
    comment: str
    created_at: dt.datetime
    created_by: str | None


@dataclass(frozen=True, slots=True)
class MetadataChange:
    id: str
    document_id: str
    revision: int
    field: str
    old_value: Any
    new_value: Any
    changed_at: dt.datetime
    changed_by: str | None


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One index value in the typed column its field type maps to (for filtering)."""

    field: str
    text_value: str | None = None
    number_value: float | None = None
    date_value: dt.date | None = None


@dataclass(frozen=True, slots=True)
class NewContent:
    """An uploaded file as received: the name the client gave and the bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class DocumentDraft:
    customer_id: str
    document_type_id: str
    title: str
    document_date: dt.date | None
    index_values: dict[str, Any]
    register_ids: list[str] | None
    content: NewContent
    status: str = "active"
    id: str | None = None
    """The new document's id when the client chose it (offline sync); else a new one."""


@dataclass(frozen=True, slots=True)
class MetadataPatch:
    """Fields to change; ``None`` means not sent. ``index_values`` merges per key (None clears)."""

    title: str | None = None
    document_date: dt.date | None = None
    status: str | None = None
    index_values: dict[str, Any] | None = None


class SortField(StrEnum):
    DOCUMENT_DATE = "document_date"
    CREATED_AT = "created_at"
    TITLE = "title"


@dataclass(frozen=True, slots=True)
class DocumentSort:
    field: SortField = SortField.DOCUMENT_DATE
    descending: bool = True


@dataclass(frozen=True, slots=True)
class IndexFilter:
    """Match documents whose index field equals ``equals`` or lies in ``[minimum, maximum]``."""

    field: str
    equals: Any = None
    minimum: Any = None
    maximum: Any = None


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    register_id: str | None = None
    document_type_id: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    index: list[IndexFilter] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DocumentPage:
    items: list[Document]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class RenditionRef:
    """A stored derived image of a version (``kind``: thumbnail or screen) of page ``page``
    (from 1; a PDF has a screen rendition per rendered page)."""

    id: str
    version_id: str
    kind: str
    sha256: str
    mime_type: str
    size: int
    width: int
    height: int
    page: int = 1


@dataclass(frozen=True, slots=True)
class Preview:
    """How a version shows: ``state`` pending, ready or none (``reason`` says why not)."""

    version_id: str
    state: str
    reason: str | None = None
    page_count: int | None = None
    width: int | None = None
    height: int | None = None
    renditions: tuple[RenditionRef, ...] = ()
    page_sizes: tuple[tuple[int, int], ...] = ()
    """A PDF's pages, each as wide and high as its screen rendition is or will be."""


@dataclass(frozen=True, slots=True)
class VersionText:
    """The text of a version, extracted for search: ``state`` pending (a job will extract it),
    ready, or none (``reason`` says why not). ``source`` says where the text came from: a PDF's
    text layer, OCR, an e-mail's body, an office document or a plain text file."""

    version_id: str
    document_id: str
    state: str
    text: str = ""
    source: str | None = None
    language: str | None = None
    reason: str | None = None
    page_count: int | None = None


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """An attachment of a mail that did not become a document, and why (a stable code)."""

    position: int
    filename: str
    size: int
    reason: str


@dataclass(frozen=True, slots=True)
class MailMessage:
    """What an e-mail version says: headers, the body as text and as sanitised HTML, and the
    attachments that did not become documents (the others are :class:`DocumentLink` rows)."""

    version_id: str
    document_id: str
    sender: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    sent_at: dt.datetime | None
    subject: str
    message_id: str
    text: str
    html: str | None
    skipped: tuple[SkippedFile, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentLink:
    """``child`` came out of ``parent``: for ``kind`` attachment, the file at ``position`` of the
    mail version ``source_version_id``."""

    id: str
    tenant_id: str
    parent_id: str
    child_id: str
    kind: str
    source_version_id: str
    position: int
    filename: str
    size: int
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class TextSummary:
    """A version's :class:`VersionText` without the text itself: ``length`` counts its
    characters (for lists, which should not load megabytes of text)."""

    version_id: str
    document_id: str
    state: str
    length: int = 0
    source: str | None = None
    language: str | None = None
    reason: str | None = None
    page_count: int | None = None
