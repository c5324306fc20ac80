"""Resumable, hash-verified uploads of content into a tenant's blob store (docs/adr/0024).

A client sends a blob in chunks, each with its ``Content-Range``; every acknowledged chunk is
durable. A chunk must start at or before what the server holds (:class:`UploadOffsetMismatch`
says where to resume otherwise); what it repeats is ignored, so a chunk sent twice, or the same
blob sent by two devices at once, converges. When the last byte arrives the content is hashed: it
enters the blob store only if it is the SHA-256 it was sent as, and is discarded otherwise
(:class:`HashMismatch`). A blob the store already holds is complete at once (idempotent).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Protocol

from backend.access.policy import Action, Principal, can_somewhere
from backend.blobs.ranges import Chunk
from backend.errors import (
    Forbidden,
    HashMismatch,
    InvalidRange,
    NotFound,
    UploadOffsetMismatch,
    UploadTooLarge,
    ValidationFailed,
)
from backend.ports import Clock, Transactions

__all__ = [
    "BlobUploads",
    "UploadRepository",
    "UploadState",
    "UploadStatus",
    "UploadTarget",
    "valid_sha256",
]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def valid_sha256(value: str) -> str:
    digest = value.strip().lower()
    if not _SHA256.match(digest):
        raise ValidationFailed.one("sha256", "invalid_value", "64 hexadecimal digits")
    return digest


@dataclass(frozen=True, slots=True)
class UploadState:
    """An upload in progress as stored: its announced size and the bytes held."""

    size: int
    received: int


@dataclass(frozen=True, slots=True)
class UploadStatus:
    sha256: str
    size: int
    received: int

    @property
    def complete(self) -> bool:
        return self.received == self.size


class UploadTarget(Protocol):
    """What uploads need of the blob store."""

    async def put(self, tenant_id: str, data: bytes) -> str: ...

    async def get(self, tenant_id: str, sha256: str) -> bytes: ...

    async def size(self, tenant_id: str, sha256: str) -> int | None:
        """The stored blob's size; None if the store does not hold it."""
        ...


class UploadRepository(Protocol):
    """Uploads in progress, per tenant and SHA-256. Every method runs inside a write
    transaction except :meth:`state`."""

    async def state(self, tenant_id: str, sha256: str) -> UploadState | None: ...

    async def lock(self, tenant_id: str, sha256: str) -> UploadState | None:
        """The upload, locked against concurrent chunks until the transaction ends."""
        ...

    async def start(
        self, tenant_id: str, sha256: str, size: int, user_id: str, at: dt.datetime
    ) -> None:
        """Begin the upload unless a concurrent transaction just did (then wait for it)."""
        ...

    async def append(
        self, tenant_id: str, sha256: str, start: int, data: bytes, at: dt.datetime
    ) -> None:
        """Store ``data`` at ``start`` (= what is held) and move ``received`` past it."""
        ...

    async def content(self, tenant_id: str, sha256: str) -> bytes:
        """The bytes held, in order."""
        ...

    async def discard(self, tenant_id: str, sha256: str) -> None: ...


class BlobUploads:
    def __init__(
        self,
        repo: UploadRepository,
        blobs: UploadTarget,
        tx: Transactions,
        clock: Clock,
        *,
        max_bytes: int,
    ) -> None:
        self._repo = repo
        self._blobs = blobs
        self._tx = tx
        self._clock = clock
        self._max_bytes = max_bytes

    @staticmethod
    def _require(principal: Principal) -> None:
        # Content alone shows nothing; it is for documents, which need the right to write.
        if not can_somewhere(principal, Action.WRITE):
            raise Forbidden("you may not upload content")

    async def status(self, principal: Principal, sha256: str) -> UploadStatus:
        """How much of the blob the server holds; not found if it has none of it."""
        self._require(principal)
        digest = valid_sha256(sha256)
        tenant_id = principal.tenant_id
        state = await self._repo.state(tenant_id, digest)
        if state is not None:
            return UploadStatus(digest, state.size, state.received)
        size = await self._blobs.size(tenant_id, digest)
        if size is not None:
            return UploadStatus(digest, size, size)
        raise NotFound("upload", digest)

    async def complete(self, principal: Principal, sha256: str) -> bool:
        """Whether the blob is completely uploaded and verified (in the principal's tenant)."""
        digest = valid_sha256(sha256)
        return await self._blobs.size(principal.tenant_id, digest) is not None

    async def content(self, principal: Principal, sha256: str) -> bytes:
        """A complete blob's bytes, for a document or version made from it."""
        digest = valid_sha256(sha256)
        if await self._blobs.size(principal.tenant_id, digest) is None:
            raise NotFound("blob", digest)
        return await self._blobs.get(principal.tenant_id, digest)

    async def put(self, principal: Principal, sha256: str, chunk: Chunk) -> UploadStatus:
        """Take one chunk; return what the server holds afterwards."""
        self._require(principal)
        digest = valid_sha256(sha256)
        if chunk.total > self._max_bytes:
            raise UploadTooLarge(self._max_bytes)
        tenant_id = principal.tenant_id
        size = await self._blobs.size(tenant_id, digest)
        if size is not None:
            await self._forget(tenant_id, digest)
            return UploadStatus(digest, size, size)
        if chunk.whole:
            await self._keep(tenant_id, digest, chunk.data)
            return UploadStatus(digest, chunk.total, chunk.total)
        now = self._clock()
        async with self._tx.write():
            state = await self._repo.lock(tenant_id, digest)
            if state is None:
                await self._repo.start(tenant_id, digest, chunk.total, principal.user_id, now)
                state = await self._repo.lock(tenant_id, digest)  # or a concurrent start's
                assert state is not None
            if state.size != chunk.total:
                raise InvalidRange(
                    f"this upload is of {state.size} bytes, the chunk names {chunk.total}"
                )
            if chunk.start > state.received:
                raise UploadOffsetMismatch(state.received, chunk.start)
            if chunk.end > state.received:
                tail = chunk.data[state.received - chunk.start :]
                await self._repo.append(tenant_id, digest, state.received, tail, now)
                state = UploadState(state.size, chunk.end)
        if state.received < state.size:
            return UploadStatus(digest, state.size, state.received)
        return await self._finish(tenant_id, digest, state.size)

    async def _finish(self, tenant_id: str, digest: str, total: int) -> UploadStatus:
        """All bytes are held: verify and move them to the blob store, or discard them."""
        async with self._tx.write():
            state = await self._repo.lock(tenant_id, digest)
            if state is None or state.received < state.size:
                # A concurrent request finished it meanwhile, or discarded it (hash mismatch).
                size = await self._blobs.size(tenant_id, digest)
                if size is not None:
                    return UploadStatus(digest, size, size)
                return UploadStatus(digest, total, 0 if state is None else state.received)
            data = await self._repo.content(tenant_id, digest)
            actual = hashlib.sha256(data).hexdigest()
            if actual == digest:
                await self._blobs.put(tenant_id, data)
            await self._repo.discard(tenant_id, digest)
        if actual != digest:
            raise HashMismatch(digest, actual)
        return UploadStatus(digest, len(data), len(data))

    async def _keep(self, tenant_id: str, digest: str, data: bytes) -> None:
        actual = hashlib.sha256(data).hexdigest()
        if actual != digest:
            await self._forget(tenant_id, digest)
            raise HashMismatch(digest, actual)
        await self._blobs.put(tenant_id, data)
        await self._forget(tenant_id, digest)

    async def _forget(self, tenant_id: str, digest: str) -> None:
        """Drop what is held of an upload that is done with (if anything is)."""
        if await self._repo.state(tenant_id, digest) is not None:
            async with self._tx.write():
                await self._repo.discard(tenant_id, digest)
