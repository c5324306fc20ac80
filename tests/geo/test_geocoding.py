"""Geocoding addresses through geopy against the Nominatim stub: jobs queued with the change,
the shared cache, retries, "no match", hand-placed positions, and the installation-wide turn
(both engines)."""

from __future__ import annotations

import asyncio
import os
import sys
import time

import pytest

from backend.customers.models import Address, AddressKind, CustomerDraft
from backend.geo.addresses import address_key
from backend.geo.models import GeoState, Point, Quality
from backend.geo.ports import GeocoderError
from backend.geo.ratelimit import SharedRateLimit
from backend.geo.repository import PiccoloRequestSlots
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from tests.factories import FakeClock, TenantContext, make_tenant_context, unique
from tests.geo.conftest import drain, geo_runtime, geocoding_worker
from tests.geo.nominatim_stub import NominatimStub


def berlin(street: str = "Hauptstraße 1", kind: AddressKind = AddressKind.BILLING) -> Address:
    return Address(kind=kind, street=street, postal_code="10115", city="Berlin", country="DE")


def lodz(street: str = "ul. Piotrkowska 1") -> Address:
    return Address(
        kind=AddressKind.DELIVERY,
        street=street,
        postal_code="90-001",
        city="Łódź",
        country="PL",
    )


def assert_spaced(times: list[float], interval: float) -> None:
    """No stretch of time holds more requests than the turn allows: the k-th request after any
    other comes at least (k - 1) intervals later. (A turn is a reservation: a process that gets
    its turn but is scheduled late can send just before the next turn, never earlier than its
    own, so two requests can be closer than one interval, but never three within two.)"""
    ordered = sorted(times)
    slack = 0.03
    for i, first in enumerate(ordered):
        for j in range(i + 2, len(ordered)):
            assert ordered[j] - first >= (j - i - 1) * interval - slack, (i, j, ordered)
    assert ordered[-1] - ordered[0] >= (len(ordered) - 2) * interval - slack


async def addresses(ctx: TenantContext, customer_id: str) -> list[Address]:
    [found] = await ctx.runtime.services().customers.addresses(ctx.principal, [customer_id])
    return found


async def geo_jobs(ctx: TenantContext) -> list[tuple[str, str, str | None]]:
    with tenant_scope(ctx.tenant.id):
        rows = await ctx.runtime.database.fetch(
            "SELECT state, kind, last_error FROM job WHERE tenant = {} AND kind = 'geo.geocode' "
            "ORDER BY created_at, id",
            ctx.tenant.id,
        )
    return [(r["state"], r["kind"], r["last_error"]) for r in rows]


async def test_addresses_are_geocoded_by_jobs_queued_with_the_change(
    runtime: Runtime, stub: NominatimStub
) -> None:
    rt = geo_runtime(runtime, stub.url)
    ctx = await make_tenant_context(rt)
    customer = await ctx.customer(addresses=[berlin(), lodz()])
    before = await addresses(ctx, customer.id)
    assert [a.geo_state for a in before] == [GeoState.PENDING, GeoState.PENDING]
    assert len(await geo_jobs(ctx)) == 2, "one job per address, in the customer's transaction"
    assert await drain(geocoding_worker(rt, ctx)) >= 2
    after = await addresses(ctx, customer.id)
    assert [a.geo_state for a in after] == [GeoState.LOCATED, GeoState.LOCATED]
    assert (after[0].latitude, after[0].longitude) == (52.52, 13.405)
    assert (after[1].latitude, after[1].longitude) == (51.7592, 19.456)
    assert after[1].geo_quality is Quality.BUILDING
    searches = [r for r in stub.requests if r.path == "/search"]
    assert len(searches) == 2
    polish = next(r for r in searches if r.query.get("countrycodes") == "pl")
    assert polish.query["city"] == "Łódź", "structured query, Unicode intact"
    assert polish.query["street"] == "ul. Piotrkowska 1"
    assert all(r.user_agent.startswith("dossier-tests/1.0") for r in searches)
    assert [s for s, _, _ in await geo_jobs(ctx)] == ["done", "done"]


async def test_the_cache_answers_the_same_address_without_a_request(
    runtime: Runtime, stub: NominatimStub
) -> None:
    rt = geo_runtime(runtime, stub.url)
    ctx = await make_tenant_context(rt)
    street = f"Hauptstraße {unique('n')}"
    await ctx.customer(addresses=[berlin(street)])
    await drain(geocoding_worker(rt, ctx))
    assert len(stub.requests) == 1
    # Another tenant, the same address written differently (case, spaces, NFKC forms).
    other = await make_tenant_context(rt)
    variant = "  " + street.upper().replace(" ", "   ") + " "
    customer = await other.customer(addresses=[berlin(variant)])
    await drain(geocoding_worker(rt, other))
    assert len(stub.requests) == 1, "a cache hit sends no request"
    [found] = await addresses(other, customer.id)
    assert found.geo_state is GeoState.LOCATED
    assert found.latitude == 52.52


async def test_no_match_is_final_and_reported(runtime: Runtime, stub: NominatimStub) -> None:
    rt = geo_runtime(runtime, stub.url)
    ctx = await make_tenant_context(rt)
    unknown = Address(
        kind=AddressKind.BILLING,
        street=f"Nowhere {unique('x')}",
        postal_code="00000",
        city="Atlantis",
        country="DE",
    )
    customer = await ctx.customer(addresses=[unknown])
    await drain(geocoding_worker(rt, ctx))
    [found] = await addresses(ctx, customer.id)
    assert found.geo_state is GeoState.NOT_FOUND
    assert found.latitude is None
    assert await geo_jobs(ctx) == [("dead", "geo.geocode", "no_match")]
    # Remembered: the same address elsewhere sends no second request.
    await ctx.customer(addresses=[unknown])
    await drain(geocoding_worker(rt, ctx))
    assert len(stub.requests) == 1


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        ("slow", "timeout"),
        ("429", "rate_limited"),
        ("malformed", "malformed_answer"),
        ("bad_number", "malformed_answer"),
        ("500", "unavailable"),
    ],
)
async def test_failures_are_retried_with_backoff_then_succeed(
    runtime: Runtime, stub: NominatimStub, behaviour: str, reason: str
) -> None:
    clock = FakeClock()
    clock.now = clock.now.replace(year=2041)
    rt = geo_runtime(runtime, stub.url, clock=clock, timeout=0.5)
    ctx = await make_tenant_context(rt)
    customer = await ctx.customer(addresses=[berlin(f"Hauptstraße {unique('r')}")])
    stub.behaviour = behaviour
    stub.slow_seconds = 1.5
    worker = geocoding_worker(rt, ctx)
    started = time.time()
    await drain(worker)
    assert await geo_jobs(ctx) == [("queued", "geo.geocode", reason)], "retried later"
    [waiting] = await addresses(ctx, customer.id)
    assert waiting.geo_state is GeoState.PENDING
    if behaviour == "429":
        # The server's Retry-After holds every process off: the next turn waits for it.
        limit = SharedRateLimit(
            PiccoloRequestSlots(), rt.database, f"geocoder {stub.url}"[:63], 0.001
        )
        await limit.turn()
        assert time.time() - started >= stub.retry_after - 0.05
    stub.behaviour = "ok"
    assert await drain(worker) == 0, "not before the backoff"
    clock.advance(hours=1)
    await drain(worker)
    [found] = await addresses(ctx, customer.id)
    assert found.geo_state is GeoState.LOCATED
    assert [s for s, _, _ in await geo_jobs(ctx)] == ["done"]


async def test_the_last_failed_attempt_leaves_the_address_failed(
    runtime: Runtime, stub: NominatimStub
) -> None:
    clock = FakeClock()
    clock.now = clock.now.replace(year=2042)
    rt = geo_runtime(runtime, stub.url, clock=clock)
    ctx = await make_tenant_context(rt)
    customer = await ctx.customer(addresses=[berlin(f"Hauptstraße {unique('f')}")])
    stub.behaviour = "500"
    worker = geocoding_worker(rt, ctx)
    for _ in range(8):
        await drain(worker)
        clock.advance(hours=2)
    [found] = await addresses(ctx, customer.id)
    assert found.geo_state is GeoState.FAILED
    assert await geo_jobs(ctx) == [("dead", "geo.geocode", "unavailable")]
    assert len(stub.requests) == 6, "max_attempts requests, no more"
    # The next change of the customer tries again.
    stub.behaviour = "ok"
    await ctx.runtime.services().customers.update(
        ctx.principal, customer.id, CustomerDraft(addresses=[found])
    )
    await drain(worker)
    [again] = await addresses(ctx, customer.id)
    assert again.geo_state is GeoState.LOCATED


async def test_without_a_geocoder_addresses_say_so(runtime: Runtime) -> None:
    rt = geo_runtime(runtime, None)
    ctx = await make_tenant_context(rt)
    customer = await ctx.customer(addresses=[berlin()])
    [found] = await addresses(ctx, customer.id)
    assert found.geo_state is GeoState.OFF
    assert await geo_jobs(ctx) == [], "no job without a geocoder"


async def test_a_corrected_position_survives_edits_and_re_geocoding(
    runtime: Runtime, stub: NominatimStub
) -> None:
    rt = geo_runtime(runtime, stub.url)
    ctx = await make_tenant_context(rt)
    street = f"Hauptstraße {unique('c')}"
    customer = await ctx.customer(addresses=[berlin(street), berlin(street, AddressKind.DELIVERY)])
    worker = geocoding_worker(rt, ctx)
    await drain(worker)
    first, second = await addresses(ctx, customer.id)
    geo = rt.services().geo
    pin = Point(52.5301, 13.4102)
    await geo.set_position(ctx.principal, first.id, pin)
    # The address is sent again unchanged (as clients do), and its twin is geocoded again.
    services = rt.services()
    kept = await addresses(ctx, customer.id)
    await services.customers.update(
        ctx.principal, customer.id, CustomerDraft(addresses=[*kept, berlin("Marienplatz 1")])
    )
    await geo.set_position(ctx.principal, second.id, None)  # back to the geocoder
    await drain(worker)
    one, two, three = await addresses(ctx, customer.id)
    assert one.id == first.id, "an unchanged address keeps its id"
    assert (one.latitude, one.longitude, one.geo_state) == (52.5301, 13.4102, GeoState.MANUAL)
    assert one.geo_quality is Quality.EXACT
    assert (two.geo_state, two.latitude) == (GeoState.LOCATED, 52.52)
    assert (three.geo_state, three.geo_quality) == (GeoState.LOCATED, Quality.STREET)
    trail = await rt.services().audit.trail(ctx.principal, target=("customer", customer.id))
    assert [e.action for e in trail].count("customer.address_position") == 2


async def test_two_workers_never_ask_within_the_interval(
    runtime: Runtime, stub: NominatimStub
) -> None:
    interval = 0.25
    rt = geo_runtime(runtime, stub.url, interval_ms=int(interval * 1000))
    ctx = await make_tenant_context(rt)
    streets = [f"Hauptstraße {unique(str(i))}" for i in range(6)]
    for street in streets:
        await ctx.customer(addresses=[berlin(street)])
    workers = [geocoding_worker(rt, ctx, name=f"w{i}") for i in range(2)]
    ran = await asyncio.gather(*(drain(w) for w in workers))
    assert sum(ran) >= 6
    assert all(n > 0 for n in ran), "both workers took part"
    times = [r.at for r in stub.requests]
    assert len(times) == 6
    assert_spaced(times, interval)


async def test_the_turn_is_shared_by_separate_limiters(runtime: Runtime) -> None:
    """Two limiters stand for two processes: only the database row connects them."""
    name = unique("slot")
    starts: list[float] = []

    async def ask(limit: SharedRateLimit) -> None:
        for _ in range(4):
            await limit.turn()
            starts.append(time.time())

    limits = [SharedRateLimit(PiccoloRequestSlots(), runtime.database, name, 0.1) for _ in range(2)]
    await asyncio.gather(*(ask(limit) for limit in limits))
    assert_spaced(starts, 0.1)
    busy = SharedRateLimit(PiccoloRequestSlots(), runtime.database, name, 10.0)
    await busy.turn()
    with pytest.raises(GeocoderError, match="busy"):
        await busy.turn(max_wait_seconds=1.0)


async def test_jobs_of_replaced_addresses_finish_quietly(
    runtime: Runtime, stub: NominatimStub
) -> None:
    rt = geo_runtime(runtime, stub.url)
    ctx = await make_tenant_context(rt)
    customer = await ctx.customer(addresses=[berlin(f"Hauptstraße {unique('g')}")])
    await rt.services().customers.update(
        ctx.principal, customer.id, CustomerDraft(addresses=[lodz(f"Piotrkowska {unique('p')}")])
    )
    await drain(geocoding_worker(rt, ctx))
    [found] = await addresses(ctx, customer.id)
    assert found.geo_state is GeoState.LOCATED
    assert [s for s, _, _ in await geo_jobs(ctx)] == ["done", "done"]
    assert [r.query.get("city") for r in stub.requests] == ["Łódź"]


async def test_two_processes_share_the_turn(runtime: Runtime, settings_env: dict[str, str]) -> None:
    name, interval, count = unique("processes"), 0.2, 5
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")} | settings_env
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.geo.limiter_process",
            name,
            str(interval),
            str(count),
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            assert (await asyncio.wait_for(process.stdout.readline(), 60)).strip() == b"ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write(b"go\n")
            await process.stdin.drain()
        outputs = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in processes)), 60)
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
    assert all(p.returncode == 0 for p in processes)
    turns = [float(line) for out, _ in outputs for line in out.split()]
    assert len(turns) == 2 * count
    assert_spaced(turns, interval)


async def test_a_failure_never_takes_a_position_from_a_twin(
    runtime: Runtime, stub: NominatimStub
) -> None:
    rt = geo_runtime(runtime, stub.url)
    ctx = await make_tenant_context(rt)
    street = f"Hauptstraße {unique('t')}"
    placed = await ctx.customer(addresses=[berlin(street)])
    worker = geocoding_worker(rt, ctx)
    await drain(worker)
    # The same text again, while the cache holds nothing for it (as after a lost cache row).
    key = address_key(street, "10115", "Berlin", "DE")
    async with rt.database.write():
        gone = await rt.database.fetch("DELETE FROM geocode_cache WHERE key = {} RETURNING id", key)
    assert len(gone) == 1
    stub.behaviour = "refused"
    twin = await ctx.customer(addresses=[berlin(street)])
    await drain(worker)
    [kept] = await addresses(ctx, placed.id)
    [failed] = await addresses(ctx, twin.id)
    assert (kept.geo_state, kept.latitude) == (GeoState.LOCATED, 52.52)
    assert (failed.geo_state, failed.latitude) == (GeoState.FAILED, None)
