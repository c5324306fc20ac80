"""Measure: a push of N mutations (default 10,000: title changes of documents, in batches of the
protocol's largest size) against a raw bulk insert of the rows they add (one history row each)
in one transaction (budget: at most 3×).

The push side is the whole path a device's batch takes on the server minus HTTP: the engine's
push over the Piccolo store, the domain's rules per mutation (validation, access, history, index,
audit; applied through one metadata batch per push, docs/adr/0028), one audit line per mutation
(docs/adr/0035), the ledger and the change feed.

Both sides are timed in alternating rounds (three by default) on the same dossier, and each
side's median is compared: on a shared machine one round of either side moves by a third from
run to run. Before timing, the heap is frozen and the collector tuned as the server does after
start-up (:func:`backend.http.app.freeze_startup_objects`).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import uuid
from dataclasses import dataclass

from backend.documents.tables import MetadataChangeTable
from backend.http.app import freeze_startup_objects
from backend.offline.store import PiccoloSyncStore
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from bench.seed import SeededDossier, seed_dossier
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
    push_rounds: tuple[float, ...]
    raw_rounds: tuple[float, ...]

    @property
    def push_seconds(self) -> float:
        return statistics.median(self.push_rounds)

    @property
    def raw_seconds(self) -> float:
        return statistics.median(self.raw_rounds)

    @property
    def ratio(self) -> float:
        return self.push_seconds / self.raw_seconds


class _Edits:
    """Title edits of the dossier's documents, round after round, from one device."""

    def __init__(self, titles: dict[str, str]) -> None:
        self.titles = titles
        self.ids = list(titles)
        self.next_id = 1
        self.client_id = uuid.uuid4().hex

    def batches(self, mutations: int) -> list[list[Mutation]]:
        batches: list[list[Mutation]] = []
        batch: list[Mutation] = []
        for n in range(mutations):
            document_id = self.ids[n % len(self.ids)]
            new = f"Title {self.next_id}"
            batch.append(
                Mutation(
                    id=self.next_id,
                    kind=MutationKind.UPDATE,
                    entity=Entity.DOCUMENT,
                    entity_id=document_id,
                    base={"title": self.titles[document_id]},
                    patch={"title": new},
                )
            )
            self.titles[document_id] = new
            self.next_id += 1
            if len(batch) == MAX_BATCH:
                batches.append(batch)
                batch = []
        if batch:
            batches.append(batch)
        return batches


async def _push(runtime: Runtime, dossier: SeededDossier, edits: _Edits, mutations: int) -> float:
    batches = edits.batches(mutations)
    principal = dossier.principal
    actor = Actor(principal.user_id, principal.display_name, "bench")
    started = time.perf_counter()
    for mutations_of_batch in batches:
        store = PiccoloSyncStore(runtime.database, runtime.services(), principal, runtime.clock)
        request = PushRequest(
            client_id=edits.client_id,
            protocol_version=PROTOCOL_VERSION,
            mutations=mutations_of_batch,
        )
        response = await push(store, actor, request, runtime.clock())
        bad = [r for r in response.results if r.outcome is not Outcome.APPLIED]
        if bad:
            raise AssertionError(f"not applied: {bad[0]}")
    return time.perf_counter() - started


async def _raw_insert(
    runtime: Runtime, dossier: SeededDossier, ids: list[str], mutations: int, first_revision: int
) -> float:
    tenant = dossier.tenant_id
    at = dt.datetime.now(dt.UTC)
    history = [
        MetadataChangeTable(
            id=uuid.uuid4(),
            tenant=tenant,
            document=ids[n % len(ids)],
            revision=first_revision + n,
            field="title",
            old_value='"old"',
            new_value=f'"Title {n}"',
            changed_at=at,
            changed_by=dossier.principal.user_id,
        )
        for n in range(mutations)
    ]
    started = time.perf_counter()
    with tenant_scope(tenant):
        async with runtime.database.write():
            for start in range(0, len(history), MAX_BATCH):
                await MetadataChangeTable.insert(*history[start : start + MAX_BATCH])
    return time.perf_counter() - started


async def run_sync_push_benchmark(
    runtime: Runtime, *, engine: str, mutations: int = 10_000, documents: int = 500, rounds: int = 3
) -> SyncPushResult:
    dossier = await seed_dossier(runtime, documents=documents, other_customers=0)
    tenant = dossier.tenant_id
    with tenant_scope(tenant):
        rows = await runtime.database.fetch(
            "SELECT id, title FROM document WHERE tenant = {} AND customer = {} ORDER BY id",
            tenant,
            dossier.customer_id,
        )
    edits = _Edits({str(r["id"]): str(r["title"]) for r in rows})
    freeze_startup_objects()
    push_rounds: list[float] = []
    raw_rounds: list[float] = []
    for round_ in range(rounds):
        push_rounds.append(await _push(runtime, dossier, edits, mutations))
        first_revision = 1_000_000 * (round_ + 1)
        raw_rounds.append(await _raw_insert(runtime, dossier, edits.ids, mutations, first_revision))
    return SyncPushResult(engine, mutations, tuple(push_rounds), tuple(raw_rounds))


def format_push_table(results: list[SyncPushResult]) -> str:
    head = "engine    push of mutations   push s   raw bulk insert s   ratio"
    lines = [f"{head}  verdict", "-" * (len(head) + 9)]
    for r in results:
        verdict = "PASS" if r.ratio <= BUDGET else "FAIL"
        lines.append(
            f"{r.engine:<8}  {r.mutations:>16,}  {r.push_seconds:7.2f}  {r.raw_seconds:18.3f}  "
            f"{r.ratio:6.1f}×  {verdict} (≤ {BUDGET:g}×)"
        )
    rounds = max((len(r.push_rounds) for r in results), default=0)
    if rounds > 1:
        lines.append(f"(medians of {rounds} alternating rounds; each round's ratio:")
        for r in results:
            each = ", ".join(
                f"{p:.2f}/{w:.2f}={p / w:.1f}×"
                for p, w in zip(r.push_rounds, r.raw_rounds, strict=True)
            )
            lines.append(f"  {r.engine}: {each})")
    return "\n".join(lines)
