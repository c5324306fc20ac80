"""Resumable uploads in progress (docs/adr/0024).

``blob_upload`` is one upload per tenant and SHA-256: the total it announced and how many bytes
the server holds; ``blob_upload_chunk`` holds those bytes, in order, until the upload is complete
and verified, when they move to the blob store and both rows go. Keeping them in the database
makes every acknowledged chunk durable and lets any app replica take the next one.
"""

from piccolo.columns import BigInt, Bytea, ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.tenancy.tables import TenantTable


class BlobUploadTable(Table, tablename="blob_upload"):
    """``(tenant, sha256)`` is unique (index made in the migration)."""

    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    sha256 = Varchar(length=64)
    size = BigInt()
    received = BigInt(default=0)
    started_by = Varchar(length=36, null=True, default=None)
    started_at = Timestamptz()
    updated_at = Timestamptz()


class BlobUploadChunkTable(Table, tablename="blob_upload_chunk"):
    """``(tenant, sha256, start)`` is unique (index made in the migration)."""

    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    sha256 = Varchar(length=64)
    start = BigInt()
    data = Bytea()
