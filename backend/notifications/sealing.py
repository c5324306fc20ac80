"""Sealing Web Push messages: the CPU-bound half of sending, as plain functions.

Each message is encrypted for its device (aes128gcm, RFC 8291, by pywebpush: a fresh ECDH key pair
per message) and gets its own VAPID JWT (RFC 8292, by py_vapid) for the push service's origin. No
I/O here, so a batch can be sealed in a worker thread while the event loop sends the previous one.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from py_vapid import Vapid02
from pywebpush import WebPusher

from backend.notifications.ports import PushMessage

__all__ = ["JWT_LIFETIME", "Sealed", "origin_of", "seal"]

JWT_LIFETIME = 12 * 3600
"""Seconds a VAPID token is valid (push services refuse more than 24 hours)."""


@dataclass(frozen=True, slots=True)
class Sealed:
    """A message ready to POST, or why it could not be sealed (a device's malformed keys)."""

    endpoint: str
    body: bytes
    headers: dict[str, str]
    error: str | None = None


def origin_of(endpoint: str) -> str:
    """The VAPID ``aud``: the push service's scheme and host."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def seal(messages: Sequence[PushMessage], vapid: Vapid02, subject: str) -> list[Sealed]:
    """Encrypt and sign each of ``messages``; one result per message, in order."""
    expiry = int(time.time()) + JWT_LIFETIME
    sealed: list[Sealed] = []
    for m in messages:
        endpoint = m.device.endpoint
        try:
            body = WebPusher(
                {"endpoint": endpoint, "keys": {"p256dh": m.device.p256dh, "auth": m.device.auth}}
            ).encode(m.payload, "aes128gcm")["body"]
            # A fresh claims dict each time: py_vapid keeps what it is given.
            token = vapid.sign({"sub": subject, "aud": origin_of(endpoint), "exp": expiry})
        except Exception as exc:  # one device's bad keys must not stop the batch
            sealed.append(Sealed(endpoint, b"", {}, f"{type(exc).__name__}: {exc}"[:200]))
            continue
        sealed.append(
            Sealed(
                endpoint,
                body,
                {
                    "Authorization": token["Authorization"],
                    "Content-Encoding": "aes128gcm",
                    "TTL": str(m.ttl),
                    "Urgency": m.urgency,
                },
            )
        )
    return sealed
