"""Sending Web Push messages with pywebpush (RFC 8030/8291/8292): aes128gcm encryption, a VAPID
JWT per message (a fresh claims dict each time: pywebpush writes ``aud`` and ``exp`` into it),
TTL and Urgency headers."""

from __future__ import annotations

import aiohttp
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush_async

from backend.notifications.models import PushDevice, VapidKeys
from backend.notifications.ports import PushOutcome

__all__ = ["WebPushSender"]

GONE = frozenset({404, 410})


class WebPushSender:
    def __init__(self, subject: str, timeout_seconds: float = 10.0) -> None:
        """``subject``: the ``sub`` claim, a ``mailto:`` or ``https:`` contact for the push
        service's operators."""
        self._subject = subject
        self._timeout = timeout_seconds

    async def send(
        self, device: PushDevice, payload: bytes, keys: VapidKeys, *, ttl: int, urgency: str
    ) -> PushOutcome:
        vapid = Vapid02.from_pem(keys.private_pem)
        try:
            await webpush_async(
                {
                    "endpoint": device.endpoint,
                    "keys": {"p256dh": device.p256dh, "auth": device.auth},
                },
                payload.decode(),
                vapid_private_key=vapid,
                vapid_claims={"sub": self._subject},
                ttl=ttl,
                headers={"Urgency": urgency},
                timeout=self._timeout,
            )
        except WebPushException as exc:
            response = exc.response
            status = getattr(response, "status", None) or getattr(response, "status_code", None)
            if status in GONE:
                return PushOutcome("gone", status)
            return PushOutcome("retry", status, str(exc).splitlines()[0][:200])
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return PushOutcome("retry", None, f"{type(exc).__name__}: {exc}"[:200])
        return PushOutcome("sent", 201)
