"""Resolving a conflict record: keep mine, keep theirs, or a new value.

A resolution is an ordinary change made on the value the person saw (``theirs``): if the server
value moved on since, it merges or conflicts again like any other edit; server order decides.
For a whole-entity conflict (``field`` ``*``) keeping mine of a delete deletes the entity when it
is still as the person saw it; keeping an edit of a deleted entity is refused (``gone``): a deleted
entity never comes back.
"""

from __future__ import annotations

from typing import Any

import msgspec

from sync.effects import Effect, Step, from_wire, merge_into, require, whole_entity_conflict
from sync.entities import WHOLE_ENTITY, Entity
from sync.errors import Code
from sync.merge import ABSENT, same
from sync.protocol import Choice, ConflictRecord, Outcome, Resolution
from sync.store import Action, EntityState, Target

__all__ = ["resolve"]


async def resolve(step: Step) -> Effect:
    m = step.mutation
    resolution = m.resolution
    require(resolution is not None, "resolve needs a resolution")
    assert resolution is not None
    record = await step.tx.read_conflict(m.entity_id)
    require(record is not None, f"no conflict {m.entity_id}", Code.UNKNOWN_ENTITY)
    assert record is not None
    target = Target(record.entity, record.entity_id, record.customer_id)
    await step.allow(Action.WRITE, target)
    require(record.resolution is None, "the conflict was resolved before", Code.ALREADY_RESOLVED)
    state = await step.tx.read(record.entity, record.entity_id)
    require(state is not None, f"no {record.entity} {record.entity_id}", Code.UNKNOWN_ENTITY)
    assert state is not None
    if resolution.choice is Choice.KEEP_THEIRS:
        effect = Effect(Outcome.APPLIED, state.target, state.revision)
    elif record.field == WHOLE_ENTITY:
        effect = await _keep_whole(step, record, resolution, state)
    else:
        effect = await _keep_value(step, record, _chosen(record, resolution), state)
    resolved = msgspec.structs.replace(
        record, resolution=resolution, resolved_by=step.actor.user_id, resolved_at=step.now
    )
    await step.tx.put_conflict(resolved)
    return effect


def _chosen(record: ConflictRecord, resolution: Resolution) -> Any:
    if resolution.choice is Choice.KEEP_MINE:
        return from_wire(record.mine)
    require(
        resolution.value is not msgspec.UNSET or record.key is not None,
        "new_value needs a value",
    )
    return from_wire(resolution.value)


async def _keep_whole(
    step: Step, record: ConflictRecord, resolution: Resolution, state: EntityState
) -> Effect:
    require(resolution.choice is Choice.KEEP_MINE, "a whole-entity conflict takes mine or theirs")
    require(record.mine is msgspec.UNSET, "a deleted entity does not come back", Code.GONE)
    if state.deleted:
        return Effect(Outcome.MERGED, state.target, state.revision)
    if not same(dict(state.fields), from_wire(record.theirs)):
        return await whole_entity_conflict(step, state, from_wire(record.theirs), ABSENT)
    action = Action.DELETE if record.entity is Entity.DOCUMENT else Action.WRITE
    await step.allow(action, state.target)
    return Effect(Outcome.APPLIED, state.target, (await step.tx.delete(state.target)).revision)


async def _keep_value(
    step: Step, record: ConflictRecord, chosen: Any, state: EntityState
) -> Effect:
    theirs = from_wire(record.theirs)
    if record.key is None:
        base = {} if theirs is ABSENT else {record.field: theirs}
        return await merge_into(step, state, base, {record.field: chosen})
    current = state.fields.get(record.field)
    current = dict(current) if isinstance(current, dict) else {}
    return await merge_into(
        step,
        state,
        {record.field: _with_key(current, record.key, theirs)},
        {record.field: _with_key(current, record.key, chosen)},
    )


def _with_key(values: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    changed = {k: v for k, v in values.items() if k != key}
    if value is not ABSENT:
        changed[key] = value
    return changed
