"""Push: apply a client's mutations in order, exactly once.

The client numbers its mutations 1, 2, 3, … The ledger holds the last id applied for it:

- an id at or below it is a ``duplicate``: answered, not applied again;
- the next id (last + 1) is applied (or rejected for good) and the ledger moves on, in the same
  transaction as the effect and its audit line (recorded once per batch, at its end);
- any other id is ``out_of_order``; after a mutation that is rejected for now (``missing_blob``)
  or out of order, the rest of the batch is ``blocked``: nothing skips ahead of an earlier change.

The whole batch is one transaction: a crash before commit leaves nothing, and the client's retry
applies it then; a crash after commit makes the retry answer ``duplicate``.
"""

from __future__ import annotations

import datetime as dt

from sync.apply import apply_mutation
from sync.effects import Step
from sync.entities import Entity
from sync.errors import RETRY_CODES, Code, MutationRejected, SyncRefused
from sync.protocol import (
    MAX_BATCH,
    Mutation,
    MutationResult,
    Outcome,
    PushRequest,
    PushResponse,
)
from sync.store import Actor, AuditEntry, SyncStore, Target
from sync.versions import check_client

__all__ = ["push"]


async def push(
    store: SyncStore, actor: Actor, request: PushRequest, now: dt.datetime
) -> PushResponse:
    """Apply ``request``; raises :class:`SyncRefused` (nothing applied) for a bad request."""
    check_client(request.protocol_version, request.client_id)
    if now.tzinfo is None:
        raise ValueError("now must carry a time zone")
    if len(request.mutations) > MAX_BATCH:
        raise SyncRefused(Code.INVALID, f"at most {MAX_BATCH} mutations per push")
    if any(m.id < 1 for m in request.mutations):
        raise SyncRefused(Code.INVALID, "mutation ids start at 1")
    results: list[MutationResult] = []
    async with store.transaction() as tx:
        last = first_last = await tx.last_mutation_id(request.client_id)
        await tx.prefetch([(m.entity, m.entity_id) for m in request.mutations if m.id > last])
        stopped = False
        for mutation in request.mutations:
            if mutation.id <= last:
                results.append(MutationResult(id=mutation.id, outcome=Outcome.DUPLICATE))
            elif stopped or mutation.id != last + 1:
                code = Code.BLOCKED if stopped else Code.OUT_OF_ORDER
                results.append(_rejected(mutation, code, f"expected mutation {last + 1}"))
                stopped = True
            else:
                step = Step(tx, actor, request.client_id, mutation, now)
                result = await _apply(step)
                results.append(result)
                if result.retry:
                    stopped = True
                    continue
                last = mutation.id
        if last > first_last:
            await tx.record_mutation(request.client_id, last)
    return PushResponse(results=results)


async def _apply(step: Step) -> MutationResult:
    m = step.mutation
    try:
        effect = await apply_mutation(step)
    except MutationRejected as rejected:
        result = _rejected(m, rejected.code, rejected.message)
        if not result.retry:
            customer_id = m.customer_id or (m.entity_id if m.entity is Entity.CUSTOMER else "")
            target = Target(m.entity, m.entity_id, customer_id)
            await _audit(step, target, Outcome.REJECTED, rejected.code)
        return result
    await _audit(step, effect.target, effect.outcome, None)
    return MutationResult(
        id=m.id, outcome=effect.outcome, conflicts=list(effect.conflicts), revision=effect.revision
    )


def _rejected(mutation: Mutation, code: Code | str, message: str) -> MutationResult:
    return MutationResult(
        id=mutation.id,
        outcome=Outcome.REJECTED,
        code=code,
        message=message,
        retry=code in RETRY_CODES,
    )


async def _audit(step: Step, target: Target, outcome: Outcome, code: Code | str | None) -> None:
    m = step.mutation
    details: dict[str, object] = {
        "client_id": step.client_id,
        "mutation_id": m.id,
        "outcome": outcome.value,
    }
    if code is not None:
        details["code"] = str(code)
    entry = AuditEntry(m.kind.value, target, details, m.device_time)
    await step.tx.audit(step.actor, entry, step.now)
