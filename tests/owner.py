"""SQL as the tables' owner, behind no wall: for tests that look at or tamper with stored rows the
way someone with database access would.

On PostgreSQL the suite's application connects as a role that row-level security holds and that
may not change table definitions; :class:`OwnerSql` connects with the migration URL (the owner)
instead. On SQLite there is one file and no roles: it runs on the application's engine, in the
system scope.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from piccolo.querystring import QueryString

from backend.persistence.scope import system_scope
from backend.runtime import Runtime

__all__ = ["OwnerSql"]


class OwnerSql:
    """``fetch`` runs one statement (``{}`` placeholders); inside ``transaction()`` statements
    share one transaction, committed when the block ends."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._connection: Any = None

    @property
    def is_postgres(self) -> bool:
        return self.runtime.database.is_postgres

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        if not self.is_postgres:
            with system_scope():
                return await self.runtime.database.fetch(sql, *args)
        query, values = QueryString(sql, *args).compile_string(engine_type="postgres")
        if self._connection is not None:
            return [dict(r) for r in await self._connection.fetch(query, *values)]
        connection = await asyncpg.connect(self.runtime.settings.database.migration_url)
        try:
            return [dict(r) for r in await connection.fetch(query, *values)]
        finally:
            await connection.close()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        if not self.is_postgres:
            with system_scope():
                async with self.runtime.database.write():
                    yield
            return
        self._connection = await asyncpg.connect(self.runtime.settings.database.migration_url)
        try:
            async with self._connection.transaction():
                yield
        finally:
            connection, self._connection = self._connection, None
            await connection.close()
