"""Measure: a push of N mutations (default 10,000: title changes of documents, in batches of the
protocol's largest size) against a raw bulk insert of the rows they add (one history row each)
in one transaction (budget: at most 3×).

The push side is the whole path a device's batch takes on the server minus HTTP: the engine's
push over the Piccolo store, the domain's rules per mutation (validation, access, history, index,
audit; applied through one metadata batch per push, docs/adr/0028), the engine's audit line, the
ledger and the change feed.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass

from backend.documents.tables import MetadataChangeTable
from backend.offline.store import PiccoloSyncStore
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from bench.seed import seed_dossier
from sync.entities import Entity, MutationKind
from sync.protocol import MAX_BATCH, PROTOCOL_VERSION, Mutation, Outcome, PushRequest
from sync.push import push
from sync.store import Actor

__all__ = ["BUDGET", "SyncPushResult", "format_push_table", "run_sync_push_benchmark"]

BUDGET = 3.0


@dataclass(frozen=True, slots=True)
class SyncPushResult:
    engine: str
    mutations: int
    push_seconds: float
    raw_seconds: float

    @property
    def ratio(self) -> float:
        return self.push_seconds / self.raw_seconds


async def run_sync_push_benchmark(
    runtime: Runtime, *, engine: str, mutations: int = 10_000, documents: int = 500
) -> SyncPushResult:
    dossier = await seed_dossier(runtime, documents=documents, other_customers=0)
    tenant = dossier.tenant_id
    with tenant_scope(tenant):
        rows = await runtime.database.fetch(
            "SELECT id, title FROM document WHERE tenant = {} AND customer = {} ORDER BY id",
            tenant,
            dossier.customer_id,
        )
    titles = {str(r["id"]): str(r["title"]) for r in rows}
    ids = list(titles)
    batch: list[Mutation] = []
    batches: list[list[Mutation]] = []
    for n in range(mutations):
        document_id = ids[n % len(ids)]
        new = f"Title {n}"
        batch.append(
            Mutation(
                id=n + 1,
                kind=MutationKind.UPDATE,
                entity=Entity.DOCUMENT,
                entity_id=document_id,
                base={"title": titles[document_id]},
                patch={"title": new},
            )
        )
        titles[document_id] = new
        if len(batch) == MAX_BATCH:
            batches.append(batch)
            batch = []
    if batch:
        batches.append(batch)
    principal = dossier.principal
    actor = Actor(principal.user_id, principal.display_name, "bench")
    client_id = uuid.uuid4().hex
    started = time.perf_counter()
    for mutations_of_batch in batches:
        store = PiccoloSyncStore(runtime.database, runtime.services(), principal, runtime.clock)
        request = PushRequest(
            client_id=client_id, protocol_version=PROTOCOL_VERSION, mutations=mutations_of_batch
        )
        response = await push(store, actor, request, runtime.clock())
        bad = [r for r in response.results if r.outcome is not Outcome.APPLIED]
        if bad:
            raise AssertionError(f"not applied: {bad[0]}")
    push_seconds = time.perf_counter() - started

    at = dt.datetime.now(dt.UTC)
    history = [
        MetadataChangeTable(
            id=uuid.uuid4(),
            tenant=tenant,
            document=ids[n % len(ids)],
            revision=1000 + n,
            field="title",
            old_value='"old"',
            new_value=f'"Title {n}"',
            changed_at=at,
            changed_by=principal.user_id,
        )
        for n in range(mutations)
    ]
    started = time.perf_counter()
    with tenant_scope(tenant):
        async with runtime.database.write():
            for start in range(0, len(history), MAX_BATCH):
                await MetadataChangeTable.insert(*history[start : start + MAX_BATCH])
    raw_seconds = time.perf_counter() - started
    return SyncPushResult(engine, mutations, push_seconds, raw_seconds)


def format_push_table(results: list[SyncPushResult]) -> str:
    head = "engine    push of mutations   push s   raw bulk insert s   ratio"
    lines = [f"{head}  verdict", "-" * (len(head) + 9)]
    for r in results:
        verdict = "PASS" if r.ratio <= BUDGET else "FAIL"
        lines.append(
            f"{r.engine:<8}  {r.mutations:>16,}  {r.push_seconds:7.2f}  {r.raw_seconds:18.3f}  "
            f"{r.ratio:6.1f}×  {verdict} (≤ {BUDGET:g}×)"
        )
    return "\n".join(lines)
