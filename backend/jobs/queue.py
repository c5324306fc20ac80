"""Queueing work from services, in the transaction of the change that causes it."""

from __future__ import annotations

import datetime as dt

from backend.jobs.models import Job, NewJob
from backend.jobs.ports import JobRepository
from backend.ports import Clock

__all__ = ["JobQueue"]

DEFAULT_HOLD = dt.timedelta(seconds=60)
MIN_HOLD = dt.timedelta(seconds=30)


class JobQueue:
    def __init__(self, repo: JobRepository, clock: Clock) -> None:
        self._repo = repo
        self._clock = clock

    async def enqueue(self, job: NewJob) -> bool:
        """Add ``job``; call it inside the write transaction of the change, so that the job exists
        exactly when the change does. False when a job with its dedupe key exists."""
        return await self._repo.add(job, self._clock())

    async def enqueue_many(self, jobs: list[NewJob]) -> int:
        """Add ``jobs`` in bulk, in the caller's write transaction; return how many were new."""
        return await self._repo.add_many(jobs, self._clock()) if jobs else 0

    async def enqueue_held(self, job: NewJob, holder: Job) -> str | None:
        """Add ``job`` already claimed by the worker running ``holder``, for as long as
        ``holder``'s lease (in the caller's write transaction): that worker does it now, and if
        it dies, any worker claims it once the lease runs out. Its id, or None if a job with its
        dedupe key exists. Keep it with :meth:`extend`; end it with :meth:`finish` or
        :meth:`release`."""
        worker = holder.locked_by
        if worker is None:
            raise ValueError("the holding job is not claimed by a worker")
        now = self._clock()
        return await self._repo.add_held(job, worker, now + self.lease_of(holder), now)

    def lease_of(self, holder: Job) -> dt.timedelta:
        """How long ``holder``'s worker holds its jobs at a time (its claim's lease)."""
        if holder.lease_until is None:
            return DEFAULT_HOLD
        return max(holder.lease_until - self._clock(), MIN_HOLD)

    async def extend(self, job_id: str, holder: Job, lease: dt.timedelta) -> bool:
        assert holder.locked_by is not None
        return await self._repo.extend(job_id, holder.locked_by, self._clock() + lease)

    async def finish(self, job_id: str, holder: Job) -> bool:
        assert holder.locked_by is not None
        return await self._repo.finish(job_id, holder.locked_by, self._clock())

    async def release(self, job_id: str, holder: Job, error: str) -> bool:
        """Give a held job back to the queue, due now, for any worker to run."""
        assert holder.locked_by is not None
        return await self._repo.retry(job_id, holder.locked_by, self._clock(), error)
