"""Fixtures for maps: a Nominatim stub per test and a runtime that geocodes through it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest

from backend.geo.jobs import GEOCODE_JOB
from backend.jobs.models import Job
from backend.jobs.worker import Worker
from backend.runtime import Runtime
from backend.settings import GeoSettings
from tests.factories import FakeClock, TenantContext
from tests.geo.nominatim_stub import NominatimStub, running_stub

PLACES = {
    "piotrkowska": (51.7592, 19.4560, 30, "house", "Piotrkowska 1, 90-001 Łódź, Polska"),
    "hauptstraße": (52.5200, 13.4050, 30, "house", "Hauptstraße 1, 10115 Berlin, Deutschland"),
    "hauptstrasse": (52.5200, 13.4050, 30, "house", "Hauptstraße 1, 10115 Berlin, Deutschland"),
    "marienplatz": (48.1374, 11.5755, 26, "pedestrian", "Marienplatz, München"),
    "dorf": (50.0, 10.0, 16, "village", "Dorf, Bayern"),
}


@pytest.fixture
def stub() -> Iterator[NominatimStub]:
    yield from running_stub(NominatimStub(places=dict(PLACES)))


def geo_runtime(
    runtime: Runtime,
    url: str | None,
    *,
    interval_ms: int = 0,
    timeout: float = 1.0,
    clock: FakeClock | None = None,
    routing_url: str | None = None,
) -> Runtime:
    """A runtime over the session's database that geocodes through ``url``."""
    geo = GeoSettings(
        geocoder_url=url,
        user_agent="dossier-tests/1.0 (tests@example.org)",
        timeout_seconds=timeout,
        min_interval_ms=interval_ms,
        routing_url=routing_url,
    )
    return Runtime(
        settings=dataclasses.replace(runtime.settings, geo=geo),
        database=runtime.database,
        blobs=runtime.blobs,
        clock=clock or FakeClock(dt.datetime(2040, 1, 1, tzinfo=dt.UTC)),
    )


def geocoding_worker(rt: Runtime, ctx: TenantContext, name: str | None = None) -> Worker:
    """A worker for geocoding jobs that does only this tenant's (jobs left by other tests in the
    session's database are passed over as done)."""
    geo = rt.services().geo

    async def only_mine(job: Job) -> None:
        if job.tenant_id == ctx.tenant.id:
            await geo.handle_geocode(job)

    return rt.worker({GEOCODE_JOB: only_mine}, name=name)


async def drain(worker: Worker) -> int:
    """Run due jobs until none is due; return how many ran."""
    ran = 0
    while await worker.run_once() is not None:
        ran += 1
    return ran
