"""The sync engine's store (:class:`sync.store.SyncStore`) over Dossier's domain, for one
tenant and one signed-in principal (docs/adr/0024).

Writes go through the domain services (their validation, access checks and audit lines), each in
a savepoint of the push's one write transaction, so a refused mutation leaves nothing and the
batch goes on. Document metadata changes and audit lines are staged for the whole unit of work
and written together before it commits (:class:`backend.documents.metadata_batch.MetadataBatch`,
docs/adr/0028); a refused change stages nothing. Reads load the current state; the feed is
:mod:`backend.changes`. Access is the one decision, :func:`backend.access.policy.can`, at the
time the engine asks about.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import msgspec

from backend.access.policy import Action as DomainAction
from backend.access.policy import Principal, Resource, can
from backend.changes.models import Entity as FeedEntity
from backend.changes.models import Op
from backend.changes.recording import record_change
from backend.changes.repository import PiccoloChangeFeed
from backend.errors import DossierError, Forbidden, NotFound, ValidationFailed
from backend.ids import canonical_uuid
from backend.notifications.conflicts import conflict_job
from backend.offline.entities import EntityWrites
from backend.offline.fields import lease_fields
from backend.offline.repository import LeaseRow, PiccoloOfflineRepository
from backend.offline.snapshot import read_snapshot
from backend.persistence.database import Database
from backend.persistence.scope import tenant_scope
from backend.runtime import Services
from sync.entities import Entity
from sync.errors import Code, MutationRejected, SyncRefused
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

__all__ = ["PiccoloSyncStore", "rejection_of"]

_ACTIONS = {
    Action.READ: DomainAction.READ,
    Action.WRITE: DomainAction.WRITE,
    Action.DELETE: DomainAction.DELETE,
}


def rejection_of(error: DossierError) -> MutationRejected:
    """A domain refusal as the sync answer's stable code (the domain's code in the message)."""
    if isinstance(error, Forbidden):
        code = Code.FORBIDDEN
    elif isinstance(error, NotFound):
        code = Code.UNKNOWN_ENTITY
    else:
        code = Code.INVALID
    message = error.message
    if isinstance(error, ValidationFailed):
        message = "; ".join(f"{i.field}: {i.code}" for i in error.issues) or message
    return MutationRejected(code, f"{error.code}: {message}")


class PiccoloSyncStore:
    """``writes=False`` (pull) reads without opening a write transaction."""

    def __init__(
        self,
        database: Database,
        services: Services,
        principal: Principal,
        clock: Any,
        *,
        writes: bool = True,
    ) -> None:
        self._database = database
        self._services = services
        self._principal = principal
        self._clock = clock
        self._writes = writes

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[SyncTransaction]:
        with tenant_scope(self._principal.tenant_id):
            if not self._writes:
                tx = _Transaction(
                    self._database, self._services, self._principal, self._clock, hold=False
                )
                yield tx
                await tx.flush()  # nothing, unless something was written (then in its own)
                return
            async with self._database.write():
                tx = _Transaction(
                    self._database, self._services, self._principal, self._clock, hold=True
                )
                yield tx
                await tx.flush()


class _Transaction:
    def __init__(
        self,
        database: Database,
        services: Services,
        principal: Principal,
        clock: Any,
        *,
        hold: bool,
    ) -> None:
        self._p = principal
        self._tenant = principal.tenant_id
        self._repo = PiccoloOfflineRepository()
        self._feed = PiccoloChangeFeed()
        self._clock = clock
        self._services = services
        self._entities = EntityWrites(database, services, principal, hold=hold)
        self._audit_mark = 0
        """How many buffered audit lines there were after the last mutation's line."""

    async def flush(self) -> None:
        """Write what the unit of work staged (document changes, audit lines) before it commits."""
        await self._entities.flush()

    # -- ledger ----------------------------------------------------------------------------------

    async def last_mutation_id(self, client_id: str) -> int:
        if not 0 < len(client_id) <= 64:
            raise SyncRefused(Code.INVALID, "client_id must be 1 to 64 characters")
        owner = await self._repo.claim_client(
            self._tenant, client_id, self._p.user_id, self._p.device, self._clock()
        )
        if owner.user_id != self._p.user_id:
            raise SyncRefused(Code.FORBIDDEN, "this client belongs to another user")
        return owner.last_mutation_id

    async def record_mutation(self, client_id: str, mutation_id: int) -> None:
        await self._repo.move_ledger(self._tenant, client_id, mutation_id, self._clock())

    # -- entities --------------------------------------------------------------------------------

    async def prefetch(self, targets: Sequence[tuple[Entity, str]]) -> None:
        await self._entities.prefetch(targets)

    async def read(self, entity: Entity, entity_id: str) -> EntityState | None:
        if entity is Entity.LEASE:
            return await self._read_lease(entity_id)
        return await self._entities.read(entity, entity_id)

    async def write(
        self, target: Target, fields: Mapping[str, Any], *, blob_sha256: str | None = None
    ) -> EntityState:
        if target.entity is Entity.LEASE:
            return await self._write_lease(target, fields)
        try:
            return await self._entities.write(target, dict(fields), blob_sha256)
        except DossierError as error:
            raise rejection_of(error) from None

    async def delete(self, target: Target) -> EntityState:
        try:
            return await self._entities.delete(target)
        except DossierError as error:
            raise rejection_of(error) from None

    # -- leases ----------------------------------------------------------------------------------

    @staticmethod
    def _lease_key(entity_id: str) -> tuple[str, str, str] | None:
        parts = entity_id.split("/", 2)
        return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None

    async def _read_lease(self, entity_id: str) -> EntityState | None:
        key = self._lease_key(entity_id)
        if key is None:
            return None
        row = await self._repo.lease(self._tenant, *key)
        if row is None:
            return None
        target = Target(Entity.LEASE, entity_id, row.customer_id)
        return EntityState(target, lease_fields(row), row.revision)

    async def _write_lease(self, target: Target, fields: Mapping[str, Any]) -> EntityState:
        current = await self._read_lease(target.entity_id)
        values = dict(current.fields) if current is not None else {}
        values.update(fields)
        row = LeaseRow(
            customer_id=target.customer_id,
            user_id=str(values["user_id"]),
            user_name=str(values["user_name"]),
            device=str(values["device"]),
            since=dt.datetime.fromisoformat(str(values["since"])),
            until=dt.datetime.fromisoformat(str(values["until"])),
            checked_in_at=None
            if values.get("checked_in_at") is None
            else dt.datetime.fromisoformat(str(values["checked_in_at"])),
            revision=(current.revision if current else 0) + 1,
        )
        await self._repo.put_lease(self._tenant, row)
        record_change(self._tenant, target.customer_id, FeedEntity.LEASE, target.entity_id)
        return EntityState(target, lease_fields(row), row.revision)

    # -- conflicts -------------------------------------------------------------------------------

    async def read_conflict(self, conflict_id: str) -> ConflictRecord | None:
        key = canonical_uuid(conflict_id)
        return None if key is None else await self._repo.conflict(self._tenant, key)

    async def put_conflict(self, conflict: ConflictRecord) -> None:
        await self._repo.put_conflict(self._tenant, conflict)
        record_change(self._tenant, conflict.customer_id, FeedEntity.CONFLICT, conflict.id)
        if conflict.resolution is None:
            # "A conflict waits" for the user whose value lost, queued with the push (ADR 0019).
            await self._services.jobs.enqueue(
                conflict_job(
                    self._tenant,
                    conflict.by,
                    conflict.customer_id,
                    conflict.id,
                    conflict.at.isoformat(),
                )
            )

    # -- feed ------------------------------------------------------------------------------------

    async def changes_since(self, customer_id: str, after_seq: int, limit: int) -> list[Change]:
        key = canonical_uuid(customer_id)
        if key is None:
            return []
        rows = await self._feed.since(self._tenant, key, after_seq, limit)
        changes = []
        for row in rows:
            entity = Entity.VERSION if row.entity is FeedEntity.RENDITION else Entity(row.entity)
            if row.op is Op.DELETE:
                changes.append(
                    Change(op=ChangeOp.DELETE, entity=entity, entity_id=row.entity_id, seq=row.seq)
                )
                continue
            if entity is Entity.CONFLICT:
                record = await self.read_conflict(row.entity_id)
                fields = None if record is None else msgspec.to_builtins(record)
                changes.append(
                    Change(
                        op=ChangeOp.PUT,
                        entity=entity,
                        entity_id=row.entity_id,
                        seq=row.seq,
                        fields=fields,
                    )
                )
                continue
            state = await self.read(entity, row.entity_id)
            if state is None or state.deleted:
                changes.append(
                    Change(op=ChangeOp.DELETE, entity=entity, entity_id=row.entity_id, seq=row.seq)
                )
                continue
            changes.append(
                Change(
                    op=ChangeOp.PUT,
                    entity=entity,
                    entity_id=row.entity_id,
                    seq=row.seq,
                    revision=state.revision,
                    fields=dict(state.fields),
                )
            )
        return changes

    async def feed_head(self) -> int:
        return await self._feed.head(self._tenant)

    async def snapshot(self, customer_id: str, after: str, limit: int) -> list[SnapshotItem]:
        key = canonical_uuid(customer_id)
        if key is None:
            return []
        return await read_snapshot(self._entities, self._services, self._p, key, after, limit)

    # -- hooks -----------------------------------------------------------------------------------

    async def can(self, actor: Actor, action: Action, target: Target, at: dt.datetime) -> bool:
        wanted = _ACTIONS[action]
        if target.entity in (Entity.DOCUMENT, Entity.VERSION, Entity.REGISTER_ASSIGNMENT):
            resource = await self._entities.document_resource(target)
            if resource is not None:
                return can(self._p, wanted, resource, at)
        customer_id = canonical_uuid(target.customer_id)
        if customer_id is None:
            return False
        if can(self._p, wanted, Resource(self._tenant, customer_id=customer_id), at):
            return True
        if wanted is DomainAction.READ:
            # A customer shows to whoever may read one of its documents (as in the app).
            [found] = await self._services.customers.by_ids(self._p, [customer_id])
            return found is not None
        return False

    async def audit(self, actor: Actor, entry: AuditEntry, at: dt.datetime) -> None:
        """One line per mutation (docs/adr/0035): the line its effect wrote into this unit of
        work (a document's metadata change) carries the push's details under ``sync``; a
        mutation whose effect wrote no buffered line gets a line of its own."""
        details: dict[str, Any] = dict(entry.details)
        details["device"] = actor.device
        if entry.device_time is not None:
            details["device_time"] = entry.device_time.isoformat()
        lines = self._entities.audit_lines
        since, self._audit_mark = min(self._audit_mark, len(lines)), len(lines)
        target = entry.target
        if entry.action != "view" and lines.annotate(
            since, target.entity.value, _canonical(target.entity_id), {"sync": details}
        ):
            return
        action = "document.view" if entry.action == "view" else f"sync.{entry.action}"
        lines.add(self._p, action, target.entity.value, target.entity_id, details)
        self._audit_mark = len(lines)

    async def blob_complete(self, sha256: str) -> bool:
        return await self._services.uploads.complete(self._p, sha256)


def _canonical(entity_id: str) -> str:
    """A UUID in the form the domain writes it; other ids as they are."""
    return canonical_uuid(entity_id) or entity_id
