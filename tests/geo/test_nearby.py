"""Customers near a point: exact distances after a box on indexed columns, one hit per customer,
only customers the caller may see, and bad input with stable codes (both engines)."""

from __future__ import annotations

import random

import pytest

from backend.access.policy import ScopeKind
from backend.customers.models import Address, AddressKind
from backend.errors import ValidationFailed
from backend.geo.distance import distance_km
from backend.geo.models import Point
from backend.runtime import Runtime
from tests.factories import TenantContext, make_tenant_context

CENTRE = Point(52.52, 13.405)


def at(point: Point, kind: AddressKind = AddressKind.BILLING, city: str = "Berlin") -> Address:
    return Address(
        kind=kind,
        street="Teststraße 1",
        postal_code="10115",
        city=city,
        country="DE",
        latitude=point.latitude,
        longitude=point.longitude,
    )


async def spread(ctx: TenantContext, n: int, seed: int) -> dict[str, list[Point]]:
    rng = random.Random(seed)
    placed: dict[str, list[Point]] = {}
    for _ in range(n):
        points = [
            Point(
                CENTRE.latitude + rng.uniform(-0.4, 0.4), CENTRE.longitude + rng.uniform(-0.6, 0.6)
            )
            for _ in range(rng.randint(1, 2))
        ]
        customer = await ctx.customer(addresses=[at(p) for p in points])
        placed[customer.id] = points
    return placed


async def test_nearest_first_with_exact_distances_one_hit_per_customer(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    placed = await spread(ctx, 40, seed=3)
    await ctx.customer(addresses=[])  # no address: never listed
    geo = runtime.services().geo
    found = await geo.near(ctx.principal, CENTRE, 20.0, 200)
    expected = sorted(
        (min(distance_km(CENTRE, p) for p in points), cid)
        for cid, points in placed.items()
        if min(distance_km(CENTRE, p) for p in points) <= 20.0
    )
    assert [(round(n.distance_km, 9), n.customer_id) for n in found] == [
        (round(d, 9), c) for d, c in expected
    ]
    assert len({n.customer_id for n in found}) == len(found)
    top = await geo.near(ctx.principal, CENTRE, 20.0, 3)
    assert [n.customer_id for n in top] == [c for _, c in expected[:3]]


async def test_only_customers_the_caller_may_see(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    near = [await ctx.customer(addresses=[at(Point(52.52 + i / 1000, 13.405))]) for i in range(3)]
    other = await make_tenant_context(runtime)
    await other.customer(addresses=[at(CENTRE)])  # another tenant, on the very spot
    geo = runtime.services().geo
    admin = await geo.near(ctx.principal, CENTRE, 5.0, 10)
    assert [n.customer_id for n in admin] == [c.id for c in near]
    user, _ = await ctx.user("none")
    nobody = await ctx.principal_of(user)
    assert await geo.near(nobody, CENTRE, 5.0, 10) == []
    await ctx.grant(user, "viewer", ScopeKind.CUSTOMER, near[1].id)
    one = await ctx.principal_of(user)
    assert [n.customer_id for n in await geo.near(one, CENTRE, 5.0, 10)] == [near[1].id]
    document = await ctx.document(near[2])
    await ctx.grant(user, "viewer", ScopeKind.DOCUMENT, document.id)
    two = await ctx.principal_of(user)
    assert [n.customer_id for n in await geo.near(two, CENTRE, 5.0, 10)] == [
        near[1].id,
        near[2].id,
    ]


async def test_across_the_antimeridian(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    west = await ctx.customer(addresses=[at(Point(-16.5, -179.95), city="Taveuni")])
    east = await ctx.customer(addresses=[at(Point(-16.5, 179.97), city="Vanua Levu")])
    found = await runtime.services().geo.near(ctx.principal, Point(-16.5, 179.99), 10.0, 10)
    assert [n.customer_id for n in found] == [east.id, west.id]


@pytest.mark.parametrize(
    ("centre", "radius", "limit", "field", "code"),
    [
        (Point(90.5, 0), 5.0, 10, "latitude", "out_of_range"),
        (Point(0, -181), 5.0, 10, "longitude", "out_of_range"),
        (CENTRE, 0.0, 10, "radiusKm", "out_of_range"),
        (CENTRE, -3.0, 10, "radiusKm", "out_of_range"),
        (CENTRE, 5000.0, 10, "radiusKm", "out_of_range"),
        (CENTRE, 5.0, 0, "limit", "out_of_range"),
        (CENTRE, 5.0, 10_000, "limit", "out_of_range"),
    ],
)
async def test_bad_input_has_stable_codes(
    runtime: Runtime, centre: Point, radius: float, limit: int, field: str, code: str
) -> None:
    ctx = await make_tenant_context(runtime)
    with pytest.raises(ValidationFailed) as caught:
        await runtime.services().geo.near(ctx.principal, centre, radius, limit)
    assert [(i.field, i.code) for i in caught.value.issues] == [(field, code)]
