"""VAPID keys: one P-256 pair per tenant, made the first time it is needed and kept in the
database with the private key encrypted (AES-256-GCM under a key derived from the installation's
secret key). Only the public key ever leaves the server.

If the secret key changes (a development server without ``DOSSIER_SECRET_KEY`` makes a new one at
every start), the stored private key cannot be read any more: a new pair is made, and devices
subscribe again with the new public key (the PWA compares it with the one it subscribed with).
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from backend.notifications.models import VapidKeys
from backend.notifications.ports import NotificationRepository
from backend.ports import Clock, Transactions

__all__ = ["VapidKeyring", "b64url", "new_key_pair"]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_key_pair() -> VapidKeys:
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return VapidKeys(public_key=b64url(public), private_pem=pem)


class VapidKeyring:
    def __init__(
        self, repo: NotificationRepository, tx: Transactions, clock: Clock, secret_key: str
    ) -> None:
        self._repo = repo
        self._tx = tx
        self._clock = clock
        self._aead = AESGCM(
            HKDF(hashes.SHA256(), 32, salt=None, info=b"dossier vapid key v1").derive(
                secret_key.encode()
            )
        )

    def _seal(self, tenant_id: str, pem: bytes) -> str:
        nonce = os.urandom(12)
        return b64url(nonce + self._aead.encrypt(nonce, pem, tenant_id.encode()))

    def _open(self, tenant_id: str, sealed: str) -> bytes | None:
        raw = _unb64url(sealed)
        try:
            return self._aead.decrypt(raw[:12], raw[12:], tenant_id.encode())
        except (InvalidTag, ValueError):
            return None

    async def keys(self, tenant_id: str) -> VapidKeys:
        """The tenant's key pair, made (once, whoever asks first) when it has none."""
        stored = await self._repo.vapid_key(tenant_id)
        if stored is not None:
            pem = self._open(tenant_id, stored[1])
            if pem is not None:
                return VapidKeys(stored[0], pem)
        fresh = new_key_pair()
        async with self._tx.write():
            if stored is None:
                await self._repo.add_vapid_key(
                    tenant_id,
                    fresh.public_key,
                    self._seal(tenant_id, fresh.private_pem),
                    self._clock(),
                )
            else:  # sealed under another secret: unreadable, replace it
                await self._repo.replace_vapid_key(
                    tenant_id,
                    fresh.public_key,
                    self._seal(tenant_id, fresh.private_pem),
                    self._clock(),
                )
        stored = await self._repo.vapid_key(tenant_id)
        assert stored is not None
        pem = self._open(tenant_id, stored[1])
        assert pem is not None
        return VapidKeys(stored[0], pem)

    async def public_key(self, tenant_id: str) -> str:
        return (await self.keys(tenant_id)).public_key
