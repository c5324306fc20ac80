"""Measure: what the device check adds to a signed-in request (docs/adr/0027).

Every cookie request that carries ``X-Dossier-Device`` looks its device up (and moves "last
seen" at most once a minute), and every session read joins the device it is bound to. A run is
``GET /auth/session`` through the whole application (authentication, session read, grants) over
ASGI, once with the device header (B) and once without it (A) on another session of the same
user; the two alternate. The table shows p50 and p95 of each and the ratio B / A.

    python -m bench.device_check [--engine sqlite|postgres|both] [--runs 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import uuid
from typing import Any

import httpx

from backend.http.app import create_app
from backend.runtime import Runtime
from bench.catalog import make_catalog
from bench.databases import ENGINES, bench_runtime, postgres_admin_url
from bench.timing import Side, Timing, interleaved

__all__ = ["run_device_check_benchmark"]

PASSWORD = "device-check-benchmark"  # noqa: S105 (a throwaway account of a throwaway database)


async def _signed_in(client: httpx.AsyncClient, slug: str, email: str) -> None:
    answer = await client.post(
        "/auth/login", json={"tenant": slug, "email": email, "password": PASSWORD}
    )
    answer.raise_for_status()


async def run_device_check_benchmark(
    runtime: Runtime, *, runs: int, warmup: int
) -> tuple[Timing, Timing]:
    """Timings of a session request without the device header (A) and with it (B)."""
    catalog = await make_catalog(runtime, users=1)
    user = await runtime.services().accounts.create_user(
        catalog.tenant.id, f"device-{uuid.uuid4().hex[:8]}@example.com", "Device", "sales", PASSWORD
    )
    # Litestar's ASGI signature is narrower than the one httpx declares; they agree at run time.
    app: Any = create_app(runtime, own_runtime=False)
    transport = httpx.ASGITransport(app=app)
    base = "http://bench.local"
    async with (
        httpx.AsyncClient(transport=transport, base_url=base) as plain,
        httpx.AsyncClient(transport=transport, base_url=base) as phone,
    ):
        await _signed_in(plain, catalog.tenant.slug, user.email)
        await _signed_in(phone, catalog.tenant.slug, user.email)
        device = {"X-Dossier-Device": uuid.uuid4().hex, "User-Agent": "Chrome/131.0 Android"}

        def check(answer: httpx.Response) -> None:
            if answer.status_code != 200:
                raise AssertionError(f"the session request answered {answer.status_code}")

        without = Side(lambda: plain.get("/auth/session"), check)
        with_device = Side(lambda: phone.get("/auth/session", headers=device), check)
        return await interleaved(without, with_device, runs=runs, warmup=warmup)


async def _main(engines: list[str], runs: int) -> None:
    print(f"{'engine':<8}  {'without p50/p95 ms':>19}  {'with device p50/p95 ms':>23}  p95 ratio")
    for engine in engines:
        async with bench_runtime(engine, postgres_admin_url(os.environ)) as runtime:
            a, b = await run_device_check_benchmark(runtime, runs=runs, warmup=20)
        print(
            f"{engine:<8}  {a.p50:>8.2f} / {a.p95:>8.2f}  {b.p50:>11.2f} / {b.p95:>9.2f}  "
            f"{b.p95 / a.p95:.2f}×"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", choices=[*ENGINES, "both"], default="both")
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(_main(list(ENGINES) if args.engine == "both" else [args.engine], args.runs))
