"""The one port of the sync engine: what push and pull need from storage, access and audit.

The backend implements it with Piccolo on SQLite and PostgreSQL; :mod:`sync.memory` implements it
in memory. A store instance serves one tenant: every read, feed and decision stays inside it.

Contract of a transaction (``async with store.transaction() as tx``): everything done through
``tx`` commits together when the block ends normally and not at all when it raises. Push runs a
whole batch in one transaction, so the ledger (:meth:`SyncTransaction.record_mutation`) moves in
the same unit of work as the effects and the audit lines of the mutations it covers.

Every write (:meth:`~SyncTransaction.write`, :meth:`~SyncTransaction.delete`,
:meth:`~SyncTransaction.put_conflict`) appends one change to the dossier's feed with the next
sequence number of the tenant, so that :meth:`~SyncTransaction.changes_since` costs in proportion
to the changes it returns (an index on dossier and sequence), not to the dossier's size.

Concurrency: the engine reads, merges and writes within one transaction, so a store must keep
concurrent units of work from losing each other's changes: :meth:`~SyncTransaction.last_mutation_id`
holds the client's ledger row until the unit ends (two tabs of one device pushing at once
serialize), and :meth:`~SyncTransaction.read` holds the entity it returns (PostgreSQL:
``SELECT … FOR UPDATE``; embedded SQLite: its single writer and ``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from sync.entities import Entity
from sync.protocol import Change, ConflictRecord

__all__ = [
    "Action",
    "Actor",
    "AuditEntry",
    "EntityState",
    "SnapshotItem",
    "SyncStore",
    "SyncTransaction",
    "Target",
]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who pushes or pulls: the signed-in user on one device."""

    user_id: str
    display_name: str
    device: str
    """The device's name as shown to colleagues and in the audit trail ("Anna's tablet")."""


class Action(StrEnum):
    """What the access decision is asked about (the backend maps these to its own actions)."""

    READ = "read"
    WRITE = "write"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Target:
    """One entity of one dossier: what an access decision, a write or an audit line is about."""

    entity: Entity
    entity_id: str
    customer_id: str


@dataclass(frozen=True, slots=True)
class EntityState:
    """An entity as the server has it now. A deleted one is a tombstone (``deleted``) that keeps
    its last fields, so an offline edit of it becomes a conflict instead of bringing it back."""

    target: Target
    fields: Mapping[str, Any]
    revision: int
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class SnapshotItem:
    """One entity of a dossier's snapshot: its place in the snapshot's order and a ``put`` of its
    current state (``seq`` 0: the engine gives it the snapshot's cursor)."""

    key: str
    change: Change


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit line: ``action`` is the mutation kind (create, update, delete, view, checkout,
    renew, checkin, resolve) or ``rejected``; ``details`` holds the client id, mutation id,
    outcome and code."""

    action: str
    target: Target
    details: Mapping[str, Any] = field(default_factory=dict)
    device_time: dt.datetime | None = None


class SyncTransaction(Protocol):
    # -- ledger --------------------------------------------------------------------------------
    async def last_mutation_id(self, client_id: str) -> int:
        """The last mutation id applied for this client (0 for a new client). A client id belongs
        to the user who first used it; a store raises ``SyncRefused(FORBIDDEN)`` for anyone else.
        """
        ...

    async def record_mutation(self, client_id: str, mutation_id: int) -> None:
        """Move the client's ledger to ``mutation_id``, the last one the unit of work applied
        (push calls it once per batch, after the mutations' effects)."""
        ...

    # -- entities ------------------------------------------------------------------------------
    async def prefetch(self, targets: Sequence[tuple[Entity, str]]) -> None:
        """A hint before a batch: the entities it names, so that a store may read them together
        (and hold them, as :meth:`read` would) instead of one by one. It changes nothing that
        :meth:`read` answers."""
        ...

    async def read(self, entity: Entity, entity_id: str) -> EntityState | None:
        """The entity's current state (a tombstone if deleted), or None if it never existed."""
        ...

    async def write(
        self, target: Target, fields: Mapping[str, Any], *, blob_sha256: str | None = None
    ) -> EntityState:
        """Create the entity with ``fields`` (or revive a tombstone: the engine does that only for
        :data:`sync.entities.REVIVABLE` entities), or set ``fields`` on an existing one (fields not
        named keep their values). The revision goes up by one and a ``put`` change is appended.
        A new document or version takes its content from the blob ``blob_sha256``; a store may add
        server-made fields (a version's number). Values the store does not accept raise
        :class:`sync.errors.MutationRejected` before anything is written."""
        ...

    async def delete(self, target: Target) -> EntityState:
        """Turn the entity into a tombstone; revision up by one; a ``delete`` change is appended.
        A store that may not delete it (retention, legal hold) raises ``MutationRejected`` first."""
        ...

    # -- conflicts -----------------------------------------------------------------------------
    async def read_conflict(self, conflict_id: str) -> ConflictRecord | None: ...

    async def put_conflict(self, conflict: ConflictRecord) -> None:
        """Insert or replace (when resolved) a conflict record; appends a ``put`` change of entity
        ``conflict`` to the feed of ``conflict.customer_id`` with the record as its fields."""
        ...

    # -- feed ----------------------------------------------------------------------------------
    async def changes_since(self, customer_id: str, after_seq: int, limit: int) -> list[Change]:
        """At most ``limit`` changes of one dossier with ``seq > after_seq``, in ``seq`` order.
        A ``put`` carries the entity's fields (as now, or as at that change)."""
        ...

    async def feed_head(self) -> int:
        """The tenant's last sequence number so far (0 before any change): every change numbered
        up to it is committed, and any change committed later is numbered above it. A snapshot
        reads it first, so what changes while the snapshot is read comes after it in the feed."""
        ...

    async def snapshot(self, customer_id: str, after: str, limit: int) -> list[SnapshotItem]:
        """The dossier as it is now, at most ``limit`` entities whose key is above ``after``
        (``""``: from the start), in key order: one ``put`` for the customer, each address,
        contact, lease, unresolved conflict, and each document that is not deleted with its
        register assignments and versions. Nothing deleted is in it. Keys are the store's own
        strings (compared as strings); the order must stay stable while the dossier changes."""
        ...

    # -- hooks ---------------------------------------------------------------------------------
    async def can(self, actor: Actor, action: Action, target: Target, at: dt.datetime) -> bool:
        """The one access decision (the backend's ``can(principal, action, resource, at)``).
        The target may not exist yet (a create: decide on its dossier) or be a version or register
        assignment (decide on its document)."""
        ...

    async def audit(self, actor: Actor, entry: AuditEntry, at: dt.datetime) -> None:
        """Write an audit line in this transaction."""
        ...

    async def blob_complete(self, sha256: str) -> bool:
        """Whether the blob is completely uploaded and its hash verified."""
        ...


class SyncStore(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[SyncTransaction]:
        """One unit of work (see the module docstring)."""
        ...
