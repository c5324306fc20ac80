"""Sealing Web Push messages: the CPU-bound half of sending, as plain functions.

Each message is encrypted for its device (aes128gcm, RFC 8291, by pywebpush: a fresh ECDH key pair
per message). The VAPID JWT (RFC 8292, by py_vapid) names only the push service's origin, the
contact and an expiry, so one token per origin serves every message of a batch to that origin, as
the RFC allows, until it expires. No I/O here, and inputs and results are plain picklable values,
so batches are sealed in worker processes (:mod:`backend.notifications.sealing_pool`) while the
event loop sends the ones already sealed.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from py_vapid import Vapid02
from pywebpush import WebPusher

__all__ = ["JWT_LIFETIME", "Sealed", "Unsealed", "origin_of", "seal"]

JWT_LIFETIME = 12 * 3600
"""Seconds a VAPID token is valid (push services refuse more than 24 hours)."""


@dataclass(frozen=True, slots=True)
class Unsealed:
    """What sealing needs of one message: the device's endpoint and keys, and the message."""

    endpoint: str
    p256dh: str
    auth: str
    payload: bytes
    ttl: int
    urgency: str


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


@functools.lru_cache(maxsize=16)
def _vapid(private_pem: bytes) -> Vapid02:
    """The tenant's signing key, parsed once per process."""
    return Vapid02.from_pem(private_pem)


def seal(
    messages: Sequence[Unsealed], private_pem: bytes, subject: str, expiry: int | None = None
) -> list[Sealed]:
    """Encrypt each of ``messages`` and give it its origin's VAPID token; one result per
    message, in order. ``expiry`` (seconds since the epoch) defaults to now + ``JWT_LIFETIME``."""
    expiry = expiry or int(time.time()) + JWT_LIFETIME
    tokens: dict[str, str] = {}
    sealed: list[Sealed] = []
    for m in messages:
        try:
            body = WebPusher(
                {"endpoint": m.endpoint, "keys": {"p256dh": m.p256dh, "auth": m.auth}}
            ).encode(m.payload, "aes128gcm")["body"]
            origin = origin_of(m.endpoint)
            if origin not in tokens:
                # A fresh claims dict each time: py_vapid keeps what it is given.
                claims = {"sub": subject, "aud": origin, "exp": expiry}
                tokens[origin] = _vapid(private_pem).sign(claims)["Authorization"]
        except Exception as exc:  # one device's bad keys must not stop the batch
            sealed.append(Sealed(m.endpoint, b"", {}, f"{type(exc).__name__}: {exc}"[:200]))
            continue
        sealed.append(
            Sealed(
                m.endpoint,
                body,
                {
                    "Authorization": tokens[origin],
                    "Content-Encoding": "aes128gcm",
                    "TTL": str(m.ttl),
                    "Urgency": m.urgency,
                },
            )
        )
    return sealed
