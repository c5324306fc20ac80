"""Pull: the changes of each dossier since the client's cursor, only what the user may read now.

Per dossier (in customer id order, so that paging is stable):

- ``evict`` of the whole dossier when the user may no longer read it, it is gone, or this device's
  lease on it ended without a check-in; its cursor is dropped from the answer;
- otherwise the feed since the cursor, up to the request's limit across all dossiers
  (``has_more`` says that more is waiting). A document, version or register assignment the user
  may not read (any more) comes as an ``evict`` of that entity; conflict records only reach the
  user whose value they keep.

Cost: one feed read per dossier, returning at most ``limit`` changes, plus one access decision
per change of a document, version or register assignment.
"""

from __future__ import annotations

import datetime as dt

from sync.entities import Entity, lease_id
from sync.errors import Code, SyncRefused
from sync.leases import lease_ended
from sync.protocol import MAX_PULL_LIMIT, Change, ChangeOp, PullRequest, PullResponse
from sync.store import Action, Actor, SyncStore, SyncTransaction, Target
from sync.versions import check_client

__all__ = ["MAX_DOSSIERS", "pull"]

MAX_DOSSIERS = 1000
"""Most dossiers in one pull."""

_PER_ENTITY_ACCESS = frozenset({Entity.DOCUMENT, Entity.VERSION, Entity.REGISTER_ASSIGNMENT})


async def pull(
    store: SyncStore, actor: Actor, request: PullRequest, now: dt.datetime
) -> PullResponse:
    """Raises :class:`SyncRefused` (nothing read) for a bad request."""
    check_client(request.protocol_version, request.client_id)
    if not 0 < request.limit <= MAX_PULL_LIMIT:
        raise SyncRefused(Code.INVALID, f"limit must be 1 to {MAX_PULL_LIMIT}")
    if len(request.cursors) > MAX_DOSSIERS:
        raise SyncRefused(Code.INVALID, f"at most {MAX_DOSSIERS} dossiers per pull")
    if any(seq < 0 for seq in request.cursors.values()):
        raise SyncRefused(Code.INVALID, "cursors start at 0")
    changes: dict[str, list[Change]] = {}
    cursors: dict[str, int] = {}
    budget, has_more = request.limit, False
    async with store.transaction() as tx:
        for customer_id in sorted(request.cursors):
            cursor = request.cursors[customer_id]
            if await _evicted(tx, actor, customer_id, now):
                changes[customer_id] = [
                    Change(op=ChangeOp.EVICT, entity=Entity.CUSTOMER, entity_id=customer_id, seq=0)
                ]
                continue
            if budget == 0:
                cursors[customer_id] = cursor
                has_more = True
                continue
            page = await tx.changes_since(customer_id, cursor, budget + 1)
            if len(page) > budget:
                page, has_more = page[:budget], True
            budget -= len(page)
            cursors[customer_id] = page[-1].seq if page else cursor
            shown = [await _shown(tx, actor, customer_id, change, now) for change in page]
            visible = [change for change in shown if change is not None]
            if visible:
                changes[customer_id] = visible
    return PullResponse(changes=changes, cursors=cursors, has_more=has_more)


async def _evicted(tx: SyncTransaction, actor: Actor, customer_id: str, now: dt.datetime) -> bool:
    dossier = Target(Entity.CUSTOMER, customer_id, customer_id)
    if not await tx.can(actor, Action.READ, dossier, now):
        return True
    customer = await tx.read(Entity.CUSTOMER, customer_id)
    if customer is None or customer.deleted:
        return True
    lease = await tx.read(Entity.LEASE, lease_id(customer_id, actor.user_id, actor.device))
    return lease is not None and lease_ended(lease.fields, now)


async def _shown(
    tx: SyncTransaction, actor: Actor, customer_id: str, change: Change, now: dt.datetime
) -> Change | None:
    if change.entity is Entity.CONFLICT:
        mine = change.fields is not None and change.fields.get("by") == actor.user_id
        return change if mine else None
    if change.op is ChangeOp.PUT and change.entity in _PER_ENTITY_ACCESS:
        target = Target(change.entity, change.entity_id, customer_id)
        if not await tx.can(actor, Action.READ, target, now):
            return Change(
                op=ChangeOp.EVICT, entity=change.entity, entity_id=change.entity_id, seq=change.seq
            )
    return change
