"""Measure: the last visit of a map page of 200 customers (``lastVisitAt``), where every customer
has 100 visits against where every customer has one (docs/adr/0029).

5,000 customers in one tenant: the first 2,500 with 100 visits each, the others with one (252,500
visits), made by bulk SQL that both engines run. A run is
:meth:`~backend.visits.service.VisitService.last_visits` for 200 customers of one half, as the
map's page asks it; the halves alternate. With one index probe per customer the two cost the same
(ratio near 1); reading every visit would make the first half a hundred times dearer.

    python -m bench.last_visits [--engine sqlite|postgres|both] [--runs 50]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os

from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from bench.catalog import make_catalog
from bench.databases import ENGINES, bench_runtime, postgres_admin_url
from bench.nearby import _analyze, _series, _uuid
from bench.timing import Side, Timing, interleaved

__all__ = ["run_last_visits_benchmark"]

CUSTOMERS = 5_000
MANY = 100
PAGE = 200


async def _seed(runtime: Runtime, tenant_id: str, user_id: str, customers: int) -> None:
    engine = "postgres" if runtime.database.is_postgres else "sqlite"
    tenant = "{}::uuid" if engine == "postgres" else "{}"
    now = dt.datetime(2030, 1, 15, tzinfo=dt.UTC)
    half = customers // 2
    made = (
        _series(customers)
        + "INSERT INTO customer (id, tenant, erp_number, name, name_folded, status, key_data, "
        f"revision, created_at, updated_at) SELECT {_uuid(engine, 'a1a1a1a1')}, {tenant}, "
        "'V-' || n, 'Visited ' || n, 'visited ' || n, 'active', {}, 1, {}, {} FROM series"
    )
    # The first half * MANY visits go round the first half; each later one to one customer.
    busy = half * MANY
    total = busy + (customers - half)
    customer_of = f"CASE WHEN n <= {busy} THEN ((n - 1) % {half}) + 1 ELSE n - {busy} + {half} END"
    if engine == "postgres":
        owner = f"('a1a1a1a1-0000-4000-8000-' || lpad(to_hex({customer_of}), 12, '0'))::uuid"
        at = "{}::timestamptz - make_interval(days => CAST(n % 700 AS INTEGER))"
    else:
        owner = f"printf('a1a1a1a1-0000-4000-8000-%012x', {customer_of})"
        at = "strftime('%Y-%m-%d %H:%M:%S+00:00', '2030-01-15', '-' || (n % 700) || ' days')"
    visits = (
        _series(total)
        + "INSERT INTO customer_visit (id, tenant, customer, user_id, visited_at, note, latitude, "
        f"longitude, created_at) SELECT {_uuid(engine, 'e1e1e1e1')}, {tenant}, {owner}, "
        f"{'{}::uuid' if engine == 'postgres' else '{}'}, {at}, '', NULL, NULL, {{}} FROM series"
    )
    with tenant_scope(tenant_id):
        async with runtime.database.write():
            await runtime.database.fetch(made, tenant_id, "{}", now, now)
            if engine == "postgres":
                await runtime.database.fetch(visits, tenant_id, user_id, now, now)
            else:
                await runtime.database.fetch(visits, tenant_id, user_id, now)
    await _analyze(runtime)
    if runtime.database.is_postgres:
        import asyncpg

        connection = await asyncpg.connect(runtime.settings.database.migration_url)
        try:
            await connection.execute("VACUUM ANALYZE customer_visit")
        finally:
            await connection.close()


async def run_last_visits_benchmark(
    runtime: Runtime, *, runs: int, warmup: int, customers: int = CUSTOMERS
) -> tuple[Timing, Timing, int]:
    """Timings of a page of busy customers and of quiet ones, and how many visits there are.
    The customers' ids are fixed: one run per database."""
    catalog = await make_catalog(runtime, users=1)
    principal = catalog.principal
    await _seed(runtime, catalog.tenant.id, principal.user_id, customers)
    ids = [f"a1a1a1a1-0000-4000-8000-{n:012x}" for n in range(1, customers + 1)]
    page_size = min(PAGE, customers // 2)
    busy, quiet = ids[:page_size], ids[customers // 2 : customers // 2 + page_size]
    with tenant_scope(catalog.tenant.id):
        rows = await runtime.database.fetch(
            "SELECT count(*) AS n FROM customer_visit WHERE tenant = {}", catalog.tenant.id
        )
    visits = int(rows[0]["n"])

    def check(result: list[dt.datetime | None]) -> None:
        if len(result) != page_size or any(r is None for r in result):
            raise AssertionError("every customer of the page has a last visit")

    def page(of: list[str]) -> Side[list[dt.datetime | None]]:
        return Side(lambda: runtime.services().visits.last_visits(principal, of), check)

    many, one = await interleaved(page(busy), page(quiet), runs=runs, warmup=warmup)
    return many, one, visits


async def _main(engines: list[str], runs: int) -> None:
    for engine in engines:
        async with bench_runtime(engine, postgres_admin_url(os.environ)) as runtime:
            many, one, visits = await run_last_visits_benchmark(runtime, runs=runs, warmup=5)
        print(
            f"{engine:<8}  {visits:,} visits, {PAGE} customers a page: "
            f"{MANY} visits each p50 {many.p50:.2f} ms p95 {many.p95:.2f} ms; "
            f"1 visit each p50 {one.p50:.2f} ms p95 {one.p95:.2f} ms; "
            f"p95 ratio {many.p95 / one.p95:.2f}×"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", choices=[*ENGINES, "both"], default="both")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(_main(list(ENGINES) if args.engine == "both" else [args.engine], args.runs))
