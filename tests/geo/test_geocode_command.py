"""``dossier geocode``: addresses stored while no geocoder was configured are queued once one is."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend.customers.models import Address, AddressKind
from backend.geo.models import GeoState
from backend.runtime import Runtime
from tests.factories import make_tenant_context, unique
from tests.geo.conftest import drain, geo_runtime, geocoding_worker
from tests.geo.nominatim_stub import NominatimStub, running_stub
from tests.test_cli import run


@pytest.fixture
def stub() -> Iterator[NominatimStub]:
    places = {"hauptstrasse": (52.52, 13.405, 30, "house", "Hauptstraße, Berlin")}
    yield from running_stub(NominatimStub(places=places))


async def test_unplaced_addresses_are_queued_from_the_command_line(
    runtime: Runtime, settings_env: dict[str, str], stub: NominatimStub
) -> None:
    ctx = await make_tenant_context(geo_runtime(runtime, None))
    street = f"Hauptstraße {unique('cli')}"
    customer = await ctx.customer(
        addresses=[Address(AddressKind.BILLING, street, "10115", "Berlin", "DE")]
    )
    refused = await run(settings_env, "geocode", "--tenant", ctx.tenant.slug)
    assert refused.returncode == 2
    assert refused.stderr.startswith("error [geocoder_not_configured]:")
    env = settings_env | {
        "DOSSIER_GEOCODER_URL": stub.url,
        "DOSSIER_GEOCODER_USER_AGENT": "dossier-tests/1.0",
    }
    done = await run(env, "geocode", "--tenant", ctx.tenant.slug)
    assert done.returncode == 0, done.stderr
    assert f"{ctx.tenant.slug}: 1 addresses queued" in done.stdout
    rt = geo_runtime(runtime, stub.url)
    await drain(geocoding_worker(rt, ctx))
    [[found]] = await rt.services().customers.addresses(ctx.principal, [customer.id])
    assert (found.geo_state, found.latitude) == (GeoState.LOCATED, 52.52)
