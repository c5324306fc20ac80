"""Content-addressed blob storage behind obstore (a local folder now; S3 has the same API).

Keys are ``<tenant>/<aa>/<bb>/<sha256>``: one tenant's content can never be read through another's
key. Writes are atomic (obstore stages to a temporary file and renames) and idempotent: writing the
same bytes twice stores them once.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol

import obstore
from obstore.store import LocalStore

__all__ = ["BlobStore", "LocalBlobStore", "TenantBlobStores", "sha256_hex"]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore(Protocol):
    async def put(self, tenant_id: str, data: bytes) -> str:
        """Store ``data``; return its SHA-256 (hex). Idempotent."""
        ...

    async def get(self, tenant_id: str, sha256: str) -> bytes: ...

    async def exists(self, tenant_id: str, sha256: str) -> bool: ...

    async def size(self, tenant_id: str, sha256: str) -> int | None:
        """The stored blob's size in bytes; None if the store does not hold it."""
        ...

    async def delete(self, tenant_id: str, sha256: str) -> None:
        """Remove a content object (a missing one is no error). Only the archive's deletion after
        retention calls this, for content no live document refers to."""
        ...

    async def probe(self) -> None:
        """Write, read back and remove a scratch object; raise if the store is not usable."""
        ...


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self._store = LocalStore(str(root.resolve()), mkdir=True)

    @staticmethod
    def key(tenant_id: str, sha256: str) -> str:
        return f"{tenant_id}/{sha256[:2]}/{sha256[2:4]}/{sha256}"

    async def put(self, tenant_id: str, data: bytes) -> str:
        digest = sha256_hex(data)
        if not await self.exists(tenant_id, digest):
            await obstore.put_async(self._store, self.key(tenant_id, digest), data)
        return digest

    async def get(self, tenant_id: str, sha256: str) -> bytes:
        result = await obstore.get_async(self._store, self.key(tenant_id, sha256))
        return bytes(await result.bytes_async())

    async def delete(self, tenant_id: str, sha256: str) -> None:
        try:
            await obstore.delete_async(self._store, self.key(tenant_id, sha256))
        except FileNotFoundError:
            return

    async def probe(self) -> None:
        key = f"_probe/{uuid.uuid4()}"
        await obstore.put_async(self._store, key, b"probe")
        result = await obstore.get_async(self._store, key)
        if bytes(await result.bytes_async()) != b"probe":
            raise OSError("blob store returned other bytes than written")
        await obstore.delete_async(self._store, key)

    async def exists(self, tenant_id: str, sha256: str) -> bool:
        return await self.size(tenant_id, sha256) is not None

    async def size(self, tenant_id: str, sha256: str) -> int | None:
        """The stored blob's size in bytes; None if there is none."""
        try:
            meta = await obstore.head_async(self._store, self.key(tenant_id, sha256))
        except FileNotFoundError:
            return None
        return int(meta["size"])


class TenantBlobStores:
    """Routes each tenant to its blob store: the installation's, or a folder of the tenant's own
    (``tenant.blob_root``), for legal entities that must keep their documents on separate media.

    The tenant's choice is asked once per process (``resolve``) and remembered: a tenant's store
    is chosen when it is created and does not move.
    """

    def __init__(
        self, default: LocalBlobStore, resolve: Callable[[str], Awaitable[str | None]]
    ) -> None:
        self._default = default
        self._resolve = resolve
        self._by_tenant: dict[str, LocalBlobStore] = {}
        self._by_root: dict[str, LocalBlobStore] = {}

    async def store_for(self, tenant_id: str) -> LocalBlobStore:
        store = self._by_tenant.get(tenant_id)
        if store is None:
            root = await self._resolve(tenant_id)
            if root is None:
                store = self._default
            else:
                store = self._by_root.get(root) or LocalBlobStore(Path(root))
                self._by_root[root] = store
            self._by_tenant[tenant_id] = store
        return store

    async def put(self, tenant_id: str, data: bytes) -> str:
        return await (await self.store_for(tenant_id)).put(tenant_id, data)

    async def get(self, tenant_id: str, sha256: str) -> bytes:
        return await (await self.store_for(tenant_id)).get(tenant_id, sha256)

    async def exists(self, tenant_id: str, sha256: str) -> bool:
        return await (await self.store_for(tenant_id)).exists(tenant_id, sha256)

    async def size(self, tenant_id: str, sha256: str) -> int | None:
        return await (await self.store_for(tenant_id)).size(tenant_id, sha256)

    async def delete(self, tenant_id: str, sha256: str) -> None:
        await (await self.store_for(tenant_id)).delete(tenant_id, sha256)

    async def probe(self) -> None:
        await self._default.probe()
        for store in self._by_root.values():
            await store.probe()
