"""A real worker process for the memory test: it runs every due job with the production handlers
until none is left, then writes its peak resident memory (``VmHWM``, in KiB) to a file. Run as
``python -m tests.jobs.preview_worker_process OUT_FILE`` with the suite's settings in the
environment. The file gets its peak, the jobs done and the peak of the largest process it
started (the PDF renderer, LibreOffice)."""

from __future__ import annotations

import asyncio
import os
import resource
import sys
from pathlib import Path

from backend.jobs.registry import job_handlers
from backend.runtime import Runtime
from backend.settings import load_settings


def peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


async def main(out: Path) -> None:
    runtime = Runtime.from_settings(load_settings(os.environ))
    await runtime.start()
    worker = runtime.worker(job_handlers(runtime), name=f"nasty:{os.getpid()}")
    done = 0
    while await worker.run_once() is not None:
        done += 1
    await runtime.close()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    await asyncio.to_thread(out.write_text, f"{peak_kib()} {done} {children}")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
