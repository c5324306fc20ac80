"""Pull: the changes of each dossier since the client's cursor, only what the user may read now.

Per dossier (in customer id order, so that paging is stable):

- ``evict`` of the whole dossier when the user may no longer read it, it is gone, or this device's
  lease on it ended without a check-in; its cursor is dropped from the answer;
- a protocol 2 client's dossier at cursor 0: a snapshot of the dossier as it is now (one ``put``
  per entity), paged by a token ``<cursor>:<key>``: the cursor is the tenant's feed head read
  before the first page, the key the last entity sent. When the snapshot ends, the dossier's
  cursor becomes that head and the feed goes on from there in the same answer while the limit
  lasts, so a change made while the pages were read comes as a change and nothing is missed;
- otherwise the feed since the cursor, up to the request's limit across all dossiers
  (``has_more`` says that more is waiting). A document, version or register assignment the user
  may not read (any more) comes as an ``evict`` of that entity; conflict records only reach the
  user whose value they keep.

Cost: one feed read per dossier, returning at most ``limit`` changes, plus one access decision
per change of a document, version or register assignment. A snapshot sends each entity once,
where replaying the feed from 0 sends every change of its history (a version's preview and
renditions are changes of their own).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import msgspec

from sync.entities import Entity, lease_id
from sync.errors import Code, SyncRefused
from sync.leases import lease_ended
from sync.protocol import (
    MAX_PULL_LIMIT,
    SNAPSHOT_VERSION,
    Change,
    ChangeOp,
    PullRequest,
    PullResponse,
)
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
    snapshots = _tokens(request)
    answer = _Answer(budget=request.limit)
    async with store.transaction() as tx:
        for customer_id in sorted(request.cursors):
            cursor = request.cursors[customer_id]
            if await _evicted(tx, actor, customer_id, now):
                answer.changes[customer_id] = [
                    Change(op=ChangeOp.EVICT, entity=Entity.CUSTOMER, entity_id=customer_id, seq=0)
                ]
                continue
            if answer.budget == 0:
                answer.cursors[customer_id] = cursor
                if customer_id in request.snapshots:
                    answer.snapshots[customer_id] = request.snapshots[customer_id]
                answer.has_more = True
                continue
            if cursor == 0 and request.protocol_version >= SNAPSHOT_VERSION:
                head, after = snapshots.get(customer_id) or (await tx.feed_head(), "")
                if not await _snapshot(tx, actor, customer_id, head, after, now, answer):
                    continue  # more pages wait
                cursor = head
            await _feed(tx, actor, customer_id, cursor, now, answer)
    return PullResponse(
        changes=answer.changes,
        cursors=answer.cursors,
        has_more=answer.has_more,
        snapshots=answer.snapshots,
    )


@dataclass
class _Answer:
    budget: int
    changes: dict[str, list[Change]] = field(default_factory=dict)
    cursors: dict[str, int] = field(default_factory=dict)
    snapshots: dict[str, str] = field(default_factory=dict)
    has_more: bool = False

    def add(self, customer_id: str, changes: list[Change]) -> None:
        if changes:
            self.changes.setdefault(customer_id, []).extend(changes)


def _tokens(request: PullRequest) -> dict[str, tuple[int, str]]:
    """The snapshot tokens of the request as (cursor, key); a bad one refuses the request."""
    tokens: dict[str, tuple[int, str]] = {}
    for customer_id, token in request.snapshots.items():
        if request.cursors.get(customer_id) != 0:
            raise SyncRefused(Code.INVALID, "a snapshot token goes with the dossier's cursor 0")
        head, sep, key = token.partition(":")
        if not (sep and head.isdigit() and head.isascii()):
            raise SyncRefused(Code.INVALID, "a snapshot token is '<cursor>:<key>'")
        tokens[customer_id] = (int(head), key)
    return tokens


async def _snapshot(
    tx: SyncTransaction,
    actor: Actor,
    customer_id: str,
    head: int,
    after: str,
    now: dt.datetime,
    answer: _Answer,
) -> bool:
    """One page of the dossier's snapshot read at ``head``; True when the snapshot ended (the
    feed goes on from ``head``), else the token for the next page is in the answer."""
    items = await tx.snapshot(customer_id, after, answer.budget + 1)
    more = len(items) > answer.budget
    if more:
        items = items[: answer.budget]
    answer.budget -= len(items)
    shown = [
        await _shown(tx, actor, customer_id, msgspec.structs.replace(item.change, seq=head), now)
        for item in items
    ]
    # An entity the user may not read is left out: the device holds nothing of the dossier but
    # what this snapshot sent.
    answer.add(customer_id, [c for c in shown if c is not None and c.op is not ChangeOp.EVICT])
    if more:
        answer.cursors[customer_id] = 0
        answer.snapshots[customer_id] = f"{head}:{items[-1].key if items else after}"
        answer.has_more = True
        return False
    answer.cursors[customer_id] = head
    return True


async def _feed(
    tx: SyncTransaction,
    actor: Actor,
    customer_id: str,
    cursor: int,
    now: dt.datetime,
    answer: _Answer,
) -> None:
    if answer.budget == 0:
        answer.cursors[customer_id] = cursor
        answer.has_more = True
        return
    page = await tx.changes_since(customer_id, cursor, answer.budget + 1)
    if len(page) > answer.budget:
        page, answer.has_more = page[: answer.budget], True
    answer.budget -= len(page)
    answer.cursors[customer_id] = page[-1].seq if page else cursor
    shown = [await _shown(tx, actor, customer_id, change, now) for change in page]
    answer.add(customer_id, [change for change in shown if change is not None])


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
