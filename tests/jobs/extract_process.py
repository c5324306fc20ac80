"""A worker process for the memory test: it runs the text extraction handler on the given jobs,
as a worker would, then prints its peak memory and that of the Tesseract processes it started, as
JSON. Run as ``python -m tests.jobs.extract_process TENANT JOB_ID …`` with the suite's settings in
the environment."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys

from backend.documents.extraction import EXTRACT_JOB
from backend.jobs.registry import job_handlers
from backend.jobs.repository import PiccoloJobRepository
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from backend.settings import load_settings
from tests.jobs.preview_worker_process import peak_kib


async def main(tenant_id: str, job_ids: list[str]) -> None:
    runtime = Runtime.from_settings(load_settings(os.environ))
    await runtime.start()
    try:
        handler = job_handlers(runtime)[EXTRACT_JOB]
        for job_id in job_ids:
            job = await PiccoloJobRepository().get(tenant_id, job_id)
            assert job is not None, job_id
            with tenant_scope(tenant_id):
                await handler(job)
    finally:
        await runtime.close()
    # VmHWM, not RUSAGE_SELF: ru_maxrss survives exec, so it would start at the size of the test
    # process this one was forked from.
    mine = peak_kib()
    tesseract = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"worker_mib": mine / 1024, "tesseract_mib": tesseract / 1024}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2:]))
