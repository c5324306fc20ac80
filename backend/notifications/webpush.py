"""Sending Web Push messages (RFC 8030/8291/8292) over one aiohttp connection pool.

A batch is sealed (encrypted and signed, :mod:`backend.notifications.sealing`) in chunks in a
worker thread while the event loop sends the chunks already sealed, at most ``concurrency``
requests at a time over kept-alive connections: the network waits overlap the cryptography.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import aiohttp
from py_vapid import Vapid02

from backend.notifications.models import PushDevice, VapidKeys
from backend.notifications.ports import PushMessage, PushOutcome
from backend.notifications.sealing import Sealed, seal

__all__ = ["WebPushSender"]

GONE = frozenset({404, 410})
ACCEPTED = frozenset({200, 201, 202})
CHUNK = 50
"""Messages sealed per step: small enough that the first requests leave early."""


class WebPushSender:
    def __init__(self, subject: str, timeout_seconds: float = 10.0, concurrency: int = 32) -> None:
        """``subject``: the ``sub`` claim, a ``mailto:`` or ``https:`` contact for the push
        service's operators; ``concurrency``: requests in flight at once."""
        self._subject = subject
        self._timeout = timeout_seconds
        self._concurrency = concurrency

    async def send(
        self, device: PushDevice, payload: bytes, keys: VapidKeys, *, ttl: int, urgency: str
    ) -> PushOutcome:
        [outcome] = await self.send_many([PushMessage(device, payload, ttl, urgency)], keys)
        return outcome

    async def send_many(
        self, messages: Sequence[PushMessage], keys: VapidKeys
    ) -> list[PushOutcome]:
        if not messages:
            return []
        vapid = Vapid02.from_pem(keys.private_pem)
        outcomes: list[PushOutcome | None] = [None] * len(messages)
        gate = asyncio.Semaphore(self._concurrency)
        connector = aiohttp.TCPConnector(limit=self._concurrency)
        timeout = aiohttp.ClientTimeout(total=self._timeout)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

            async def post(index: int, sealed: Sealed) -> None:
                async with gate:
                    outcomes[index] = await _post(session, sealed)

            sending: list[asyncio.Task[None]] = []
            for start in range(0, len(messages), CHUNK):
                chunk = messages[start : start + CHUNK]
                sealed = await asyncio.to_thread(seal, chunk, vapid, self._subject)
                sending += [asyncio.create_task(post(start + i, s)) for i, s in enumerate(sealed)]
            await asyncio.gather(*sending)
        return [o or PushOutcome("retry", None, "not sent") for o in outcomes]


async def _post(session: aiohttp.ClientSession, sealed: Sealed) -> PushOutcome:
    if sealed.error is not None:
        return PushOutcome("retry", None, sealed.error)
    try:
        async with session.post(sealed.endpoint, data=sealed.body, headers=sealed.headers) as r:
            status = r.status
            # Read every answer, so the connection goes back to the pool for the next message.
            text = (await r.read())[:200].decode(errors="replace")
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        return PushOutcome("retry", None, f"{type(exc).__name__}: {exc}"[:200])
    if status in ACCEPTED:
        return PushOutcome("sent", status)
    if status in GONE:
        return PushOutcome("gone", status)
    return PushOutcome("retry", status, f"Push failed: {status} {text}".strip()[:200])
