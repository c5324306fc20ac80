"""Sending Web Push messages (RFC 8030/8291/8292) over kept-alive HTTP/1.1 connections.

A batch is sealed (encrypted and signed, :mod:`backend.notifications.sealing`) in chunks by the
sealing processes (:mod:`backend.notifications.sealing_pool`) while the event loop sends the chunks
already sealed, at most ``concurrency`` requests at a time over kept-alive connections
(:mod:`backend.notifications.push_http`, a client light on CPU): the cryptography runs on other
cores and overlaps the network. Sealing can start ahead of sending
(:meth:`WebPushSender.seal`), while the caller still reads and records; only the messages then
asked for are sent.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Sequence

from backend.notifications.models import PushDevice, VapidKeys
from backend.notifications.ports import PushMessage, PushOutcome, SealedPushes
from backend.notifications.push_http import PushClient, PushHTTPError
from backend.notifications.sealing import JWT_LIFETIME, Sealed, Unsealed
from backend.notifications.sealing_pool import seal_all

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
        return await self.send_sealed(self.seal(messages, keys), range(len(messages)))

    def seal(self, messages: Sequence[PushMessage], keys: VapidKeys) -> _Sealing:
        expiry = int(time.time()) + JWT_LIFETIME
        unsealed = [
            Unsealed(m.device.endpoint, m.device.p256dh, m.device.auth, m.payload, m.ttl, m.urgency)
            for m in messages
        ]
        parts = [unsealed[start : start + CHUNK] for start in range(0, len(unsealed), CHUNK)]
        if not parts:
            return _Sealing([])
        # The sealing processes work through the chunks while the loop does other work.
        return _Sealing(seal_all(parts, keys.private_pem, self._subject, expiry))

    async def send_sealed(self, sealed: SealedPushes, which: Sequence[int]) -> list[PushOutcome]:
        assert isinstance(sealed, _Sealing)
        if not which:
            sealed.discard()
            return []
        wanted: dict[int, list[int]] = defaultdict(list)  # chunk → indices within it
        for index in which:
            wanted[index // CHUNK].append(index)
        outcomes: dict[int, PushOutcome] = {}
        client = PushClient(self._timeout)
        # ``concurrency`` senders take the messages in order as their chunks are sealed.
        queue: asyncio.Queue[tuple[int, Sealed] | None] = asyncio.Queue()

        async def sender() -> None:
            while (item := await queue.get()) is not None:
                outcomes[item[0]] = await _post(client, item[1])

        senders = [asyncio.create_task(sender()) for _ in range(self._concurrency)]
        try:
            for number, chunk in enumerate(sealed.chunks):
                if number not in wanted:
                    chunk.cancel()
                    continue
                messages = await chunk  # each chunk's requests leave as soon as it is sealed
                for i in wanted[number]:
                    queue.put_nowait((i, messages[i - number * CHUNK]))
            for _ in senders:
                queue.put_nowait(None)
            await asyncio.gather(*senders)
        finally:
            for task in senders:
                task.cancel()
            client.close()
            sealed.discard()
        return [outcomes.get(i) or PushOutcome("retry", None, "not sent") for i in which]


class _Sealing:
    """Chunks of messages being sealed by the sealing processes, in order."""

    def __init__(self, chunks: list[asyncio.Task[list[Sealed]]]) -> None:
        self.chunks = chunks

    def discard(self) -> None:
        for chunk in self.chunks:
            chunk.cancel()


async def _post(client: PushClient, sealed: Sealed) -> PushOutcome:
    if sealed.error is not None:
        return PushOutcome("retry", None, sealed.error)
    try:
        answer = await client.post(sealed.endpoint, sealed.body, sealed.headers)
    except (PushHTTPError, TimeoutError, OSError) as exc:
        return PushOutcome("retry", None, f"{type(exc).__name__}: {exc}"[:200])
    status = answer.status
    if status in ACCEPTED:
        return PushOutcome("sent", status)
    if status in GONE:
        return PushOutcome("gone", status)
    return PushOutcome("retry", status, f"Push failed: {status} {answer.text}".strip()[:200])
