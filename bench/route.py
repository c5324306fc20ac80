"""Measure: planning a route of 50 stops (budget: ≤ 200 ms, and within 10 % of the best of 20
random restarts of the same heuristic).

A tenant has 400 customers with positions spread over a region of about 150 × 150 km (a sales
rep's territory). Each run picks 50 of them and a start with a fixed seed and plans a round trip
through :meth:`~backend.geo.service.GeoService.plan_route` as a request does (lookup of the
customers' addresses with the caller's visibility, distance matrix, nearest neighbour with 2-opt
and Or-opt); the time is the whole call. Its length is then compared (untimed) with the best of
20 runs of the same local search from random first tours on the same distances.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from backend.customers.models import Address, AddressKind, CustomerDraft
from backend.geo.distance import distance_km
from backend.geo.models import Point
from backend.geo.route import random_restart, tour_length
from backend.runtime import Runtime
from bench.catalog import make_catalog
from bench.timing import Timing

__all__ = ["BUDGET_MS", "QUALITY", "RouteResult", "format_route_table", "run_route_benchmark"]

BUDGET_MS = 200.0
QUALITY = 1.10
CUSTOMERS = 400


@dataclass(frozen=True, slots=True)
class RouteResult:
    engine: str
    stops: int
    restarts: int
    timing: Timing
    ratios: tuple[float, ...]
    """Planned length / best of the random restarts, per run."""

    @property
    def worst_ratio(self) -> float:
        return max(self.ratios)

    @property
    def mean_ratio(self) -> float:
        return sum(self.ratios) / len(self.ratios)


async def run_route_benchmark(
    runtime: Runtime,
    *,
    engine: str,
    runs: int,
    warmup: int,
    stops: int = 50,
    restarts: int = 20,
    customers: int = CUSTOMERS,
) -> RouteResult:
    catalog = await make_catalog(runtime, users=1)
    rng = random.Random(50)
    services = runtime.services()
    ids = []
    for n in range(max(customers, stops)):
        point = Point(50.0 + rng.uniform(0, 1.35), 19.0 + rng.uniform(0, 2.1))
        customer = await services.customers.create(
            catalog.principal,
            CustomerDraft(
                erp_number=f"R-{n:05d}",
                name=f"Route customer {n}",
                key_data={"segment": "a"},
                addresses=[
                    Address(
                        kind=AddressKind.DELIVERY,
                        street=f"Ulica {n}",
                        postal_code="30-001",
                        city="Kraków",
                        country="PL",
                        latitude=point.latitude,
                        longitude=point.longitude,
                    )
                ],
            ),
        )
        ids.append(customer.id)
    samples: list[float] = []
    ratios: list[float] = []
    for i in range(runs + warmup):
        chosen = rng.sample(ids, stops)
        start = Point(50.0 + rng.uniform(0, 1.35), 19.0 + rng.uniform(0, 2.1))
        geo = runtime.services().geo
        began = time.perf_counter_ns()
        plan = await geo.plan_route(catalog.principal, start, chosen, [], True)
        elapsed = (time.perf_counter_ns() - began) / 1e6
        if len(plan.stops) != stops:
            raise AssertionError(f"expected {stops} stops, got {len(plan.stops)}")
        if i < warmup:
            continue
        samples.append(elapsed)
        points = [start, *(s.point for s in plan.stops)]
        d = [[distance_km(a, b) for b in points] for a in points]
        planned = tour_length(list(range(len(points))), d, True)
        best = min(
            tour_length([0, *random_restart(d, True, random.Random(seed))], d, True)
            for seed in range(restarts)
        )
        ratios.append(planned / best)
    return RouteResult(engine, stops, restarts, Timing(tuple(samples)), tuple(ratios))


def format_route_table(results: list[RouteResult]) -> str:
    head = (
        "engine    route                  p50 ms   p95 ms   p95 / budget (200 ms)   "
        "length / best of restarts (worst, mean)"
    )
    lines = [f"{head}  verdict", "-" * (len(head) + 9)]
    for r in results:
        ratio = r.timing.p95 / BUDGET_MS
        ok = ratio <= 1 and r.worst_ratio <= QUALITY
        lines.append(
            f"{r.engine:<8}  {f'{r.stops} stops, round trip':<21}  {r.timing.p50:6.1f}  "
            f"{r.timing.p95:7.1f}  {ratio:20.2f}×   "
            f"{r.worst_ratio:6.3f} / {r.mean_ratio:5.3f} vs {r.restarts} restarts (≤ {QUALITY})"
            f"  {'PASS' if ok else 'FAIL'}"
        )
    return "\n".join(lines)
