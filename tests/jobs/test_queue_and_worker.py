"""The job table as a transactional outbox, and workers that claim atomically, hold leases,
retry with backoff and bury what cannot succeed (both engines)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter

import pytest

from backend.jobs.models import Job, JobFailed, JobState, NewJob
from backend.jobs.repository import PiccoloJobRepository
from backend.jobs.worker import backoff
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from tests.factories import FakeClock, TenantContext, make_tenant_context, runtime_with, unique


def kind() -> str:
    """A job kind of the test's own: workers claim only kinds they handle, so tests sharing the
    session's database never take each other's jobs."""
    return f"test.{unique('kind')}"


async def _job(tenant_id: str, job_id: str) -> Job:
    found = await PiccoloJobRepository().get(tenant_id, job_id)
    assert found is not None
    return found


async def _queued_ids(ctx: TenantContext) -> list[str]:
    with tenant_scope(ctx.tenant.id):
        rows = await ctx.runtime.database.fetch(
            "SELECT id FROM job WHERE tenant = {} ORDER BY created_at, id", ctx.tenant.id
        )
    return [str(r["id"]) for r in rows]


async def _enqueue(ctx: TenantContext, job_kind: str, n: int = 1, **kwargs: object) -> list[str]:
    services = ctx.runtime.services()
    for i in range(n):
        with tenant_scope(ctx.tenant.id):
            async with ctx.runtime.database.write():
                await services.jobs.enqueue(
                    NewJob(ctx.tenant.id, job_kind, {"n": i}, **kwargs)  # type: ignore[arg-type]
                )
    return await _queued_ids(ctx)


async def test_a_job_exists_exactly_when_its_transaction_commits(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    services = runtime.services()
    job_kind = kind()

    async def failing_change() -> None:
        with tenant_scope(ctx.tenant.id):
            async with runtime.database.write():
                await services.jobs.enqueue(NewJob(ctx.tenant.id, job_kind, {"n": 0}))
                raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        await failing_change()
    assert await _queued_ids(ctx) == []
    with tenant_scope(ctx.tenant.id):
        async with runtime.database.write():
            assert await services.jobs.enqueue(NewJob(ctx.tenant.id, job_kind, {}, dedupe_key="v1"))
            assert not await services.jobs.enqueue(
                NewJob(ctx.tenant.id, job_kind, {}, dedupe_key="v1")
            ), "the same dedupe key is queued once"
    assert len(await _queued_ids(ctx)) == 1


async def test_retries_with_backoff_then_dead_letter(runtime: Runtime) -> None:
    clock = FakeClock(dt.datetime(2031, 1, 1, tzinfo=dt.UTC))
    rt = runtime_with(runtime, clock=clock)
    ctx = await make_tenant_context(rt)
    job_kind = kind()
    [job_id] = await _enqueue(ctx, job_kind, max_attempts=3)
    calls: list[int] = []

    async def flaky(job: Job) -> None:
        calls.append(job.attempts)  # the kind is this test's: only its job comes here
        raise OSError("the disk is full")

    worker = rt.worker({job_kind: flaky})
    for attempt in (1, 2, 3):
        ran = await _run_until(worker, job_id)
        assert ran is not None, f"attempt {attempt} was not claimable"
        stored = await _job(ctx.tenant.id, job_id)
        if attempt < 3:
            assert stored.state is JobState.QUEUED
            assert stored.run_after > clock.now, "a retry waits"
            assert await _run_until(worker, job_id) is None, "not before run_after"
            clock.now = stored.run_after
    dead = await _job(ctx.tenant.id, job_id)
    assert (dead.state, dead.attempts, calls) == (JobState.DEAD, 3, [1, 2, 3])
    assert dead.last_error == "OSError: the disk is full"


async def _run_until(worker: object, job_id: str) -> Job | None:
    """Run due jobs of the worker's kinds until ``job_id`` ran."""
    for _ in range(20):
        job = await worker.run_once()  # type: ignore[attr-defined]
        if job is None or job.id == job_id:
            return job
    raise AssertionError("the job never came")


async def test_permanent_failures_are_buried_at_once_and_other_kinds_left_alone(
    runtime: Runtime,
) -> None:
    ctx = await make_tenant_context(runtime)
    job_kind, other_kind = kind(), kind()
    [corrupt] = await _enqueue(ctx, job_kind)
    [other] = (await _enqueue(ctx, other_kind))[-1:]

    async def refuse(job: Job) -> None:
        raise JobFailed("corrupt_image", permanent=True)

    worker = runtime.worker({job_kind: refuse})
    await _run_until(worker, corrupt)
    assert await worker.run_once() is None, "a worker takes only the kinds it handles"
    buried = await _job(ctx.tenant.id, corrupt)
    assert (buried.state, buried.attempts, buried.last_error) == (JobState.DEAD, 1, "corrupt_image")
    assert (await _job(ctx.tenant.id, other)).state is JobState.QUEUED


async def test_an_expired_lease_is_claimed_again_and_the_late_worker_cannot_finish(
    runtime: Runtime,
) -> None:
    clock = FakeClock(dt.datetime(2032, 1, 1, tzinfo=dt.UTC))
    rt = runtime_with(runtime, clock=clock)
    ctx = await make_tenant_context(rt)
    job_kind = kind()
    [job_id] = await _enqueue(ctx, job_kind)
    repo = PiccoloJobRepository()
    lease = dt.timedelta(seconds=60)
    async with rt.database.write():
        claimed = await repo.claim("worker-a", [job_kind], clock(), lease)
    assert claimed is not None
    assert claimed.id == job_id
    clock.advance(seconds=30)
    async with rt.database.write():
        assert await repo.claim("worker-b", [job_kind], clock(), lease) is None, "still leased"
    clock.advance(seconds=31)
    async with rt.database.write():
        again = await repo.claim("worker-b", [job_kind], clock(), lease)
    assert again is not None
    assert (again.id, again.attempts, again.locked_by) == (job_id, 2, "worker-b")
    assert not await repo.finish(job_id, "worker-a", clock()), "worker A lost its claim"
    assert await repo.finish(job_id, "worker-b", clock())
    assert (await _job(ctx.tenant.id, job_id)).state is JobState.DONE


async def test_a_job_queued_held_is_its_holders_until_the_lease_runs_out(
    runtime: Runtime,
) -> None:
    clock = FakeClock(dt.datetime(2032, 6, 1, tzinfo=dt.UTC))
    rt = runtime_with(runtime, clock=clock)
    ctx = await make_tenant_context(rt)
    holder_kind, held_kind = kind(), kind()
    [holder_id] = await _enqueue(ctx, holder_kind)
    repo = PiccoloJobRepository()
    lease = dt.timedelta(seconds=60)
    async with rt.database.write():
        holder = await repo.claim("worker-a", [holder_kind], clock(), lease)
    assert holder is not None
    assert holder.id == holder_id
    queue = rt.services().jobs
    with tenant_scope(ctx.tenant.id):
        async with rt.database.write():
            held = await queue.enqueue_held(
                NewJob(ctx.tenant.id, held_kind, {}, dedupe_key="once"), holder
            )
            again = await queue.enqueue_held(
                NewJob(ctx.tenant.id, held_kind, {}, dedupe_key="once"), holder
            )
    assert held is not None
    assert again is None, "the same dedupe key is queued once"
    stored = await _job(ctx.tenant.id, held)
    assert (stored.state, stored.attempts, stored.locked_by) == (JobState.RUNNING, 1, "worker-a")
    assert stored.lease_until == clock() + lease
    async with rt.database.write():
        assert await repo.claim("worker-b", [held_kind], clock(), lease) is None, "held"
    clock.advance(seconds=40)
    assert await queue.extend(held, holder, lease)
    clock.advance(seconds=40)
    async with rt.database.write():
        assert await repo.claim("worker-b", [held_kind], clock(), lease) is None, "renewed"
    clock.advance(seconds=61)
    async with rt.database.write():
        taken = await repo.claim("worker-b", [held_kind], clock(), lease)
    assert taken is not None
    assert (taken.id, taken.attempts, taken.locked_by) == (held, 2, "worker-b")
    assert not await queue.finish(held, holder), "the holder lost it"
    assert await repo.finish(held, "worker-b", clock())


async def test_concurrent_workers_run_every_job_exactly_once(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    job_kind = kind()
    ids = set(await _enqueue(ctx, job_kind, 24))
    ran: Counter[str] = Counter()

    async def work(job: Job) -> None:
        ran[job.id] += 1
        await asyncio.sleep(0.005)

    workers = [runtime.worker({job_kind: work}, name=f"w{i}") for i in range(4)]

    async def drain(worker: object) -> None:
        while await worker.run_once() is not None:  # type: ignore[attr-defined]
            pass

    await asyncio.gather(*(drain(w) for w in workers))
    assert {i: ran[i] for i in ids} == dict.fromkeys(ids, 1)
    states = {(await _job(ctx.tenant.id, i)).state for i in ids}
    assert states == {JobState.DONE}


def test_backoff_grows_and_is_capped() -> None:
    assert dt.timedelta(seconds=2.5) <= backoff(1) <= dt.timedelta(seconds=5)
    assert dt.timedelta(seconds=20) <= backoff(4) <= dt.timedelta(seconds=40)
    assert backoff(40) <= dt.timedelta(hours=1)


async def test_done_jobs_are_pruned_after_the_kept_period_and_dead_ones_stay(
    runtime: Runtime,
) -> None:
    clock = FakeClock(dt.datetime(2032, 3, 1, tzinfo=dt.UTC))
    rt = runtime_with(runtime, clock=clock)
    ctx = await make_tenant_context(rt)
    done_kind, dead_kind = kind(), kind()

    async def refuse(job: Job) -> None:
        raise JobFailed("corrupt_image", permanent=True)

    worker = rt.worker({done_kind: _nothing, dead_kind: refuse})
    [old_done] = await _enqueue(ctx, done_kind)
    [old_dead] = set(await _enqueue(ctx, dead_kind)) - {old_done}
    await _run_until(worker, old_done)
    await _run_until(worker, old_dead)
    clock.now += dt.timedelta(days=6)
    [recent_done] = set(await _enqueue(ctx, done_kind)) - {old_done, old_dead}
    await _run_until(worker, recent_done)
    [waiting] = set(await _enqueue(ctx, done_kind)) - {old_done, old_dead, recent_done}
    clock.now += dt.timedelta(days=2)  # the first two finished 8 days ago, the third 2 days ago
    # Other tests' done jobs are older still (the clock is years ahead): prune batch by batch.
    while await worker.prune_once() == 1000:
        pass
    assert set(await _ids_of(ctx, done_kind, dead_kind)) == {old_dead, recent_done, waiting}
    assert (await _job(ctx.tenant.id, old_dead)).state is JobState.DEAD


async def _nothing(job: Job) -> None:
    return None


async def _ids_of(ctx: TenantContext, *kinds: str) -> list[str]:
    with tenant_scope(ctx.tenant.id):
        rows = await ctx.runtime.database.fetch(
            "SELECT id, kind FROM job WHERE tenant = {}", ctx.tenant.id
        )
    return [str(r["id"]) for r in rows if r["kind"] in kinds]
