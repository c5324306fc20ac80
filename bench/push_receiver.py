"""The benchmark's push service: an aiohttp server in a process of its own, as a real push service
runs on other machines, so its request handling does not share the measured event loop.

The parent starts it with :func:`start_receiver`, tells it how many pushes to expect and waits
for its word that all have arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from aiohttp import web

__all__ = ["Receiver", "start_receiver"]


async def _serve(conn: Connection) -> None:
    count, expected = 0, -1
    all_in = asyncio.Event()

    async def take(request: web.Request) -> web.Response:
        nonlocal count
        await request.read()
        count += 1
        if count >= expected >= 0:
            all_in.set()
        return web.Response(status=201)

    app = web.Application()
    app.router.add_post("/push/{name}", take)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    conn.send(runner.addresses[0][1])
    loop = asyncio.get_running_loop()
    expected = int(await loop.run_in_executor(None, conn.recv))
    if count >= expected:
        all_in.set()
    await all_in.wait()
    conn.send(count)
    await loop.run_in_executor(None, conn.recv)  # until told to stop
    await runner.cleanup()


def _main(conn: Connection) -> None:
    asyncio.run(_serve(conn))


class Receiver:
    def __init__(self, process: BaseProcess, conn: Connection, port: int) -> None:
        self._process = process
        self._conn = conn
        self.origin = f"http://127.0.0.1:{port}"

    def expect(self, count: int) -> None:
        self._conn.send(count)

    async def all_in(self, limit_seconds: float) -> int:
        """Wait until the expected number of pushes has arrived; return how many did."""
        loop = asyncio.get_running_loop()
        ready = await loop.run_in_executor(None, self._conn.poll, limit_seconds)
        if not ready:
            raise TimeoutError(f"not every push arrived within {limit_seconds} s")
        return int(self._conn.recv())

    def stop(self) -> None:
        with contextlib.suppress(BrokenPipeError, OSError):
            self._conn.send("stop")
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()


def start_receiver() -> Receiver:
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(target=_main, args=(theirs,))
    process.start()
    return Receiver(process, ours, int(ours.recv()))
