"""Piccolo implementation of :class:`backend.jobs.ports.JobRepository`.

A claim is one ``UPDATE … WHERE id = (SELECT … LIMIT 1) RETURNING *``: with ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so workers never wait on each other's rows; inside the immediate write
transaction on SQLite, which admits one writer at a time. Workers claim across tenants (the
system scope); a job's own work then runs in its tenant's scope.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from backend.ids import new_id
from backend.jobs.models import Job, JobState, NewJob
from backend.jobs.tables import JobTable
from backend.persistence.rows import as_datetime, opt_datetime, opt_str
from backend.persistence.scope import across_tenants, tenant_scoped
from backend.persistence.sql import in_list, select

__all__ = ["PiccoloJobRepository"]

_CHUNK = 500
"""Rows per multi-row INSERT: 8 parameters each, far under both engines' limits."""

_DUE = (
    "SELECT id FROM job WHERE kind IN ({kinds}) AND ((state = 'queued' AND run_after <= {{}}) "
    "OR (state = 'running' AND lease_until < {{}})) ORDER BY run_after, id LIMIT 1"
)


def _job(row: dict[str, Any]) -> Job:
    return Job(
        id=str(row["id"]),
        tenant_id=str(row["tenant"]),
        kind=row["kind"],
        payload=json.loads(row["payload"]),
        state=JobState(row["state"]),
        attempts=int(row["attempts"]),
        max_attempts=int(row["max_attempts"]),
        run_after=as_datetime(row["run_after"]),
        lease_until=opt_datetime(row["lease_until"]),
        locked_by=opt_str(row["locked_by"]),
        last_error=opt_str(row["last_error"]),
        created_at=as_datetime(row["created_at"]),
        finished_at=opt_datetime(row["finished_at"]),
    )


@tenant_scoped
class PiccoloJobRepository:
    async def add(self, job: NewJob, at: dt.datetime) -> bool:
        sql = (
            "INSERT INTO job (id, tenant, kind, payload, dedupe_key, state, attempts, "
            "max_attempts, run_after, created_at) "
            "VALUES ({}, {}, {}, {}, {}, 'queued', 0, {}, {}, {})"
        )
        args = (
            new_id(),
            job.tenant_id,
            job.kind,
            json.dumps(job.payload, sort_keys=True),
            job.dedupe_key,
            job.max_attempts,
            job.run_after or at,
            at,
        )
        if job.dedupe_key is None:
            await JobTable.raw(sql, *args)
            return True
        rows = await JobTable.raw(sql + " ON CONFLICT DO NOTHING RETURNING id", *args)
        return bool(rows)

    async def add_many(self, jobs: list[NewJob], at: dt.datetime) -> int:
        added = 0
        for start in range(0, len(jobs), _CHUNK):
            chunk = jobs[start : start + _CHUNK]
            args: list[Any] = []
            for job in chunk:
                args += [
                    new_id(),
                    job.tenant_id,
                    job.kind,
                    json.dumps(job.payload, sort_keys=True),
                    job.dedupe_key,
                    job.max_attempts,
                    job.run_after or at,
                    at,
                ]
            values = ", ".join("({}, {}, {}, {}, {}, 'queued', 0, {}, {}, {})" for _ in chunk)
            rows = await JobTable.raw(
                "INSERT INTO job (id, tenant, kind, payload, dedupe_key, state, attempts, "
                f"max_attempts, run_after, created_at) VALUES {values} "
                "ON CONFLICT DO NOTHING RETURNING id",
                *args,
            )
            added += len(rows)
        return added

    async def add_held(
        self, job: NewJob, worker: str, until: dt.datetime, at: dt.datetime
    ) -> str | None:
        job_id = new_id()
        rows = await JobTable.raw(
            "INSERT INTO job (id, tenant, kind, payload, dedupe_key, state, attempts, "
            "max_attempts, run_after, lease_until, locked_by, created_at) "
            "VALUES ({}, {}, {}, {}, {}, 'running', 1, {}, {}, {}, {}, {}) "
            "ON CONFLICT DO NOTHING RETURNING id",
            job_id,
            job.tenant_id,
            job.kind,
            json.dumps(job.payload, sort_keys=True),
            job.dedupe_key,
            job.max_attempts,
            job.run_after or at,
            until,
            worker,
            at,
        )
        return job_id if rows else None

    @across_tenants
    async def claim(
        self, worker: str, kinds: list[str], at: dt.datetime, lease: dt.timedelta
    ) -> Job | None:
        if not kinds:
            return None
        due = _DUE.format(kinds=in_list(kinds))
        if JobTable._meta.db.engine_type == "postgres":
            due += " FOR UPDATE SKIP LOCKED"
        rows = await JobTable.raw(
            "UPDATE job SET state = 'running', attempts = attempts + 1, lease_until = {}, "
            f"locked_by = {{}} WHERE id = ({due}) RETURNING *",
            at + lease,
            worker,
            *kinds,
            at,
            at,
        )
        return _job(dict(rows[0])) if rows else None

    @across_tenants
    async def extend(self, job_id: str, worker: str, until: dt.datetime) -> bool:
        rows = await JobTable.raw(
            "UPDATE job SET lease_until = {} WHERE id = {} AND locked_by = {} "
            "AND state = 'running' RETURNING id",
            until,
            job_id,
            worker,
        )
        return bool(rows)

    @across_tenants
    async def finish(self, job_id: str, worker: str, at: dt.datetime) -> bool:
        rows = await JobTable.raw(
            "UPDATE job SET state = 'done', finished_at = {}, lease_until = NULL "
            "WHERE id = {} AND locked_by = {} AND state = 'running' RETURNING id",
            at,
            job_id,
            worker,
        )
        return bool(rows)

    @across_tenants
    async def retry(self, job_id: str, worker: str, run_after: dt.datetime, error: str) -> bool:
        rows = await JobTable.raw(
            "UPDATE job SET state = 'queued', run_after = {}, lease_until = NULL, "
            "locked_by = NULL, last_error = {} "
            "WHERE id = {} AND locked_by = {} AND state = 'running' RETURNING id",
            run_after,
            error[:4000],
            job_id,
            worker,
        )
        return bool(rows)

    @across_tenants
    async def bury(self, job_id: str, worker: str, at: dt.datetime, error: str) -> bool:
        rows = await JobTable.raw(
            "UPDATE job SET state = 'dead', finished_at = {}, lease_until = NULL, "
            "last_error = {} WHERE id = {} AND locked_by = {} AND state = 'running' RETURNING id",
            at,
            error[:4000],
            job_id,
            worker,
        )
        return bool(rows)

    @across_tenants
    async def prune_done(self, finished_before: dt.datetime, limit: int) -> int:
        rows = await JobTable.raw(
            "DELETE FROM job WHERE id IN (SELECT id FROM job WHERE state = 'done' "
            "AND finished_at < {} LIMIT {}) RETURNING id",
            finished_before,
            limit,
        )
        return len(rows)

    async def get(self, tenant_id: str, job_id: str) -> Job | None:
        rows = await select(
            JobTable, "SELECT * FROM job WHERE tenant = {} AND id = {}", tenant_id, job_id
        )
        return _job(rows[0]) if rows else None
