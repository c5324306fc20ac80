"""A position the geocoder sets, and addresses queued for geocoding, reach the feed of the
customer's dossier (both engines)."""

from __future__ import annotations

from backend.customers.models import Address, AddressKind
from backend.runtime import Runtime
from tests.changes.conftest import feed, head
from tests.factories import make_tenant_context
from tests.geo.conftest import drain, geo_runtime, geocoding_worker, stub  # noqa: F401
from tests.geo.nominatim_stub import NominatimStub


def berlin() -> Address:
    # A street of its own: the geocoder's cache is the installation's, and the geocoding tests
    # count the requests for "Hauptstraße 1" (the stub finds any Hauptstraße).
    return Address(
        kind=AddressKind.BILLING,
        street="Hauptstraße 77",
        postal_code="10115",
        city="Berlin",
        country="DE",
    )


async def test_a_geocoded_position_is_recorded(runtime: Runtime, stub: NominatimStub) -> None:  # noqa: F811
    rt = geo_runtime(runtime, stub.url)
    ctx = await make_tenant_context(rt)
    customer = await ctx.customer(addresses=[berlin()])
    seen = await head(ctx)
    assert await drain(geocoding_worker(rt, ctx)) >= 1
    [[address]] = await rt.services().customers.addresses(ctx.principal, [customer.id])
    assert address.latitude is not None
    assert await feed(ctx, customer.id, seen) == [("address", address.id, "put")]


async def test_queueing_unplaced_addresses_is_recorded(
    runtime: Runtime,
    stub: NominatimStub,  # noqa: F811
) -> None:
    offline = await make_tenant_context(geo_runtime(runtime, None))
    customer = await offline.customer(addresses=[berlin()])
    seen = await head(offline)
    rt = geo_runtime(runtime, stub.url)
    assert await rt.services().geo.queue_unplaced(offline.tenant.id) == 1
    [[address]] = await rt.services().customers.addresses(offline.principal, [customer.id])
    assert await feed(offline, customer.id, seen) == [("address", address.id, "put")]
