"""Queueing one job per version, batch by batch: the loop that ``dossier reextract`` and
``dossier repreview`` share. Each batch of versions is queued in one write transaction, so an
interrupted request leaves whole batches queued; the jobs' dedupe keys make asking again safe.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence

from backend.jobs.models import NewJob
from backend.jobs.queue import JobQueue
from backend.ports import Transactions

__all__ = ["VersionBatches", "queue_per_version"]

VersionBatches = Callable[[str | None], Awaitable[Sequence[tuple[str, dt.datetime]]]]
"""The next batch of (version id, moment) after a version id (``None``: from the start)."""


async def queue_per_version(
    tx: Transactions,
    jobs: JobQueue,
    batches: VersionBatches,
    job: Callable[[str, dt.datetime], NewJob],
) -> int:
    """Queue ``job(version, moment)`` for every version ``batches`` yields; the number queued
    (a job already waiting under the same dedupe key is not counted)."""
    queued, after = 0, None
    while batch := await batches(after):
        async with tx.write():
            for version_id, moment in batch:
                queued += await jobs.enqueue(job(version_id, moment))
        after = batch[-1][0]
    return queued
