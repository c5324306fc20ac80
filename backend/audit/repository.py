"""Piccolo implementation of :class:`backend.audit.ports.AuditRepository`."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Sequence
from itertools import groupby
from typing import Any

from backend.audit.checkpoints import Checkpoint
from backend.audit.events import GENESIS_HASH, AuditEvent, EventDraft, seal_run
from backend.audit.tables import AuditCheckpointTable, AuditEventTable, AuditHeadTable
from backend.ids import new_id, new_row_id
from backend.persistence.engines import PooledSQLiteEngine, record_statement
from backend.persistence.rows import as_datetime
from backend.persistence.scope import tenant_scope, tenant_scoped
from backend.persistence.sql import recordset, select

__all__ = ["PiccoloAuditRepository"]


def _event(row: dict[str, Any]) -> AuditEvent:
    return AuditEvent(
        tenant_id=str(row["tenant"]),
        seq=int(row["seq"]),
        occurred_at=as_datetime(row["occurred_at"]),
        actor_id=row["actor"],
        device=row["device"],
        action=row["action"],
        target_type=row["target_type"],
        target_id=row["target_id"],
        details=json.loads(row["details"]),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


_ADVANCE = "UPDATE audit_head SET seq = seq + 1 WHERE tenant = ? RETURNING seq, hash"
_START = "INSERT INTO audit_head (tenant, seq, hash) VALUES (?, 0, ?) ON CONFLICT DO NOTHING"
_INSERT = (
    "INSERT INTO audit_event (id, tenant, seq, occurred_at, actor, device, action, target_type, "
    "target_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


_COLUMNS = (
    ("id", "uuid"),
    ("tenant", "uuid"),
    ("seq", "bigint"),
    ("occurred_at", "timestamptz"),
    ("actor", "text"),
    ("device", "text"),
    ("action", "text"),
    ("target_type", "text"),
    ("target_id", "text"),
    ("details", "text"),
    ("prev_hash", "text"),
    ("hash", "text"),
)
"""The columns of :func:`_row`, as PostgreSQL reads them from JSON."""


def _row(event: AuditEvent, details_json: str) -> tuple[Any, ...]:
    return (
        new_row_id(),
        event.tenant_id,
        event.seq,
        event.occurred_at,
        event.actor_id,
        event.device,
        event.action,
        event.target_type,
        event.target_id,
        details_json,
        event.prev_hash,
        event.hash,
    )


def _append_sqlite(
    connection: sqlite3.Connection, draft: EventDraft, details_json: str
) -> AuditEvent:
    """SQLite, in the connection's thread inside the write transaction: advance the head (start
    the chain if it has none), seal, insert; the trigger moves the head hash."""
    record_statement(_ADVANCE)
    row = connection.execute(_ADVANCE, (draft.tenant_id,)).fetchone()
    if row is None:
        record_statement(_START)
        connection.execute(_START, (draft.tenant_id, GENESIS_HASH))
        record_statement(_ADVANCE)
        row = connection.execute(_ADVANCE, (draft.tenant_id,)).fetchone()
    event = draft.seal(int(row["seq"]), str(row["hash"]))
    record_statement(_INSERT)
    connection.execute(_INSERT, _row(event, details_json))
    return event


_ADVANCE_BY = "UPDATE audit_head SET seq = seq + ? WHERE tenant = ? RETURNING seq, hash"


def _seal_all(
    items: Sequence[tuple[EventDraft, str]], last_seq: int, head_hash: str
) -> list[AuditEvent]:
    """Seal ``items`` in order as the events after ``last_seq`` / ``head_hash``."""
    return seal_run([draft for draft, _ in items], last_seq, head_hash)


def _append_many_sqlite(
    connection: sqlite3.Connection, tenant_id: str, items: Sequence[tuple[EventDraft, str]]
) -> list[AuditEvent]:
    """SQLite: claim ``len(items)`` sequence numbers at once, seal them in order and insert them
    in one ``executemany``; the trigger moves the head hash (only the last event's seq matches)."""
    record_statement(_ADVANCE_BY)
    row = connection.execute(_ADVANCE_BY, (len(items), tenant_id)).fetchone()
    if row is None:
        record_statement(_START)
        connection.execute(_START, (tenant_id, GENESIS_HASH))
        record_statement(_ADVANCE_BY)
        row = connection.execute(_ADVANCE_BY, (len(items), tenant_id)).fetchone()
    events = _seal_all(items, int(row["seq"]) - len(items), str(row["hash"]))
    record_statement(_INSERT)
    connection.executemany(
        _INSERT, [_row(event, text) for event, (_, text) in zip(events, items, strict=True)]
    )
    return events


@tenant_scoped
class PiccoloAuditRepository:
    async def append_many(self, items: Sequence[tuple[EventDraft, str]]) -> list[AuditEvent]:
        events: list[AuditEvent] = []
        for tenant_id, group in groupby(items, lambda item: item[0].tenant_id):
            with tenant_scope(tenant_id):
                events += await self._append_run(tenant_id, list(group))
        return events

    async def _append_run(
        self, tenant_id: str, items: list[tuple[EventDraft, str]]
    ) -> list[AuditEvent]:
        if len(items) == 1:
            return [await self.append(*items[0])]
        engine = AuditEventTable._meta.db
        if engine.engine_type != "postgres":
            assert isinstance(engine, PooledSQLiteEngine)
            return await engine.run_in_transaction(
                lambda connection: _append_many_sqlite(connection, tenant_id, items)
            )
        head = "SELECT seq, hash FROM audit_head WHERE tenant = {} FOR UPDATE"
        rows = await AuditEventTable.raw(head, tenant_id)
        if not rows:
            await self._start_chain(tenant_id)
            rows = await AuditEventTable.raw(head, tenant_id)
        events = _seal_all(items, int(rows[0]["seq"]), str(rows[0]["hash"]))
        source, value = recordset(
            _COLUMNS, (_row(e, t) for e, (_, t) in zip(events, items, strict=True))
        )
        await AuditEventTable.raw(
            "INSERT INTO audit_event (id, tenant, seq, occurred_at, actor, device, action, "
            f"target_type, target_id, details, prev_hash, hash) SELECT v.* FROM {source}",
            value,
        )
        await AuditEventTable.raw(
            "UPDATE audit_head SET seq = {}, hash = {} WHERE tenant = {}",
            events[-1].seq,
            events[-1].hash,
            tenant_id,
        )
        return events

    async def append(self, draft: EventDraft, details_json: str) -> AuditEvent:
        if AuditEventTable._meta.db.engine_type == "postgres":
            event = await self._append_in_one_statement(draft, details_json)
            if event is not None:
                return event
            await self._start_chain(draft.tenant_id)
            event = await self._append_in_one_statement(draft, details_json)
            assert event is not None
            return event
        engine = AuditEventTable._meta.db
        assert isinstance(engine, PooledSQLiteEngine)
        return await engine.run_in_transaction(
            lambda connection: _append_sqlite(connection, draft, details_json)
        )

    async def _start_chain(self, tenant_id: str) -> None:
        """The tenant's first event: its head starts at the genesis hash."""
        await AuditHeadTable.insert(
            AuditHeadTable(tenant=tenant_id, seq=0, hash=GENESIS_HASH)
        ).on_conflict(target=AuditHeadTable.tenant, action="DO NOTHING")

    async def _append_in_one_statement(
        self, draft: EventDraft, details_json: str
    ) -> AuditEvent | None:
        """PostgreSQL: lock the head, move it (its next sequence number, and the hash finished by
        ``sha256`` over the canonical bytes around the old head's values) and insert the event,
        in one statement; None if the chain has no head yet. The hash is checked against the one
        computed here before it is trusted."""
        parts = draft.hash_parts()
        digest = (
            "encode(sha256({}::bytea || convert_to(old.hash || {} || (old.seq + 1)::text, "
            "'UTF8') || {}::bytea), 'hex')"
        )
        rows = await AuditEventTable.raw(
            "WITH old AS (SELECT seq, hash FROM audit_head WHERE tenant = {} FOR UPDATE), "
            f"head AS (UPDATE audit_head h SET seq = old.seq + 1, hash = {digest} FROM old "
            "WHERE h.tenant = {} RETURNING h.tenant, h.seq, h.hash, old.hash AS prev_hash) "
            "INSERT INTO audit_event (id, tenant, seq, occurred_at, actor, device, action, "
            "target_type, target_id, details, prev_hash, hash) "
            "SELECT {}, head.tenant, head.seq, {}, {}, {}, {}, {}, {}, {}, head.prev_hash, "
            "head.hash FROM head RETURNING seq, prev_hash, hash",
            draft.tenant_id,
            parts.prefix,
            parts.middle,
            parts.suffix,
            draft.tenant_id,
            new_row_id(),
            draft.occurred_at,
            draft.actor_id,
            draft.device,
            draft.action,
            draft.target_type,
            draft.target_id,
            details_json,
        )
        if not rows:
            return None
        event = draft.seal(int(rows[0]["seq"]), str(rows[0]["prev_hash"]))
        if event.hash != rows[0]["hash"]:
            raise RuntimeError(f"the database sealed event {event.seq} differently")
        return event

    async def events(
        self,
        tenant_id: str,
        *,
        target: tuple[str, str] | None,
        actor_id: str | None,
        before_seq: int | None,
        limit: int,
    ) -> list[AuditEvent]:
        sql = ["SELECT * FROM audit_event WHERE tenant = {}"]
        args: list[Any] = [tenant_id]
        if target is not None and target[0] == "dossier":
            # A dossier's trail: its customer's events and those of the customer's documents.
            sql.append(
                "AND ((target_type = 'customer' AND target_id = {}) OR (target_type = 'document' "
                "AND target_id IN (SELECT CAST(id AS TEXT) FROM document "
                "WHERE customer = {} AND tenant = {})))"
            )
            args += [target[1], target[1], tenant_id]
        elif target is not None:
            sql.append("AND target_type = {} AND target_id = {}")
            args += list(target)
        if actor_id is not None:
            sql.append("AND actor = {}")
            args.append(actor_id)
        if before_seq is not None:
            sql.append("AND seq < {}")
            args.append(before_seq)
        sql.append("ORDER BY seq DESC LIMIT {}")
        args.append(limit)
        return [_event(r) for r in await select(AuditEventTable, " ".join(sql), *args)]

    async def chain(self, tenant_id: str, batch: int = 5000) -> AsyncIterator[list[AuditEvent]]:
        # Stored order (by id) is not trusted: the verifier must see reordered rows as such, so
        # the chain is read in the order of the rows' own sequence numbers, gaps and all.
        last = 0
        while events := await self.chain_batch(tenant_id, last, batch):
            yield events
            last = events[-1].seq

    async def chain_batch(self, tenant_id: str, after_seq: int, limit: int) -> list[AuditEvent]:
        rows = await select(
            AuditEventTable,
            "SELECT * FROM audit_event WHERE tenant = {} AND seq > {} ORDER BY seq LIMIT {}",
            tenant_id,
            after_seq,
            limit,
        )
        return [_event(r) for r in rows]

    async def head(self, tenant_id: str) -> tuple[int, str]:
        rows = await select(
            AuditHeadTable, "SELECT seq, hash FROM audit_head WHERE tenant = {}", tenant_id
        )
        return (int(rows[0]["seq"]), str(rows[0]["hash"])) if rows else (0, GENESIS_HASH)

    async def checkpoints(self, tenant_id: str, limit: int) -> list[Checkpoint]:
        rows = await select(
            AuditCheckpointTable,
            "SELECT * FROM audit_checkpoint WHERE tenant = {} ORDER BY seq DESC LIMIT {}",
            tenant_id,
            limit,
        )
        return [
            Checkpoint(
                tenant_id=str(r["tenant"]),
                seq=int(r["seq"]),
                head_hash=str(r["head_hash"]),
                merkle_root=str(r["merkle_root"]),
                signed_at=as_datetime(r["signed_at"]),
                key_id=str(r["key_id"]),
                signature=str(r["signature"]),
            )
            for r in rows
        ]

    async def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        await AuditCheckpointTable.insert(
            AuditCheckpointTable(
                id=new_id(),
                tenant=checkpoint.tenant_id,
                seq=checkpoint.seq,
                head_hash=checkpoint.head_hash,
                merkle_root=checkpoint.merkle_root,
                signed_at=checkpoint.signed_at,
                key_id=checkpoint.key_id,
                signature=checkpoint.signature,
            )
        ).on_conflict(target=(AuditCheckpointTable.tenant, AuditCheckpointTable.seq))
