"""The worker: claims due jobs of the kinds it has handlers for and runs them, one at a time.

Handlers are idempotent (a job may run again after its worker died: at-least-once delivery) and
run in the scope of the job's tenant. While a handler runs, its lease is renewed; a worker that
dies stops renewing, the lease runs out and another worker claims the job again. Expected failures
(:class:`~backend.jobs.models.JobFailed`) are retried with exponential backoff or, when permanent,
go to the dead letter state at once; any other exception is retried likewise, and after
``max_attempts`` the job is dead with its last error kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import random
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from backend.jobs.models import Job, JobFailed
from backend.jobs.ports import JobRepository
from backend.persistence.scope import tenant_scope
from backend.ports import Clock, Transactions

__all__ = ["Handler", "Worker", "WorkerSettings", "backoff", "worker_name"]

log = logging.getLogger("dossier.jobs")

Handler = Callable[[Job], Awaitable[None]]


def worker_name() -> str:
    """Unique per process and instance: host, pid and a random suffix."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{random.randrange(16**6):06x}"  # noqa: S311


def backoff(attempt: int, base_seconds: float = 5.0, cap_seconds: float = 3600.0) -> dt.timedelta:
    """Exponential with full jitter: attempt 1 waits up to 5 s, 2 up to 10 s, … at most an hour."""
    ceiling = min(cap_seconds, base_seconds * 2 ** max(0, attempt - 1))
    return dt.timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    lease: dt.timedelta = dt.timedelta(seconds=60)
    """How long a claim holds without renewal; renewed every third of it while a job runs."""
    idle_poll_seconds: float = 1.0
    """How long to wait before looking again when nothing is due."""
    keep_done: dt.timedelta = dt.timedelta(days=7)
    """Done jobs older than this are deleted, a batch at a time, when the worker is idle."""
    prune_every_seconds: float = 600.0
    """How often an idle worker looks for done jobs to delete."""
    prune_batch: int = 1000


class Worker:
    def __init__(
        self,
        repo: JobRepository,
        tx: Transactions,
        clock: Clock,
        handlers: Mapping[str, Handler],
        settings: WorkerSettings | None = None,
        name: str | None = None,
    ) -> None:
        self._repo = repo
        self._tx = tx
        self._clock = clock
        self._handlers = dict(handlers)
        self._settings = settings or WorkerSettings()
        self.name = name or worker_name()

    async def run_once(self) -> Job | None:
        """Claim and run one due job; return it (as claimed), or None if none was due."""
        async with self._tx.write():
            job = await self._repo.claim(
                self.name, sorted(self._handlers), self._clock(), self._settings.lease
            )
        if job is None:
            return None
        await self._run(job)
        return job

    async def prune_once(self) -> int:
        """Delete one batch of done jobs older than the kept period; return how many went."""
        async with self._tx.write():
            return await self._repo.prune_done(
                self._clock() - self._settings.keep_done, self._settings.prune_batch
            )

    async def run_forever(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        next_prune = loop.time()
        while not stop.is_set():
            try:
                job = await self.run_once()
                if job is None and loop.time() >= next_prune:
                    # Several workers pruning at once is harmless: each deletes what is left.
                    if await self.prune_once() < self._settings.prune_batch:
                        next_prune = loop.time() + self._settings.prune_every_seconds
                    continue
            except Exception:
                log.exception("the job queue is unavailable; trying again")
                job = None
            if job is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._settings.idle_poll_seconds)

    async def _run(self, job: Job) -> None:
        handler = self._handlers[job.kind]  # claimed only for kinds it handles
        if job.attempts > job.max_attempts:
            await self._bury(job, f"gave up after {job.max_attempts} attempts: {job.last_error}")
            return
        keeper = asyncio.create_task(self._keep_lease(job))
        try:
            with tenant_scope(job.tenant_id):
                await handler(job)
        except JobFailed as failure:
            await self._failed(job, failure.reason, permanent=failure.permanent)
        except Exception as exc:
            log.exception("job %s (%s) failed", job.id, job.kind)
            await self._failed(job, f"{type(exc).__name__}: {exc}", permanent=False)
        else:
            if not await self._repo.finish(job.id, self.name, self._clock()):
                log.warning("job %s was done after its lease ran out", job.id)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper

    async def _keep_lease(self, job: Job) -> None:
        lease = self._settings.lease
        while True:
            await asyncio.sleep(lease.total_seconds() / 3)
            if not await self._repo.extend(job.id, self.name, self._clock() + lease):
                return

    async def _failed(self, job: Job, reason: str, *, permanent: bool) -> None:
        if permanent or job.attempts >= job.max_attempts:
            await self._bury(job, reason)
            return
        await self._repo.retry(job.id, self.name, self._clock() + backoff(job.attempts), reason)

    async def _bury(self, job: Job, reason: str) -> None:
        log.warning("job %s (%s) is dead: %s", job.id, job.kind, reason)
        await self._repo.bury(job.id, self.name, self._clock(), reason)
