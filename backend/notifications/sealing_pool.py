"""Worker processes that seal Web Push messages, started once per server or worker process.

Encrypting a push costs about a third of a millisecond of CPU; a fan-out to thousands of devices
is seconds of it. In a thread it would compete with the event loop, which sends the requests, for
the interpreter lock; in processes of their own the cryptography runs on the other cores while the
loop sends. The pool is made on first use and kept (``warm`` starts it ahead of the first batch);
its processes are spawned, never forked from a process with threads and open connections.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from backend.notifications.sealing import Sealed, Unsealed, seal

__all__ = ["POOL_SIZE", "seal_all", "sealing_pool", "warm"]

POOL_SIZE = max(1, min(4, os.cpu_count() or 1))
"""Sealing processes: one per core, at most four (beyond that the sending loop is the limit)."""

_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def sealing_pool() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(POOL_SIZE, mp_context=multiprocessing.get_context("spawn"))
        return _pool


def discard(pool: ProcessPoolExecutor) -> None:
    """Forget ``pool`` when it broke (a process died): the next use starts a fresh one."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def seal_all(
    parts: Sequence[Sequence[Unsealed]], private_pem: bytes, subject: str, expiry: int
) -> list[asyncio.Task[list[Sealed]]]:
    """Hand every part to the pool at once; one task per part, in order, to await in order
    (cancel the ones no longer wanted).

    A pool that broke (a sealing process died) is replaced for the next batch, and what it had
    not sealed of this one is sealed here, in a thread: a batch is never lost to it."""
    loop = asyncio.get_running_loop()
    pool = sealing_pool()
    try:
        futures = [
            loop.run_in_executor(pool, seal, part, private_pem, subject, expiry) for part in parts
        ]
    except BrokenProcessPool:
        discard(pool)
        futures = []

    async def sealed(number: int, part: Sequence[Unsealed]) -> list[Sealed]:
        if number < len(futures):
            try:
                return await futures[number]
            except BrokenProcessPool:
                discard(pool)
        return await asyncio.to_thread(seal, part, private_pem, subject, expiry)

    return [asyncio.ensure_future(sealed(number, part)) for number, part in enumerate(parts)]


def _ready() -> int:
    return os.getpid()  # the child imported this module, and with it the cryptography


async def warm() -> None:
    """Start every sealing process and load the cryptography in it."""
    loop = asyncio.get_running_loop()
    pool = sealing_pool()
    await asyncio.gather(*(loop.run_in_executor(pool, _ready) for _ in range(POOL_SIZE)))
