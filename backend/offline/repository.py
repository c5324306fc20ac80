"""Piccolo storage of the sync ledger, conflict records, leases and tombstones."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import msgspec

from backend.offline.tables import SyncClientTable
from backend.persistence.rows import as_datetime, opt_datetime
from backend.persistence.scope import tenant_scoped
from backend.persistence.sql import select
from sync.protocol import ConflictRecord

__all__ = ["ClientOwner", "LeaseRow", "PiccoloOfflineRepository"]


class ClientOwner(msgspec.Struct, frozen=True):
    user_id: str
    last_mutation_id: int


class LeaseRow(msgspec.Struct, frozen=True):
    customer_id: str
    user_id: str
    user_name: str
    device: str
    since: dt.datetime
    until: dt.datetime
    checked_in_at: dt.datetime | None
    revision: int


def _postgres() -> bool:
    return bool(SyncClientTable._meta.db.engine_type == "postgres")


def _json(value: Any) -> str | None:
    return None if value is msgspec.UNSET else json.dumps(value, sort_keys=True)


def _lease(r: dict[str, Any]) -> LeaseRow:
    return LeaseRow(
        customer_id=str(r["customer"]),
        user_id=str(r["user_id"]),
        user_name=str(r["user_name"]),
        device=str(r["device"]),
        since=as_datetime(r["since"]),
        until=as_datetime(r["until"]),
        checked_in_at=opt_datetime(r["checked_in_at"]),
        revision=int(r["revision"]),
    )


@tenant_scoped
class PiccoloOfflineRepository:
    # -- ledger ----------------------------------------------------------------------------------

    async def claim_client(
        self, tenant_id: str, client_id: str, user_id: str, device: str, at: dt.datetime
    ) -> ClientOwner:
        """The client's row, made on first use and locked until the transaction ends (so two
        pushes of one client take turns and never apply a mutation twice)."""
        await SyncClientTable.raw(
            "INSERT INTO sync_client (tenant, client_id, user_id, device, last_mutation_id, "
            "created_at, updated_at) VALUES ({}, {}, {}, {}, 0, {}, {}) ON CONFLICT DO NOTHING",
            tenant_id,
            client_id,
            user_id,
            device,
            at,
            at,
        )
        lock = " FOR UPDATE" if _postgres() else ""
        [row] = await select(
            SyncClientTable,
            "SELECT user_id, last_mutation_id FROM sync_client WHERE tenant = {} "
            "AND client_id = {}" + lock,
            tenant_id,
            client_id,
        )
        return ClientOwner(str(row["user_id"]), int(row["last_mutation_id"]))

    async def move_ledger(
        self, tenant_id: str, client_id: str, mutation_id: int, at: dt.datetime
    ) -> None:
        await SyncClientTable.raw(
            "UPDATE sync_client SET last_mutation_id = {}, updated_at = {} "
            "WHERE tenant = {} AND client_id = {}",
            mutation_id,
            at,
            tenant_id,
            client_id,
        )

    # -- conflicts -------------------------------------------------------------------------------

    async def conflict(self, tenant_id: str, conflict_id: str) -> ConflictRecord | None:
        rows = await select(
            SyncClientTable,
            "SELECT record FROM sync_conflict WHERE tenant = {} AND id = {}",
            tenant_id,
            conflict_id,
        )
        if not rows:
            return None
        return msgspec.json.decode(str(rows[0]["record"]), type=ConflictRecord)

    async def open_conflicts(self, tenant_id: str, customer_id: str) -> list[ConflictRecord]:
        """The dossier's conflicts nobody has resolved yet."""
        rows = await select(
            SyncClientTable,
            "SELECT record FROM sync_conflict WHERE tenant = {} AND customer = {} "
            "AND resolution IS NULL",
            tenant_id,
            customer_id,
        )
        return [msgspec.json.decode(str(r["record"]), type=ConflictRecord) for r in rows]

    async def put_conflict(self, tenant_id: str, record: ConflictRecord) -> None:
        args = [
            record.customer_id,
            record.entity.value,
            record.entity_id,
            record.field,
            record.key,
            _json(record.base),
            _json(record.mine),
            _json(record.theirs),
            record.by,
            record.device,
            record.at,
            None if record.resolution is None else msgspec.json.encode(record.resolution).decode(),
            record.resolved_by,
            record.resolved_at,
            msgspec.json.encode(record).decode(),
        ]
        await SyncClientTable.raw(
            "INSERT INTO sync_conflict (id, tenant, customer, entity, entity_id, field, key, base, "
            "mine, theirs, by_user, device, at, resolution, resolved_by, resolved_at, record) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
            "ON CONFLICT (id) DO UPDATE SET resolution = excluded.resolution, "
            "resolved_by = excluded.resolved_by, resolved_at = excluded.resolved_at, "
            "record = excluded.record",
            record.id,
            tenant_id,
            *args,
        )

    # -- leases ----------------------------------------------------------------------------------

    async def lease(
        self, tenant_id: str, customer_id: str, user_id: str, device: str
    ) -> LeaseRow | None:
        rows = await select(
            SyncClientTable,
            "SELECT customer, user_id, user_name, device, since, until, checked_in_at, revision "
            "FROM sync_checkout WHERE tenant = {} AND customer = {} AND user_id = {} "
            "AND device = {}",
            tenant_id,
            customer_id,
            user_id,
            device,
        )
        return _lease(rows[0]) if rows else None

    async def leases_of(self, tenant_id: str, customer_id: str) -> list[LeaseRow]:
        """Every check-out of the dossier (ended ones too: the feed sends them as they are)."""
        rows = await select(
            SyncClientTable,
            "SELECT customer, user_id, user_name, device, since, until, checked_in_at, revision "
            "FROM sync_checkout WHERE tenant = {} AND customer = {}",
            tenant_id,
            customer_id,
        )
        return [_lease(r) for r in rows]

    async def put_lease(self, tenant_id: str, lease: LeaseRow) -> None:
        await SyncClientTable.raw(
            "INSERT INTO sync_checkout (tenant, customer, user_id, user_name, device, since, "
            "until, checked_in_at, revision) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}) "
            "ON CONFLICT (tenant, customer, user_id, device) DO UPDATE SET "
            "user_name = excluded.user_name, since = excluded.since, until = excluded.until, "
            "checked_in_at = excluded.checked_in_at, revision = excluded.revision",
            tenant_id,
            lease.customer_id,
            lease.user_id,
            lease.user_name,
            lease.device,
            lease.since,
            lease.until,
            lease.checked_in_at,
            lease.revision,
        )

    # -- tombstones of addresses and contacts ----------------------------------------------------

    async def tombstone(
        self, tenant_id: str, entity: str, entity_id: str
    ) -> tuple[str, dict[str, Any], int] | None:
        rows = await select(
            SyncClientTable,
            "SELECT customer, fields, revision FROM sync_tombstone WHERE tenant = {} "
            "AND entity = {} AND entity_id = {}",
            tenant_id,
            entity,
            entity_id,
        )
        if not rows:
            return None
        r = rows[0]
        return str(r["customer"]), json.loads(str(r["fields"])), int(r["revision"])

    async def put_tombstone(
        self,
        tenant_id: str,
        entity: str,
        entity_id: str,
        customer_id: str,
        fields: dict[str, Any],
        revision: int,
        at: dt.datetime,
    ) -> None:
        await SyncClientTable.raw(
            "INSERT INTO sync_tombstone (tenant, entity, entity_id, customer, fields, revision, "
            "deleted_at) VALUES ({}, {}, {}, {}, {}, {}, {}) ON CONFLICT DO NOTHING",
            tenant_id,
            entity,
            entity_id,
            customer_id,
            json.dumps(fields, sort_keys=True),
            revision,
            at,
        )
