"""What applying one mutation needs (:class:`Step`) and what it did (:class:`Effect`), and the
helpers every kind shares: access checks, conflict records, and merging a patch into an entity."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from sync.entities import WHOLE_ENTITY
from sync.errors import Code, MutationRejected
from sync.merge import ABSENT, FieldConflict, merge
from sync.protocol import ConflictRecord, Mutation, Outcome
from sync.store import Action, Actor, EntityState, SyncTransaction, Target

__all__ = ["Effect", "Step", "merge_into", "require", "whole_entity_conflict"]

_CONFLICT_IDS = uuid.UUID("6f0c6d1e-5d0b-4d38-9d2c-0d3c55f1a021")


@dataclass(frozen=True, slots=True)
class Step:
    tx: SyncTransaction
    actor: Actor
    client_id: str
    mutation: Mutation
    now: dt.datetime

    async def allow(self, action: Action, target: Target) -> None:
        if not await self.tx.can(self.actor, action, target, self.now):
            raise MutationRejected(Code.FORBIDDEN, f"not allowed to {action} this {target.entity}")

    async def record(self, target: Target, found: FieldConflict) -> ConflictRecord:
        """Keep the losing value in a conflict record (id derived from client, mutation, field)."""
        name = f"{self.client_id}/{self.mutation.id}/{found.field}/{found.key}"
        record = ConflictRecord(
            id=str(uuid.uuid5(_CONFLICT_IDS, name)),
            customer_id=target.customer_id,
            entity=target.entity,
            entity_id=target.entity_id,
            field=found.field,
            key=found.key,
            base=_wire(found.base),
            mine=_wire(found.mine),
            theirs=_wire(found.theirs),
            by=self.actor.user_id,
            by_name=self.actor.display_name,
            device=self.actor.device,
            at=self.now,
            device_time=self.mutation.device_time,
        )
        await self.tx.put_conflict(record)
        return record


@dataclass(frozen=True, slots=True)
class Effect:
    outcome: Outcome
    target: Target
    revision: int | None = None
    conflicts: tuple[ConflictRecord, ...] = ()


def require(condition: bool, message: str, code: Code = Code.INVALID) -> None:
    if not condition:
        raise MutationRejected(code, message)


def _wire(value: Any) -> Any:
    return msgspec.UNSET if value is ABSENT else value


def from_wire(value: Any) -> Any:
    return ABSENT if value is msgspec.UNSET else value


async def whole_entity_conflict(step: Step, state: EntityState, base: Any, mine: Any) -> Effect:
    """One side deleted the entity, the other changed it: the server state stays."""
    theirs = ABSENT if state.deleted else dict(state.fields)
    record = await step.record(state.target, FieldConflict(WHOLE_ENTITY, None, base, mine, theirs))
    return Effect(Outcome.CONFLICT, state.target, state.revision, (record,))


async def merge_into(
    step: Step, state: EntityState, base: Mapping[str, Any], patch: Mapping[str, Any]
) -> Effect:
    """Merge a change made on ``base`` into the entity; write what merges, record conflicts."""
    if state.deleted:
        return await whole_entity_conflict(step, state, dict(base), dict(patch))
    result = merge(base, patch, state.fields)
    revision = state.revision
    if result.patch:
        revision = (await step.tx.write(state.target, result.patch)).revision
    records = [await step.record(state.target, found) for found in result.conflicts]
    if records:
        return Effect(Outcome.CONFLICT, state.target, revision, tuple(records))
    outcome = Outcome.MERGED if result.merged else Outcome.APPLIED
    return Effect(outcome, state.target, revision)
