from __future__ import annotations

import datetime as dt
from typing import Protocol

from backend.jobs.models import Job, NewJob


class JobRepository(Protocol):
    async def add(self, job: NewJob, at: dt.datetime) -> bool:
        """Queue ``job`` (joins the caller's transaction); False if its dedupe key exists."""
        ...

    async def add_many(self, jobs: list[NewJob], at: dt.datetime) -> int:
        """Queue ``jobs`` in a few statements (joins the caller's transaction), skipping those
        whose dedupe key exists; return how many were added."""
        ...

    async def add_held(
        self, job: NewJob, worker: str, until: dt.datetime, at: dt.datetime
    ) -> str | None:
        """Queue ``job`` already claimed by ``worker`` until ``until`` (its first attempt counted;
        joins the caller's transaction); its id, or None if its dedupe key exists. Once the lease
        runs out unrenewed, any worker claims it as it would a job whose worker died."""
        ...

    async def claim(
        self, worker: str, kinds: list[str], at: dt.datetime, lease: dt.timedelta
    ) -> Job | None:
        """Atomically take the oldest due job of ``kinds`` (queued, or running with an expired
        lease) for ``worker``, counting the attempt; None if there is none."""
        ...

    async def extend(self, job_id: str, worker: str, until: dt.datetime) -> bool:
        """Renew the lease; False if the job is no longer this worker's."""
        ...

    async def finish(self, job_id: str, worker: str, at: dt.datetime) -> bool:
        """Mark done; False if the job is no longer this worker's (another did it meanwhile)."""
        ...

    async def retry(self, job_id: str, worker: str, run_after: dt.datetime, error: str) -> bool: ...

    async def bury(self, job_id: str, worker: str, at: dt.datetime, error: str) -> bool:
        """Dead letter: no more attempts."""
        ...

    async def get(self, tenant_id: str, job_id: str) -> Job | None: ...

    async def prune_done(self, finished_before: dt.datetime, limit: int) -> int:
        """Delete at most ``limit`` done jobs (of any tenant) that finished before
        ``finished_before``; return how many went."""
        ...
