"""An in-memory :class:`~sync.store.SyncStore` for one tenant: a real implementation (the property
tests and the shared store contract run against it), not a stand-in.

Transactions run one at a time (like the embedded SQLite's single writer) and keep an undo log
that a failed unit of work plays back, so a transaction costs what it touches, not the store's
size; :attr:`MemoryStore.fail_commits` makes the next commits fail after the work was done, as a
crash before commit would.

Access: :class:`MemoryAccess` reads and writes per user and dossier, with documents that may be
hidden from a user; ``None`` for a user means everything.
"""

from __future__ import annotations

import asyncio
import bisect
import copy
import datetime as dt
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import msgspec

from sync.entities import Entity
from sync.protocol import Change, ChangeOp, ConflictRecord
from sync.store import (
    Action,
    Actor,
    AuditEntry,
    EntityState,
    SnapshotItem,
    SyncTransaction,
    Target,
)

__all__ = ["AuditLine", "MemoryAccess", "MemoryStore", "StoreCrash"]


class StoreCrash(Exception):
    """The store failed before commit (see ``fail_commits``): nothing of the unit was kept."""


@dataclass
class MemoryAccess:
    dossiers: dict[str, set[str] | None] = field(default_factory=dict)
    """Per user: the dossiers they may read and change (None: all). Unknown users: none."""
    hidden_documents: dict[str, set[str]] = field(default_factory=dict)
    """Per user: documents (and so their versions and assignments) they may not read."""

    def allows(self, user_id: str, target: Target, document_id: str | None) -> bool:
        if user_id not in self.dossiers:
            return False
        dossiers = self.dossiers[user_id]
        if dossiers is not None and target.customer_id not in dossiers:
            return False
        return document_id is None or document_id not in self.hidden_documents.get(user_id, set())


@dataclass(frozen=True, slots=True)
class AuditLine:
    actor: Actor
    entry: AuditEntry
    at: dt.datetime


@dataclass
class _State:
    entities: dict[tuple[Entity, str], EntityState] = field(default_factory=dict)
    feeds: dict[str, list[Change]] = field(default_factory=dict)
    seq: int = 0
    conflicts: dict[str, ConflictRecord] = field(default_factory=dict)
    ledger: dict[str, int] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    """Per document: the number of its last version."""
    audit: list[AuditLine] = field(default_factory=list)


class MemoryStore:
    def __init__(self, access: MemoryAccess | None = None) -> None:
        self.access = access or MemoryAccess()
        self.blobs: set[str] = set()
        """Completely uploaded blobs (uploads are not part of the engine)."""
        self.fail_commits = 0
        self._state = _State()
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SyncTransaction]:
        async with self._lock:
            tx = _MemoryTransaction(self, self._state)
            try:
                yield tx
                if self.fail_commits > 0:
                    self.fail_commits -= 1
                    raise StoreCrash("crashed before commit")
            except BaseException:
                tx.roll_back()
                raise

    # -- for tests and seeding -------------------------------------------------------------------
    def entities(self) -> dict[tuple[Entity, str], EntityState]:
        return dict(self._state.entities)

    def conflicts(self) -> dict[str, ConflictRecord]:
        return dict(self._state.conflicts)

    def audit_lines(self) -> list[AuditLine]:
        return list(self._state.audit)

    def ledger(self, client_id: str) -> int:
        return self._state.ledger.get(client_id, 0)


class _MemoryTransaction:
    def __init__(self, store: MemoryStore, state: _State) -> None:
        self._store = store
        self._state = state
        self._undo: list[Callable[[], object]] = []

    def roll_back(self) -> None:
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()

    def _keep(self, table: dict[Any, Any], key: Any) -> None:
        """Remember ``table[key]`` (or its absence) so that a rollback restores it."""
        if key in table:
            old = table[key]
            self._undo.append(lambda: table.__setitem__(key, old))
        else:
            self._undo.append(lambda: table.pop(key, None))

    async def last_mutation_id(self, client_id: str) -> int:
        return self._state.ledger.get(client_id, 0)

    async def record_mutation(self, client_id: str, mutation_id: int) -> None:
        self._keep(self._state.ledger, client_id)
        self._state.ledger[client_id] = mutation_id

    async def prefetch(self, targets: Sequence[tuple[Entity, str]]) -> None:
        """Everything is at hand already."""

    async def read(self, entity: Entity, entity_id: str) -> EntityState | None:
        return self._state.entities.get((entity, entity_id))

    async def write(
        self, target: Target, fields: Mapping[str, Any], *, blob_sha256: str | None = None
    ) -> EntityState:
        key = (target.entity, target.entity_id)
        old = self._state.entities.get(key)
        values = dict(old.fields) if old is not None and not old.deleted else {}
        values.update(copy.deepcopy(dict(fields)))
        if blob_sha256 is not None:
            values["blob_sha256"] = blob_sha256
        if target.entity is Entity.VERSION and (old is None or old.deleted):
            document_id = str(values.get("document_id"))
            self._keep(self._state.versions, document_id)
            values["number"] = self._state.versions[document_id] = (
                self._state.versions.get(document_id, 0) + 1
            )
        state = EntityState(target, values, (old.revision if old else 0) + 1)
        self._keep(self._state.entities, key)
        self._state.entities[key] = state
        self._append(target, ChangeOp.PUT, state.revision, values)
        return state

    async def delete(self, target: Target) -> EntityState:
        key = (target.entity, target.entity_id)
        old = self._state.entities[key]
        state = EntityState(old.target, old.fields, old.revision + 1, deleted=True)
        self._keep(self._state.entities, key)
        self._state.entities[key] = state
        self._append(old.target, ChangeOp.DELETE, state.revision, None)
        return state

    async def read_conflict(self, conflict_id: str) -> ConflictRecord | None:
        return self._state.conflicts.get(conflict_id)

    async def put_conflict(self, conflict: ConflictRecord) -> None:
        self._keep(self._state.conflicts, conflict.id)
        self._state.conflicts[conflict.id] = conflict
        target = Target(Entity.CONFLICT, conflict.id, conflict.customer_id)
        self._append(target, ChangeOp.PUT, 0, msgspec.to_builtins(conflict))

    async def changes_since(self, customer_id: str, after_seq: int, limit: int) -> list[Change]:
        feed = self._state.feeds.get(customer_id, [])
        start = bisect.bisect_right(feed, after_seq, key=lambda change: change.seq)
        return feed[start : start + limit]

    async def feed_head(self) -> int:
        return self._state.seq

    async def snapshot(self, customer_id: str, after: str, limit: int) -> list[SnapshotItem]:
        items = sorted(self._snapshot_items(customer_id), key=lambda item: item.key)
        start = bisect.bisect_right(items, after, key=lambda item: item.key)
        return items[start : start + limit]

    def _snapshot_items(self, customer_id: str) -> list[SnapshotItem]:
        """Keys: ``0`` the customer, ``1:…`` addresses, ``2:…`` contacts, ``3:…`` leases,
        ``4:…`` conflicts, ``5:<document>`` a document, followed by its register assignments
        (``/a:…``) and versions (``/v:…``)."""
        prefix = {
            Entity.CUSTOMER: "0",
            Entity.ADDRESS: "1:",
            Entity.CONTACT: "2:",
            Entity.LEASE: "3:",
        }
        items = []
        for (entity, entity_id), state in self._state.entities.items():
            if state.target.customer_id != customer_id or state.deleted:
                continue
            if entity in prefix:
                key = prefix[entity] + ("" if entity is Entity.CUSTOMER else entity_id)
            elif entity is Entity.DOCUMENT:
                key = f"5:{entity_id}"
            else:
                kind = "a" if entity is Entity.REGISTER_ASSIGNMENT else "v"
                key = f"5:{state.fields.get('document_id')}/{kind}:{entity_id}"
            change = Change(
                op=ChangeOp.PUT,
                entity=entity,
                entity_id=entity_id,
                seq=0,
                revision=state.revision,
                fields=copy.deepcopy(dict(state.fields)),
            )
            items.append(SnapshotItem(key, change))
        for conflict in self._state.conflicts.values():
            if conflict.customer_id == customer_id and conflict.resolution is None:
                change = Change(
                    op=ChangeOp.PUT,
                    entity=Entity.CONFLICT,
                    entity_id=conflict.id,
                    seq=0,
                    fields=msgspec.to_builtins(conflict),
                )
                items.append(SnapshotItem(f"4:{conflict.id}", change))
        return items

    async def can(self, actor: Actor, action: Action, target: Target, at: dt.datetime) -> bool:
        document_id = self._document_of(target)
        return self._store.access.allows(actor.user_id, target, document_id)

    async def audit(self, actor: Actor, entry: AuditEntry, at: dt.datetime) -> None:
        self._state.audit.append(AuditLine(actor, entry, at))
        self._undo.append(self._state.audit.pop)

    async def blob_complete(self, sha256: str) -> bool:
        return sha256 in self._store.blobs

    def _append(
        self, target: Target, op: ChangeOp, revision: int, fields: Mapping[str, Any] | None
    ) -> None:
        seq, feed = self._state.seq, self._state.feeds.setdefault(target.customer_id, [])

        def undo() -> None:
            feed.pop()
            self._state.seq = seq

        self._undo.append(undo)
        self._state.seq += 1
        change = Change(
            op=op,
            entity=target.entity,
            entity_id=target.entity_id,
            seq=self._state.seq,
            revision=revision,
            fields=copy.deepcopy(dict(fields)) if fields is not None else None,
        )
        feed.append(change)

    def _document_of(self, target: Target) -> str | None:
        if target.entity is Entity.DOCUMENT:
            return target.entity_id
        if target.entity in (Entity.VERSION, Entity.REGISTER_ASSIGNMENT):
            state = self._state.entities.get((target.entity, target.entity_id))
            return None if state is None else str(state.fields.get("document_id"))
        return None
