"""A worker process for the kill test: it runs jobs of one kind with a handler that says which job
it started (in a file) and then works far longer than the test waits. Run as
``python -m tests.jobs.worker_process KIND MARKER_FILE`` with the suite's settings in the
environment."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from backend.jobs.models import Job
from backend.runtime import Runtime
from backend.settings import load_settings


async def main(kind: str, marker: Path) -> None:
    runtime = Runtime.from_settings(load_settings(os.environ))
    await runtime.start()

    async def slow(job: Job) -> None:
        await asyncio.to_thread(marker.write_text, f"{job.id} {job.attempts}")
        await asyncio.sleep(600)

    await runtime.worker({kind: slow}, name=f"doomed:{os.getpid()}").run_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2])))
