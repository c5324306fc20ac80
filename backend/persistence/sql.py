"""Hand-written reads for hot paths.

Piccolo's query builder costs about half a millisecond of Python per statement; the reads that
every dossier screen makes are written as SQL that both engines accept (``{}`` placeholders).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec
from piccolo.table import Table

__all__ = ["in_ids", "in_list", "recordset", "select"]


def in_list(values: Sequence[object]) -> str:
    """``{}, {}, …`` for an ``IN (…)`` with one placeholder per value (never empty)."""
    if not values:
        raise ValueError("an IN list needs at least one value")
    return ", ".join("{}" for _ in values)


def in_ids(table: type[Table], ids: Sequence[str]) -> tuple[str, object]:
    """``IN …`` of many UUIDs as one bound value (a JSON array on SQLite, a ``uuid[]`` on
    PostgreSQL) and that value: a batch's 500 ids cost one placeholder, not 500 for Piccolo to
    substitute and the engine to parse."""
    if not ids:
        raise ValueError("an IN list needs at least one value")
    if table._meta.db.engine_type == "postgres":
        return "= ANY({}::uuid[])", list(ids)
    return "IN (SELECT value FROM json_each({}))", json.dumps(list(ids))


def recordset(
    columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[object]]
) -> tuple[str, str]:
    """PostgreSQL: ``json_to_recordset({}::json) AS v(name type, …)`` and its one bound value,
    for a set-based write of many rows. One JSON text costs a fraction of one array per column,
    whose every element asyncpg inspects in Python (docs/adr/0035). Dates and times are sent
    as RFC 3339 text, read back exactly."""
    names = [name for name, _ in columns]
    text = msgspec.json.encode([dict(zip(names, row, strict=True)) for row in rows]).decode()
    definition = ", ".join(f"{name} {kind}" for name, kind in columns)
    return f"json_to_recordset({{}}::json) AS v({definition})", text


async def select(table: type[Table], sql: str, *args: Any) -> list[dict[str, Any]]:
    """Run a read on ``table``'s engine; rows as dicts on both engines (SQLite's already are:
    each is a new dict made for this read)."""
    return [row if type(row) is dict else dict(row) for row in await table.raw(sql, *args)]
