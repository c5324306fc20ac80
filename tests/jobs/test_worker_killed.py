"""A worker killed in the middle of a job: the job is claimed again once its lease runs out, and
done exactly once, by another worker, on both engines."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from backend.jobs.models import Job, JobState, NewJob
from backend.jobs.repository import PiccoloJobRepository
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from tests.factories import make_tenant_context, unique

LEASE_SECONDS = 5


async def test_a_killed_workers_job_is_done_once_by_another(
    runtime: Runtime, settings_env: dict[str, str], tmp_path: Path
) -> None:
    ctx = await make_tenant_context(runtime)
    kind = f"test.{unique('killed')}"
    with tenant_scope(ctx.tenant.id):
        async with runtime.database.write():
            await runtime.services().jobs.enqueue(NewJob(ctx.tenant.id, kind, {"work": 1}))
    marker = tmp_path / "started"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")} | settings_env
    env["DOSSIER_JOB_LEASE_SECONDS"] = str(LEASE_SECONDS)
    doomed = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.jobs.worker_process", kind, str(marker), env=env
    )
    try:
        for _ in range(300):
            if marker.exists() and marker.read_text():
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the worker process never started the job")
        job_id, attempt = marker.read_text().split()
        assert attempt == "1"
    finally:
        doomed.send_signal(signal.SIGKILL)
        await doomed.wait()
    repo = PiccoloJobRepository()
    taken = await repo.get(ctx.tenant.id, job_id)
    assert taken is not None
    assert taken.state is JobState.RUNNING
    assert (taken.locked_by or "").startswith("doomed:")

    done: list[tuple[str, int]] = []

    async def finish(job: Job) -> None:
        done.append((job.id, job.attempts))

    rescuer = runtime.worker({kind: finish}, name="rescuer")
    assert await rescuer.run_once() is None, "the dead worker's lease still holds"
    for _ in range(LEASE_SECONDS * 10 + 50):
        if await rescuer.run_once() is not None:
            break
        await asyncio.sleep(0.1)
    assert done == [(job_id, 2)]
    finished = await repo.get(ctx.tenant.id, job_id)
    assert finished is not None
    assert (finished.state, finished.attempts, finished.locked_by) == (JobState.DONE, 2, "rescuer")
    assert await rescuer.run_once() is None
    assert done == [(job_id, 2)], "done once"
