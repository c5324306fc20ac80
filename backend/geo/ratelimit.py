"""One request at a time per outside service, for the whole installation.

Public Nominatim allows one request per second per *application*, whatever the number of server
and worker processes. The turn is a row in the database (:class:`~backend.geo.ports.RequestSlots`):
each caller moves it forward by the interval in one atomic statement and sleeps until the turn it
got, so two processes never ask within the interval, and nobody waits on a lock while sleeping. A
caller that would wait longer than ``max_wait`` takes no turn and says ``busy`` (a job is retried
later); a ``Retry-After`` from the server holds every process off.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from backend.geo.ports import GeocoderError, RequestSlots
from backend.ports import Transactions

__all__ = ["SharedRateLimit"]


class SharedRateLimit:
    def __init__(
        self,
        slots: RequestSlots,
        tx: Transactions,
        name: str,
        interval_seconds: float,
        *,
        max_wait_seconds: float = 30.0,
        now: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._slots = slots
        self._tx = tx
        self.name = name
        self.interval = interval_seconds
        self._max_wait = max_wait_seconds
        self._now = now
        self._sleep = sleep

    async def turn(self, max_wait_seconds: float | None = None) -> None:
        """Return when this caller may send one request; raise ``busy`` if that is too far off."""
        if self.interval <= 0:
            return
        limit = self._max_wait if max_wait_seconds is None else max_wait_seconds
        async with self._tx.write():
            start = await self._slots.reserve(self.name, self._now(), self.interval, limit)
        if start is None:
            raise GeocoderError("busy", retry_after=limit)
        delay = start - self._now()
        if delay > 0:
            await self._sleep(delay)

    async def hold_off(self, seconds: float) -> None:
        async with self._tx.write():
            await self._slots.hold_off(self.name, self._now() + max(0.0, seconds))
