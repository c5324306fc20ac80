"""Writing the change feed at commit, and reading a dossier's changes since a cursor.

:func:`append_changes` gives the changes of one transaction their sequence numbers with one
statement on ``change_head`` (``INSERT … ON CONFLICT DO UPDATE … RETURNING``: the tenant's row is
locked until commit on PostgreSQL; SQLite has one writer) and inserts them in one more. It runs
last in the transaction, so the head's lock is always the last one taken and held the shortest
time (docs/adr/0024).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from itertools import groupby
from typing import Any

from backend.changes.models import Change, ChangeDraft, Entity, Op
from backend.changes.tables import ChangeTable
from backend.persistence.engines import PooledSQLiteEngine, record_statement
from backend.persistence.rows import as_datetime
from backend.persistence.scope import tenant_scope, tenant_scoped
from backend.persistence.sql import recordset, select

__all__ = ["PiccoloChangeFeed", "append_changes"]

_ADVANCE = (
    "INSERT INTO change_head (tenant, seq) VALUES ({}, {}) "
    "ON CONFLICT (tenant) DO UPDATE SET seq = change_head.seq + excluded.seq RETURNING seq"
)
_ADVANCE_SQLITE = _ADVANCE.replace("{}", "?")
_INSERT_SQLITE = (
    "INSERT INTO change (tenant, seq, customer, entity, entity_id, op, at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


async def append_changes(drafts: Sequence[ChangeDraft]) -> None:
    """Number and insert ``drafts`` (inside the caller's write transaction), per tenant."""
    for tenant_id, group in groupby(
        sorted(drafts, key=lambda d: d.tenant_id), lambda d: d.tenant_id
    ):
        with tenant_scope(tenant_id):
            await _append(tenant_id, list(group))


_COLUMNS = (
    ("s", "bigint"),
    ("c", "uuid"),
    ("e", "text"),
    ("i", "text"),
    ("o", "text"),
    ("a", "timestamptz"),
)
"""A change as PostgreSQL reads it from JSON (sequence number, customer, entity, id, op, time)."""


async def _append(tenant_id: str, drafts: list[ChangeDraft]) -> None:
    if ChangeTable._meta.db.engine_type == "postgres":
        [head] = await ChangeTable.raw(_ADVANCE, tenant_id, len(drafts))
        first = int(head["seq"]) - len(drafts) + 1
        source, value = recordset(
            _COLUMNS,
            (
                (first + n, d.customer_id, d.entity.value, d.entity_id, d.op.value, d.at)
                for n, d in enumerate(drafts)
            ),
        )
        await ChangeTable.raw(
            "INSERT INTO change (tenant, seq, customer, entity, entity_id, op, at) "
            f"SELECT {{}}, s, c, e, i, o, a FROM {source}",
            tenant_id,
            value,
        )
        return
    engine = ChangeTable._meta.db
    assert isinstance(engine, PooledSQLiteEngine)
    await engine.run_in_transaction(
        lambda connection: _append_sqlite(connection, tenant_id, drafts)
    )


def _append_sqlite(
    connection: sqlite3.Connection, tenant_id: str, drafts: list[ChangeDraft]
) -> None:
    """SQLite, in the connection's thread inside the write transaction: move the head, then one
    prepared insert run for every change (one hop between threads, no statement text to build
    for thousands of values)."""
    record_statement(_ADVANCE_SQLITE)
    row = connection.execute(_ADVANCE_SQLITE, (tenant_id, len(drafts))).fetchone()
    first = int(row["seq"]) - len(drafts) + 1
    record_statement(_INSERT_SQLITE)
    connection.executemany(
        _INSERT_SQLITE,
        [
            (tenant_id, first + n, d.customer_id, d.entity.value, d.entity_id, d.op.value, d.at)
            for n, d in enumerate(drafts)
        ],
    )


def _change(row: dict[str, Any]) -> Change:
    return Change(
        tenant_id=str(row["tenant"]),
        seq=int(row["seq"]),
        customer_id=str(row["customer"]),
        entity=Entity(row["entity"]),
        entity_id=str(row["entity_id"]),
        op=Op(row["op"]),
        at=as_datetime(row["at"]),
    )


@tenant_scoped
class PiccoloChangeFeed:
    async def since(
        self, tenant_id: str, customer_id: str, after_seq: int, limit: int
    ) -> list[Change]:
        """The dossier's changes with a sequence number above ``after_seq``, oldest first, at
        most ``limit`` (one range of the index ``(tenant, customer, seq)``)."""
        rows = await select(
            ChangeTable,
            "SELECT tenant, seq, customer, entity, entity_id, op, at FROM change "
            "WHERE tenant = {} AND customer = {} AND seq > {} ORDER BY seq LIMIT {}",
            tenant_id,
            customer_id,
            after_seq,
            limit,
        )
        return [_change(r) for r in rows]

    async def head(self, tenant_id: str) -> int:
        """The tenant's last sequence number (0 before its first change)."""
        rows = await select(ChangeTable, "SELECT seq FROM change_head WHERE tenant = {}", tenant_id)
        return int(rows[0]["seq"]) if rows else 0
