"""Measure: a pull of 10 changes from a 10,000-document dossier against the same pull from a
100-document dossier (budget: at most 1.5×).

Both dossiers are seeded in bulk and given the feed their documents would have had (document,
register assignment, version and rendition per document), then 10 documents of each are renamed
through the service. The timed call is the engine's pull over the Piccolo store from the cursor
before the renames: its cost must follow the changes, not the dossier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backend.changes.models import ChangeDraft, Entity, Op, assignment_id
from backend.changes.repository import PiccoloChangeFeed, append_changes
from backend.documents.models import MetadataPatch
from backend.offline.store import PiccoloSyncStore
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from bench.seed import SeededDossier, seed_dossier
from bench.timing import Side, Timing, interleaved
from sync.protocol import PROTOCOL_VERSION, PullRequest, PullResponse
from sync.pull import pull
from sync.store import Actor

__all__ = ["BUDGET", "SyncPullResult", "format_pull_table", "run_sync_pull_benchmark"]

BUDGET = 1.5
CHANGES = 10


@dataclass(frozen=True, slots=True)
class SyncPullResult:
    engine: str
    large: Timing
    small: Timing
    large_documents: int
    small_documents: int

    @property
    def ratio_p50(self) -> float:
        return self.large.p50 / self.small.p50

    @property
    def ratio_p95(self) -> float:
        return self.large.p95 / self.small.p95


async def _give_feed(runtime: Runtime, dossier: SeededDossier) -> None:
    """The feed rows the seeded documents would have written through the app."""
    tenant, customer = dossier.tenant_id, dossier.customer_id
    at = dt.datetime.now(dt.UTC)
    with tenant_scope(tenant):
        rows = await runtime.database.fetch(
            "SELECT d.id AS document, v.id AS version, r.register AS register FROM document d "
            "JOIN document_version v ON v.document = d.id "
            "LEFT JOIN document_register r ON r.document = d.id "
            "WHERE d.tenant = {} AND d.customer = {} ORDER BY d.id",
            tenant,
            customer,
        )
        drafts: list[ChangeDraft] = []
        for row in rows:
            document, version = str(row["document"]), str(row["version"])
            drafts.append(ChangeDraft(tenant, customer, Entity.DOCUMENT, document, Op.PUT, at))
            if row["register"] is not None:
                entity_id = assignment_id(document, str(row["register"]))
                drafts.append(
                    ChangeDraft(tenant, customer, Entity.REGISTER_ASSIGNMENT, entity_id, Op.PUT, at)
                )
            for entity in (Entity.VERSION, Entity.RENDITION):
                drafts.append(ChangeDraft(tenant, customer, entity, version, Op.PUT, at))
        async with runtime.database.write():
            await append_changes(drafts)


async def _prepared(runtime: Runtime, documents: int) -> tuple[SeededDossier, int]:
    """A seeded dossier with its feed, and the cursor before its last 10 changes."""
    dossier = await seed_dossier(runtime, documents=documents, other_customers=0)
    await _give_feed(runtime, dossier)
    with tenant_scope(dossier.tenant_id):
        ids = await runtime.database.fetch(
            "SELECT id FROM document WHERE tenant = {} AND customer = {} ORDER BY id LIMIT {}",
            dossier.tenant_id,
            dossier.customer_id,
            CHANGES,
        )
    cursor = await PiccoloChangeFeed().head(dossier.tenant_id)
    services = runtime.services()
    for n, row in enumerate(ids):
        await services.documents.update_metadata(
            dossier.principal, str(row["id"]), MetadataPatch(title=f"Renamed {n}")
        )
    return dossier, cursor


def _side(runtime: Runtime, dossier: SeededDossier, cursor: int) -> Side[PullResponse]:
    principal = dossier.principal
    actor = Actor(principal.user_id, principal.display_name, "bench")
    request = PullRequest(
        client_id="bench",
        protocol_version=PROTOCOL_VERSION,
        cursors={dossier.customer_id: cursor},
    )

    async def run() -> PullResponse:
        store = PiccoloSyncStore(
            runtime.database, runtime.services(), principal, runtime.clock, writes=False
        )
        return await pull(store, actor, request, runtime.clock())

    def check(response: PullResponse) -> None:
        got = response.changes.get(dossier.customer_id, [])
        if len(got) != CHANGES or response.has_more:
            raise AssertionError(f"expected {CHANGES} changes, got {len(got)}")

    return Side(run, check)


async def run_sync_pull_benchmark(
    runtime: Runtime,
    *,
    engine: str,
    runs: int,
    warmup: int | None,
    large: int = 10_000,
    small: int = 100,
) -> SyncPullResult:
    big, big_cursor = await _prepared(runtime, large)
    little, little_cursor = await _prepared(runtime, small)
    large_timing, small_timing = await interleaved(
        _side(runtime, big, big_cursor),
        _side(runtime, little, little_cursor),
        runs=runs,
        warmup=warmup if warmup is not None else max(3, runs // 10),
    )
    return SyncPullResult(engine, large_timing, small_timing, large, small)


def format_pull_table(results: list[SyncPullResult]) -> str:
    head = (
        "engine    pull of 10 changes   large p50/p95 ms   small p50/p95 ms   ratio p50  ratio p95"
    )
    lines = [f"{head}  verdict", "-" * (len(head) + 9)]
    for r in results:
        verdict = "PASS" if max(r.ratio_p50, r.ratio_p95) <= BUDGET else "FAIL"
        what = f"{r.large_documents:,} vs {r.small_documents:,}"
        lines.append(
            f"{r.engine:<8}  {what:<19}  {r.large.p50:7.2f} / {r.large.p95:7.2f}  "
            f"{r.small.p50:7.2f} / {r.small.p95:6.2f}  {r.ratio_p50:8.2f}×  "
            f"{r.ratio_p95:8.2f}×  {verdict} (≤ {BUDGET}×)"
        )
    return "\n".join(lines)
