"""Running a converter or renderer as a child process with a time limit.

The child gets a process group of its own; when the time is up (or the caller is cancelled), the
whole group is killed, so nothing it started lives on. A Python child limits its own address space
with :func:`limit_own_memory` first thing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

__all__ = ["MEMORY_LIMIT", "Finished", "kill_group", "limit_own_memory", "run_limited"]

#: Address space of a renderer child (so its memory, too, stays under what a worker may use): the
#: interpreter, Pillow and PDFium take about 150 MiB of it.
MEMORY_LIMIT: Final = 512 << 20


def limit_own_memory(limit: int = MEMORY_LIMIT) -> None:
    """Cap this process's address space: an allocation beyond it fails instead of growing."""
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@dataclass(frozen=True, slots=True)
class Finished:
    returncode: int
    stdout: bytes
    stderr: bytes


async def run_limited(
    *args: str,
    stdin: bytes | None,
    time_limit: float,
    env: Mapping[str, str] | None = None,
) -> Finished:
    """Run ``args``, feeding ``stdin``; raise ``TimeoutError`` once it ran ``time_limit`` s."""
    process = await asyncio.create_subprocess_exec(
        *args,
        stdin=asyncio.subprocess.DEVNULL if stdin is None else asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,  # its own process group, so a kill reaches its children
        env=None if env is None else dict(env),
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(stdin), time_limit)
    finally:
        if process.returncode is None:
            kill_group(process.pid)
            await process.wait()
    kill_group(process.pid)  # helpers it left behind, if any
    return Finished(process.returncode or 0, out, err)


def kill_group(pid: int) -> None:
    """Kill the process group ``pid`` leads (gone already: nothing to do)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
