"""Routes on road distances from an OSRM table service (a local stub), and the fall-back to
straight lines when it fails (both engines)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend.customers.models import Address, AddressKind
from backend.geo.distance import distance_km
from backend.geo.models import Point
from backend.runtime import Runtime
from tests.factories import TenantContext, make_tenant_context
from tests.geo.conftest import geo_runtime
from tests.geo.osrm_stub import OsrmStub, running_osrm

START = Point(50.06, 19.94)
STOPS = [Point(50.07, 19.95), Point(50.09, 19.97), Point(50.05, 19.90)]


@pytest.fixture
def osrm() -> Iterator[OsrmStub]:
    yield from running_osrm()


async def _customers(rt: Runtime) -> tuple[TenantContext, list[str]]:
    ctx = await make_tenant_context(rt)
    ids = []
    for p in STOPS:
        customer = await ctx.customer(
            addresses=[
                Address(
                    kind=AddressKind.DELIVERY,
                    street="Rynek Główny 1",
                    postal_code="31-042",
                    city="Kraków",
                    country="PL",
                    latitude=p.latitude,
                    longitude=p.longitude,
                )
            ]
        )
        ids.append(customer.id)
    return ctx, ids


async def test_road_distances_come_from_the_table_service(runtime: Runtime, osrm: OsrmStub) -> None:
    rt = geo_runtime(runtime, None, routing_url=osrm.url)
    ctx, ids = await _customers(rt)
    plan = await rt.services().geo.plan_route(ctx.principal, START, ids, [], True)
    assert plan.distances == "road"
    assert plan.notes == []
    [(path, query)] = osrm.calls
    assert path.startswith("/table/v1/driving/19.940000,50.060000;")
    assert query == {"annotations": "distance"}
    # Legs are the table's (asymmetric) kilometres, not straight lines.
    points = [START, *(s.point for s in plan.stops)]
    table = osrm.table([START, *STOPS])
    index = {p: i for i, p in enumerate([START, *STOPS])}
    for a, b, stop in zip(points, points[1:], plan.stops, strict=False):
        assert stop.leg_km == pytest.approx((table[index[a]][index[b]] or 0) / 1000)
        assert stop.leg_km > distance_km(a, b)
    assert plan.total_km == pytest.approx(sum(s.leg_km for s in plan.stops) + plan.return_leg_km)


@pytest.mark.parametrize("behaviour", ["500", "unreachable_pair"])
async def test_a_failing_table_service_falls_back_to_straight_lines(
    runtime: Runtime, osrm: OsrmStub, behaviour: str
) -> None:
    osrm.behaviour = behaviour
    rt = geo_runtime(runtime, None, routing_url=osrm.url)
    ctx, ids = await _customers(rt)
    plan = await rt.services().geo.plan_route(ctx.principal, START, ids, [], False)
    assert plan.distances == "straight"
    assert plan.notes
    assert "straight lines used" in plan.notes[0]
    first = plan.stops[0]
    assert first.leg_km == pytest.approx(distance_km(START, first.point))
