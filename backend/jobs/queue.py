"""Queueing work from services, in the transaction of the change that causes it."""

from __future__ import annotations

from backend.jobs.models import NewJob
from backend.jobs.ports import JobRepository
from backend.ports import Clock

__all__ = ["JobQueue"]


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
