"""Apply one mutation: check its shape, ask the access decision, then create, update, delete or
record a view. Raises :class:`~sync.errors.MutationRejected` for anything not applied."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sync.effects import Effect, Step, merge_into, require, whole_entity_conflict
from sync.entities import (
    BLOB_ENTITIES,
    CLIENT_FIELDS,
    KINDS_BY_ENTITY,
    REVIVABLE,
    Entity,
    MutationKind,
)
from sync.errors import Code, MutationRejected
from sync.leases import check_in, check_out, renew
from sync.merge import ABSENT, same
from sync.protocol import Outcome
from sync.resolve import resolve
from sync.store import Action, EntityState, Target

__all__ = ["apply_mutation"]

_SHA256 = re.compile(r"[0-9a-f]{64}")
_MAX_ID = 200


async def apply_mutation(step: Step) -> Effect:
    m = step.mutation
    require(0 < len(m.entity_id) <= _MAX_ID, "entity_id must be 1 to 200 characters")
    # Messages are made only for a refusal: formatting enums costs more than the checks.
    if m.kind not in KINDS_BY_ENTITY[m.entity]:
        raise MutationRejected(Code.INVALID, f"{m.entity} does not take {m.kind}")
    if m.kind in (MutationKind.CREATE, MutationKind.UPDATE):
        known = CLIENT_FIELDS[m.entity]
        if not (m.patch.keys() <= known and m.base.keys() <= known):
            unknown = sorted((m.patch.keys() | m.base.keys()) - known)
            raise MutationRejected(
                Code.INVALID, f"unknown fields of {m.entity}: {', '.join(unknown)}"
            )
    match m.kind:
        case MutationKind.CREATE:
            return await _create(step)
        case MutationKind.UPDATE:
            return await _update(step)
        case MutationKind.DELETE:
            return await _delete(step)
        case MutationKind.VIEW:
            return await _view(step)
        case MutationKind.RESOLVE:
            return await resolve(step)
        case MutationKind.CHECKOUT:
            return await check_out(step)
        case MutationKind.RENEW:
            return await renew(step)
        case MutationKind.CHECKIN:
            return await check_in(step)


async def _existing(step: Step) -> EntityState:
    m = step.mutation
    state = await step.tx.read(m.entity, m.entity_id)
    if state is None:
        raise MutationRejected(Code.UNKNOWN_ENTITY, f"no {m.entity} {m.entity_id}")
    return state


async def _create(step: Step) -> Effect:
    m = step.mutation
    require(m.customer_id is not None, "customer_id is required to create")
    assert m.customer_id is not None
    target = Target(m.entity, m.entity_id, m.customer_id)
    await step.allow(Action.WRITE, target)
    if m.entity in BLOB_ENTITIES:
        sha = m.blob_sha256
        require(sha is not None and bool(_SHA256.fullmatch(sha)), "blob_sha256: 64 hex digits")
        assert sha is not None
    if m.entity in (Entity.VERSION, Entity.REGISTER_ASSIGNMENT):
        blocked = await _parent_document(step)
        if blocked is not None:
            return blocked
    if m.entity in BLOB_ENTITIES:
        assert m.blob_sha256 is not None
        blob_ready = await step.tx.blob_complete(m.blob_sha256)
        require(blob_ready, f"blob {m.blob_sha256} is not uploaded yet", Code.MISSING_BLOB)
    state = await step.tx.read(m.entity, m.entity_id)
    if state is None or (state.deleted and m.entity in REVIVABLE):
        written = await step.tx.write(target, m.patch, blob_sha256=m.blob_sha256)
        return Effect(Outcome.APPLIED, target, written.revision)
    require(state.target.customer_id == m.customer_id, "the id belongs to another dossier")
    require(not state.deleted, f"{m.entity} {m.entity_id} was deleted", Code.GONE)
    # Created twice under one id (by two devices): equal values merge, different ones conflict.
    return await merge_into(step, state, {}, m.patch)


async def _parent_document(step: Step) -> Effect | None:
    """A version or register assignment needs its document; on a deleted one it is a conflict."""
    m = step.mutation
    document_id = m.patch.get("document_id")
    require(isinstance(document_id, str), "document_id is required")
    assert isinstance(document_id, str)
    document = await step.tx.read(Entity.DOCUMENT, document_id)
    require(document is not None, f"no document {document_id}", Code.UNKNOWN_ENTITY)
    assert document is not None
    require(document.target.customer_id == m.customer_id, "the document is in another dossier")
    if document.deleted:
        mine = {m.entity.value: {**m.patch, "id": m.entity_id}}
        return await whole_entity_conflict(step, document, dict(document.fields), mine)
    return None


async def _update(step: Step) -> Effect:
    m = step.mutation
    require(bool(m.patch), "an update needs a patch")
    state = await _existing(step)
    await step.allow(Action.WRITE, state.target)
    return await merge_into(step, state, m.base, m.patch)


async def _delete(step: Step) -> Effect:
    m = step.mutation
    state = await _existing(step)
    action = Action.DELETE if m.entity is Entity.DOCUMENT else Action.WRITE
    await step.allow(action, state.target)
    if state.deleted:
        return Effect(Outcome.MERGED, state.target, state.revision)
    known = CLIENT_FIELDS[m.entity]
    if not same(_only(m.base, known), _only(state.fields, known)):
        # Changed since the device saw it: deleting would silently drop someone's edit.
        return await whole_entity_conflict(step, state, dict(m.base), ABSENT)
    return Effect(Outcome.APPLIED, state.target, (await step.tx.delete(state.target)).revision)


def _only(fields: Mapping[str, Any], names: frozenset[str]) -> dict[str, Any]:
    """Server-made fields (a version's number, a blob reference) are not the client's to compare."""
    return {name: value for name, value in fields.items() if name in names}


async def _view(step: Step) -> Effect:
    state = await _existing(step)
    require(not state.deleted, "the document was deleted", Code.UNKNOWN_ENTITY)
    await step.allow(Action.READ, state.target)
    return Effect(Outcome.APPLIED, state.target, state.revision)
