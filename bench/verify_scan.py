"""Measure: ``dossier verify``'s chain check against a plain scan of the same audit table.

A tenant gets ``events`` sealed audit events (written in bulk, outside the application: seeding
is not what is measured). The plain scan reads every event of the tenant through the repository
the verifier uses, in the same batches, and does nothing with them; verification reads the same
rows and re-hashes every event, checks every link and builds the Merkle tree
(:func:`backend.audit.verification.verify_archive` for that tenant). Both run in turn, a few times.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg

from backend.audit.events import GENESIS_HASH, JSONValue, seal
from backend.audit.repository import PiccoloAuditRepository
from backend.audit.verification import verify_archive
from backend.runtime import Runtime
from bench.timing import Timing

__all__ = ["VerifyScanResult", "format_verify_table", "run_verify_benchmark"]

BUDGET = 3.0


@dataclass(frozen=True, slots=True)
class VerifyScanResult:
    engine: str
    events: int
    verify: Timing
    scan: Timing
    seed_seconds: float

    @property
    def ratio(self) -> float:
        return self.verify.p50 / self.scan.p50


def _rows(tenant_id: str, count: int) -> list[tuple[Any, ...]]:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    prev, rows = GENESIS_HASH, list[tuple[Any, ...]]()
    for seq in range(1, count + 1):
        details: dict[str, JSONValue] = {
            "version": seq % 7,
            "title": f"Rechnung {seq}",
            "note": "Zażółć",
        }
        event = seal(
            tenant_id=tenant_id,
            seq=seq,
            occurred_at=start + dt.timedelta(seconds=seq),
            actor_id=None,
            device="bench",
            action="document.view",
            target_type="document",
            target_id=str(uuid.UUID(int=seq)),
            details=details,
            prev_hash=prev,
        )
        prev = event.hash
        rows.append(
            (
                str(uuid.uuid4()),
                tenant_id,
                seq,
                event.occurred_at,
                None,
                "bench",
                event.action,
                event.target_type,
                event.target_id,
                json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
                event.prev_hash,
                event.hash,
            )
        )
    return rows


async def _seed(runtime: Runtime, count: int) -> tuple[str, str]:
    slug = f"verify-bench-{uuid.uuid4().hex[:8]}"
    tenant = await runtime.services().catalog.create_tenant(slug, "Verify bench")
    # The tenant's own first event (tenant.create) is replaced by the synthetic chain.
    rows = _rows(tenant.id, count)
    columns = (
        "id",
        "tenant",
        "seq",
        "occurred_at",
        "actor",
        "device",
        "action",
        "target_type",
        "target_id",
        "details",
        "prev_hash",
        "hash",
    )
    engine = runtime.database.engine
    if engine.engine_type == "sqlite":
        with sqlite3.connect(engine.path) as connection:  # type: ignore[attr-defined]
            connection.execute("DROP TRIGGER audit_event_no_delete")
            connection.execute("DELETE FROM audit_event WHERE tenant = ?", (tenant.id,))
            connection.execute(
                "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'rows of audit_event are append-only'); END"
            )
            connection.executemany(
                f"INSERT INTO audit_event ({', '.join(columns)}) VALUES ({', '.join('?' * 12)})",
                [(*r[:3], r[3].isoformat(), *r[4:]) for r in rows],
            )
            connection.execute(
                "UPDATE audit_head SET seq = ?, hash = ? WHERE tenant = ?",
                (count, rows[-1][-1], tenant.id),
            )
    else:
        # As the owner: lifting triggers is not the application role's to do.
        connection = await asyncpg.connect(runtime.settings.database.migration_url)
        try:
            async with connection.transaction():
                await connection.execute("ALTER TABLE audit_event DISABLE TRIGGER USER")
                await connection.execute(
                    "DELETE FROM audit_event WHERE tenant = $1", uuid.UUID(tenant.id)
                )
                await connection.execute("ALTER TABLE audit_event ENABLE TRIGGER USER")
                await connection.copy_records_to_table(
                    "audit_event",
                    records=[(uuid.UUID(str(r[0])), uuid.UUID(tenant.id), *r[2:]) for r in rows],
                    columns=columns,
                )
                await connection.execute(
                    "UPDATE audit_head SET seq = $1, hash = $2 WHERE tenant = $3",
                    count,
                    rows[-1][-1],
                    uuid.UUID(tenant.id),
                )
                await connection.execute("ANALYZE audit_event")
        finally:
            await connection.close()
    return tenant.id, slug


async def run_verify_benchmark(
    runtime: Runtime, *, engine: str, events: int, runs: int = 3
) -> VerifyScanResult:
    started = time.perf_counter()
    tenant_id, slug = await _seed(runtime, events)
    seeded = time.perf_counter() - started
    repo = PiccoloAuditRepository()

    async def scan() -> int:
        n = 0
        async for batch in repo.chain(tenant_id):
            n += len(batch)
        return n

    verify_ms: list[float] = []
    scan_ms: list[float] = []
    for _ in range(runs):
        t = time.perf_counter()
        assert await scan() == events
        scan_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        report = await verify_archive(runtime, tenant_slug=slug)
        verify_ms.append((time.perf_counter() - t) * 1000)
        assert report.clean, report.problems[:3]
        assert report.events == events
    return VerifyScanResult(
        engine, events, Timing(tuple(verify_ms)), Timing(tuple(scan_ms)), seeded
    )


def format_verify_table(results: list[VerifyScanResult]) -> str:
    head = "engine    events      verify p50 s  plain scan p50 s  ratio  verdict"
    lines = [head, "-" * len(head)]
    for r in results:
        verdict = "PASS" if r.ratio <= BUDGET else "FAIL"
        lines.append(
            f"{r.engine:<8}  {r.events:>10,}  {r.verify.p50 / 1000:12.2f}  "
            f"{r.scan.p50 / 1000:16.2f}  {r.ratio:4.2f}×  {verdict} (≤ {BUDGET}×); "
            f"seeded in {r.seed_seconds:.0f} s"
        )
    return "\n".join(lines)
