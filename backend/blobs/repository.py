"""Piccolo implementation of :class:`backend.blobs.uploads.UploadRepository`."""

from __future__ import annotations

import datetime as dt

from backend.blobs.tables import BlobUploadChunkTable, BlobUploadTable
from backend.blobs.uploads import UploadState
from backend.persistence.scope import tenant_scoped
from backend.persistence.sql import select

__all__ = ["PiccoloUploadRepository"]


def _postgres() -> bool:
    return bool(BlobUploadTable._meta.db.engine_type == "postgres")


@tenant_scoped
class PiccoloUploadRepository:
    async def state(self, tenant_id: str, sha256: str) -> UploadState | None:
        rows = await select(
            BlobUploadTable,
            "SELECT size, received FROM blob_upload WHERE tenant = {} AND sha256 = {}",
            tenant_id,
            sha256,
        )
        return UploadState(int(rows[0]["size"]), int(rows[0]["received"])) if rows else None

    async def lock(self, tenant_id: str, sha256: str) -> UploadState | None:
        # SQLite has one writer at a time (the write transaction holds it); PostgreSQL locks
        # the row, so concurrent chunks of one upload take turns.
        lock = " FOR UPDATE" if _postgres() else ""
        rows = await select(
            BlobUploadTable,
            "SELECT size, received FROM blob_upload WHERE tenant = {} AND sha256 = {}" + lock,
            tenant_id,
            sha256,
        )
        return UploadState(int(rows[0]["size"]), int(rows[0]["received"])) if rows else None

    async def start(
        self, tenant_id: str, sha256: str, size: int, user_id: str, at: dt.datetime
    ) -> None:
        # A concurrent first chunk may have started it: then this one waits for that
        # transaction and adds nothing, and lock() below sees the row.
        await BlobUploadTable.raw(
            "INSERT INTO blob_upload (tenant, sha256, size, received, started_by, started_at, "
            "updated_at) VALUES ({}, {}, {}, 0, {}, {}, {}) ON CONFLICT DO NOTHING",
            tenant_id,
            sha256,
            size,
            user_id,
            at,
            at,
        )

    async def append(
        self, tenant_id: str, sha256: str, start: int, data: bytes, at: dt.datetime
    ) -> None:
        await BlobUploadChunkTable.raw(
            "INSERT INTO blob_upload_chunk (tenant, sha256, start, data) VALUES ({}, {}, {}, {})",
            tenant_id,
            sha256,
            start,
            data,
        )
        await BlobUploadTable.raw(
            "UPDATE blob_upload SET received = {}, updated_at = {} "
            "WHERE tenant = {} AND sha256 = {}",
            start + len(data),
            at,
            tenant_id,
            sha256,
        )

    async def content(self, tenant_id: str, sha256: str) -> bytes:
        rows = await select(
            BlobUploadChunkTable,
            "SELECT data FROM blob_upload_chunk WHERE tenant = {} AND sha256 = {} ORDER BY start",
            tenant_id,
            sha256,
        )
        return b"".join(bytes(r["data"]) for r in rows)

    async def discard(self, tenant_id: str, sha256: str) -> None:
        for table in ("blob_upload_chunk", "blob_upload"):
            await BlobUploadTable.raw(
                f"DELETE FROM {table} WHERE tenant = {{}} AND sha256 = {{}}",
                tenant_id,
                sha256,
            )
