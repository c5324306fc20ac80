"""A process that asks for the geocoder's turn N times and prints when it got each: run as
``python -m tests.geo.limiter_process NAME INTERVAL N`` with the suite's settings in the
environment. Two of them at once show that the turn holds across processes."""

from __future__ import annotations

import asyncio
import os
import sys
import time

from backend.geo.ratelimit import SharedRateLimit
from backend.geo.repository import PiccoloRequestSlots
from backend.runtime import Runtime
from backend.settings import load_settings


async def main(name: str, interval: float, count: int) -> None:
    runtime = Runtime.from_settings(load_settings(os.environ))
    await runtime.start()
    try:
        limit = SharedRateLimit(PiccoloRequestSlots(), runtime.database, name, interval)
        print("ready", flush=True)
        sys.stdin.readline()  # both start together
        for _ in range(count):
            await limit.turn()
            print(f"{time.time():.6f}", flush=True)
    finally:
        await runtime.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3])))
