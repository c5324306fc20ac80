from piccolo.columns import (
    JSON,
    UUID,
    BigInt,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.accounts.tables import UserTable
from backend.customers.tables import CustomerTable
from backend.dossiers.tables import RegisterTable
from backend.tenancy.tables import TenantTable


class DocumentTypeTable(Table, tablename="document_type"):
    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, index=True)
    key = Varchar(length=63)
    name = Varchar(length=255)
    fields = JSON(default=[])
    default_registers = JSON(default=[])
    retention_years = Integer(default=10)
    retention_from = Varchar(length=16, default="end_of_year")


class BlobTable(Table, tablename="blob"):
    """A stored content object of a tenant, addressed by SHA-256. ``(tenant, sha256)`` is unique."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    sha256 = Varchar(length=64)
    size = BigInt()
    mime_type = Varchar(length=255)
    created_at = Timestamptz()


class DocumentTable(Table, tablename="document"):
    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    customer = ForeignKey(CustomerTable, on_delete=OnDelete.restrict)
    document_type = ForeignKey(DocumentTypeTable, on_delete=OnDelete.restrict)
    title = Varchar(length=500)
    document_date = Date()
    status = Varchar(length=32, default="active")
    index_values = JSON(default={})
    revision = Integer(default=1)
    version_count = Integer(default=0)
    created_at = Timestamptz()
    created_by = ForeignKey(UserTable, on_delete=OnDelete.restrict, null=True, default=None)
    updated_at = Timestamptz()
    legal_hold_reason = Text(null=True, default=None)
    legal_hold_at = Timestamptz(null=True, default=None)
    legal_hold_by = ForeignKey(UserTable, on_delete=OnDelete.restrict, null=True, default=None)


class DocumentTombstoneTable(Table, tablename="document_tombstone"):
    """What is left of a document deleted after its retention period: who, when and why.

    The document row stays (its append-only versions refer to it) with status ``deleted``."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    document = ForeignKey(DocumentTable, on_delete=OnDelete.restrict, unique=True)
    deleted_at = Timestamptz()
    deleted_by = ForeignKey(UserTable, on_delete=OnDelete.restrict, null=True, default=None)
    reason = Text()


class DocumentRegisterTable(Table, tablename="document_register"):
    """A document filed in a register; ``customer`` is repeated so counts per dossier are cheap."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    customer = ForeignKey(CustomerTable, on_delete=OnDelete.restrict)
    document = ForeignKey(DocumentTable, on_delete=OnDelete.cascade, index=True)
    register = ForeignKey(RegisterTable, on_delete=OnDelete.restrict)


class IndexValueTable(Table, tablename="document_index_value"):
    """One typed index value of a document, kept for filtering (the document row holds them all)."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    document = ForeignKey(DocumentTable, on_delete=OnDelete.cascade, index=True)
    field = Varchar(length=63)
    text_value = Varchar(length=1000, null=True, default=None)
    number_value = DoublePrecision(null=True, default=None)
    date_value = Date(null=True, default=None)


class VersionTable(Table, tablename="document_version"):
    """An immutable content version of a document."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    document = ForeignKey(DocumentTable, on_delete=OnDelete.restrict, index=True)
    number = Integer()
    sha256 = Varchar(length=64)
    size = BigInt()
    mime_type = Varchar(length=255)
    filename = Varchar(length=255)
    comment = Text(default="")
    created_at = Timestamptz()
    created_by = ForeignKey(UserTable, on_delete=OnDelete.restrict, null=True, default=None)


class MetadataChangeTable(Table, tablename="document_history"):
    """Who changed which metadata field of a document, when, from what to what."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    # Looked up through document_history_order (document, revision), made by a migration.
    document = ForeignKey(DocumentTable, on_delete=OnDelete.cascade)
    revision = Integer()
    field = Varchar(length=127)
    old_value = JSON(null=True, default=None)
    new_value = JSON(null=True, default=None)
    changed_at = Timestamptz()
    changed_by = ForeignKey(UserTable, on_delete=OnDelete.restrict, null=True, default=None)


class PreviewTable(Table, tablename="version_preview"):
    """What a version looks like on screen: ``state`` is pending (a job will make it), ready, or
    none (no preview for this file; ``reason`` says why). One row per version."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    version = ForeignKey(VersionTable, on_delete=OnDelete.restrict, unique=True)
    state = Varchar(length=16, default="pending")
    reason = Varchar(length=63, null=True, default=None)
    page_count = Integer(null=True, default=None)
    width = Integer(null=True, default=None)
    height = Integer(null=True, default=None)
    page_sizes = Text(null=True, default=None)
    """A PDF's pages as their screen renditions are (or will be) sized: ``"w h,w h,…"``."""
    updated_at = Timestamptz()


class RenditionTable(Table, tablename="version_rendition"):
    """A derived image of a version (thumbnail, screen size), content-addressed in the tenant's
    blob store like the version itself; ``(version, kind, page)`` is unique (``page`` counts
    from 1: a PDF has a screen rendition per rendered page; any other rendition is of page 1)."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    version = ForeignKey(VersionTable, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=32)
    page = Integer(default=1)
    sha256 = Varchar(length=64)
    mime_type = Varchar(length=255)
    size = BigInt()
    width = Integer()
    height = Integer()
    created_at = Timestamptz()


class VersionTextTable(Table, tablename="version_text"):
    """The extracted text of a version (see :class:`backend.documents.models.VersionText`); one
    row per version. ``document`` is repeated so search finds a document's text cheaply."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    version = ForeignKey(VersionTable, on_delete=OnDelete.restrict, unique=True)
    document = ForeignKey(DocumentTable, on_delete=OnDelete.restrict, index=True)
    state = Varchar(length=16, default="pending")
    reason = Varchar(length=63, null=True, default=None)
    source = Varchar(length=16, null=True, default=None)
    language = Varchar(length=16, null=True, default=None)
    page_count = Integer(null=True, default=None)
    text = Text(default="")
    updated_at = Timestamptz()


class VersionMailTable(Table, tablename="version_mail"):
    """What an e-mail version says (see :class:`backend.documents.models.MailMessage`): headers,
    body and the attachments that could not become documents; one row per version."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    version = ForeignKey(VersionTable, on_delete=OnDelete.restrict, unique=True)
    document = ForeignKey(DocumentTable, on_delete=OnDelete.restrict, index=True)
    sender = Text(default="")
    recipients = JSON(default=[])
    cc = JSON(default=[])
    sent_at = Timestamptz(null=True, default=None)
    subject = Text(default="")
    message_id = Text(default="")
    text = Text(default="")
    html = Text(null=True, default=None)
    skipped = JSON(default=[])
    updated_at = Timestamptz()


class DocumentLinkTable(Table, tablename="document_link"):
    """A document that came out of another: ``kind`` attachment is a file attached to the mail
    ``source_version`` of ``parent`` at ``position``; ``(source_version, position)`` is unique,
    so extracting a mail twice makes no second document."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    parent = ForeignKey(DocumentTable, on_delete=OnDelete.restrict, index=True)
    child = ForeignKey(DocumentTable, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=32, default="attachment")
    source_version = ForeignKey(VersionTable, on_delete=OnDelete.restrict)
    position = Integer(default=0)
    filename = Varchar(length=255, default="")
    size = BigInt(default=0)
    created_at = Timestamptz()
