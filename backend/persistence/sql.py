"""Hand-written reads for hot paths.

Piccolo's query builder costs about half a millisecond of Python per statement; the reads that
every dossier screen makes are written as SQL that both engines accept (``{}`` placeholders).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from piccolo.table import Table

__all__ = ["in_list", "select"]


def in_list(values: Sequence[object]) -> str:
    """``{}, {}, …`` for an ``IN (…)`` with one placeholder per value (never empty)."""
    if not values:
        raise ValueError("an IN list needs at least one value")
    return ", ".join("{}" for _ in values)


async def select(table: type[Table], sql: str, *args: Any) -> list[dict[str, Any]]:
    """Run a read on ``table``'s engine; rows as dicts on both engines (SQLite's already are:
    each is a new dict made for this read)."""
    return [row if type(row) is dict else dict(row) for row in await table.raw(sql, *args)]
