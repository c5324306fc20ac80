"""Piccolo engines tuned for Dossier: a pooled SQLite engine and statement counting on both.

SQLite: Piccolo opens a new connection (and thread) for every query outside a transaction. We keep
a small pool of open connections instead, each prepared once (WAL, foreign keys, busy timeout).
Writes go through one process-wide lock (see :mod:`backend.persistence.database`), so concurrent
requests queue instead of failing with "database is locked".

Statement counting: :func:`count_statements` counts the SQL statements run in its context, so tests
can pin the number of queries a GraphQL request costs (N+1 detection).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import aiosqlite
import asyncpg
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, dict_factory
from piccolo.querystring import QueryString

from backend.persistence.scope import SYSTEM, current_tenant

__all__ = [
    "CountingPostgresEngine",
    "PooledSQLiteEngine",
    "StatementCount",
    "count_statements",
    "record_statement",
    "register_sqlite_function",
]

T = TypeVar("T")


class StatementCount:
    """Mutable counter handed out by :func:`count_statements`."""

    def __init__(self) -> None:
        self.value = 0
        self.statements: list[str] = []


_counter: contextvars.ContextVar[StatementCount | None] = contextvars.ContextVar(
    "dossier_statement_counter", default=None
)


@contextlib.contextmanager
def count_statements() -> Iterator[StatementCount]:
    """Count every SQL statement run by this task (and tasks it starts) inside the block."""
    count = StatementCount()
    token = _counter.set(count)
    try:
        yield count
    finally:
        _counter.reset(token)


def record_statement(sql: str) -> None:
    """Count a statement run outside Piccolo (see :meth:`PooledSQLiteEngine.run_in_transaction`)."""
    _record(sql)


def _record(querystring: QueryString | str) -> None:
    count = _counter.get()
    if count is not None:
        count.value += 1
        count.statements.append(str(querystring)[:200])


_SET_SESSION = (
    "SELECT set_config('dossier.tenant', $1, false), set_config('dossier.system', $2, false)"
)
_SET_LOCAL = "SELECT set_config('dossier.tenant', $1, true), set_config('dossier.system', $2, true)"


def _settings(scope: str) -> tuple[str, str]:
    """``(dossier.tenant, dossier.system)`` for a scope of :mod:`.scope`."""
    return ("", "on") if scope == SYSTEM else (scope, "off")


class ScopedConnection(asyncpg.Connection):  # type: ignore[misc]
    """A pooled connection that remembers the tenant its session is set to.

    It keeps its session state when it goes back to the pool (no ``RESET ALL``, which would cost a
    round trip per statement): the engine sets ``dossier.tenant`` before each statement whose
    scope differs from the one remembered. Dossier uses no LISTEN, cursors or advisory locks on
    pooled connections, which is what the default reset would clear."""

    dossier_tenant: str | None = None

    def get_reset_query(self) -> str:
        return ""

    def remember_tenant(self, tenant: str) -> None:
        self.dossier_tenant = tenant


class _ScopedTransaction(PostgresTransaction):
    """A transaction that sets ``dossier.tenant`` locally whenever a statement's scope differs."""

    dossier_tenant: str | None = None

    async def begin(self) -> None:
        await super().begin()  # type: ignore[no-untyped-call]
        self.dossier_tenant = getattr(self.connection, "dossier_tenant", None)


class CountingPostgresEngine(PostgresEngine):
    """PostgreSQL with statement counting and the tenant scope of :mod:`.scope` on every
    statement (row-level security reads it)."""

    async def start_connection_pool(self, **kwargs: Any) -> None:
        await super().start_connection_pool(connection_class=ScopedConnection, **kwargs)

    def transaction(self, allow_nested: bool = True) -> PostgresTransaction:
        return _ScopedTransaction(engine=self, allow_nested=allow_nested)

    async def run_querystring(self, querystring: QueryString, in_pool: bool = True) -> Any:
        _record(querystring)
        query, args = querystring.compile_string(engine_type=self.engine_type)
        wanted = current_tenant()
        transaction = self.current_transaction.get()
        if transaction is not None:
            if getattr(transaction, "dossier_tenant", None) != wanted:
                await transaction.connection.fetch(_SET_LOCAL, *_settings(wanted))
                transaction.dossier_tenant = wanted  # type: ignore[attr-defined]
            return await transaction.connection.fetch(query, *args)
        if in_pool and self.pool:
            async with self.pool.acquire() as connection:
                if connection.dossier_tenant != wanted:
                    await connection.fetch(_SET_SESSION, *_settings(wanted))
                    connection.remember_tenant(wanted)
                return await connection.fetch(query, *args)
        connection = await self.get_new_connection()
        try:
            if wanted:
                await connection.fetch(_SET_SESSION, *_settings(wanted))
            return await connection.fetch(query, *args)
        finally:
            await connection.close()


class _PooledTransaction(SQLiteTransaction):
    """A transaction whose connection comes from, and returns to, the engine's pool."""

    async def get_connection(self) -> Any:
        assert isinstance(self.engine, PooledSQLiteEngine)
        return _Lease(self.engine, await self.engine.acquire())


class _Lease:
    """Wraps a pooled connection so that Piccolo's ``close()`` returns it to the pool."""

    def __init__(self, engine: PooledSQLiteEngine, connection: aiosqlite.Connection) -> None:
        self._engine = engine
        self._connection = connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    async def close(self) -> None:
        self._engine.release(self._connection)


def _is_read(query: str) -> bool:
    """Piccolo tags only inserts with a query type, so a read is recognised by its verb."""
    return query.lstrip()[:6].upper() == "SELECT"


_SQLITE_FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {}


def register_sqlite_function(name: str, arguments: int, function: Callable[..., Any]) -> None:
    """Make ``function`` callable from SQL on every SQLite connection opened from now on (a
    module defines its functions when imported, before the runtime opens connections)."""
    _SQLITE_FUNCTIONS[name] = (arguments, function)


WAL_CHECKPOINT_PAGES = 10_000
"""Pages in SQLite's write-ahead log (about 40 MB) before a commit checkpoints it."""


class PooledSQLiteEngine(SQLiteEngine):
    """SQLite in WAL mode with a pool of prepared connections."""

    def __init__(self, path: str, pool_size: int = 10, busy_timeout_s: float = 30.0) -> None:
        # No per-column converters: Piccolo's (Decimal for every INTEGER, uuid.UUID for every id,
        # datetime parsing) made reading a row 5x slower than the query. Repositories map the
        # plain SQLite values themselves (backend.persistence.rows).
        super().__init__(path=path, timeout=busy_timeout_s, detect_types=0)
        self._idle: list[aiosqlite.Connection] = []
        self._pool_size = pool_size
        self.write_lock = asyncio.Lock()
        # SQLite runs inside this process: more statements at once than cores only adds thread
        # contention (measured: the cover query got slower with unbounded concurrency).
        self._readers = asyncio.Semaphore(max(2, os.cpu_count() or 2))
        self._closing: set[asyncio.Task[None]] = set()

    async def acquire(self) -> aiosqlite.Connection:
        if self._idle:
            return self._idle.pop()
        pending = aiosqlite.connect(**self.connection_kwargs)
        # An idle pooled connection must never keep the process alive (aiosqlite's worker thread).
        pending._thread.daemon = True  # aiosqlite offers no public switch for this
        connection = await pending
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA foreign_keys = 1")
        await connection.execute("PRAGMA synchronous = FULL")
        # A checkpoint copies every page the log holds into the database file and syncs it.
        # Metadata writes touch the same index leaves batch after batch (a document's history,
        # its audit lines): checkpointing every WAL_CHECKPOINT_PAGES instead of SQLite's 1,000
        # copies each such page once for several commits (docs/adr/0036).
        await connection.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        for name, (arguments, function) in _SQLITE_FUNCTIONS.items():
            await connection.create_function(name, arguments, function, deterministic=True)
        return connection

    def release(self, connection: aiosqlite.Connection) -> None:
        if len(self._idle) < self._pool_size:
            self._idle.append(connection)
        else:
            task = asyncio.get_running_loop().create_task(connection.close())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def close_pool(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()
        if self._closing:  # surplus connections being closed in the background
            await asyncio.gather(*self._closing, return_exceptions=True)

    def transaction(
        self, transaction_type: Any = None, allow_nested: bool = True
    ) -> SQLiteTransaction:
        from piccolo.engine.sqlite import TransactionType

        return _PooledTransaction(
            engine=self,
            transaction_type=transaction_type or TransactionType.deferred,
            allow_nested=allow_nested,
        )

    async def get_connection(self) -> Any:
        return _Lease(self, await self.acquire())

    async def run_in_transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` with the current transaction's connection in that connection's thread:
        several statements for one hop between threads (each hop costs about as much as a small
        statement). ``work`` must call :func:`record_statement` for what it runs, so that
        statement counts stay true."""
        transaction = self.current_transaction.get()
        if transaction is None:
            raise RuntimeError("run_in_transaction needs a transaction")
        connection: aiosqlite.Connection = transaction.connection._connection
        # aiosqlite's queue of work for the connection's thread; it has no public equivalent.
        return await connection._execute(work, connection._conn)  # type: ignore[no-untyped-call,no-any-return]

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> Any:
        _record(querystring)
        return await super().run_querystring(querystring, in_pool=in_pool)

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        # One round trip to the connection's thread instead of three (execute, fetch, close).
        return list(await connection.execute_fetchall(query, args or []))

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        if _is_read(query):
            return await self._run_pooled(query, args)
        async with self.write_lock:
            return await self._run_pooled(query, args)

    async def _run_pooled(self, query: str, args: list[Any] | None) -> Any:
        async with self._readers:
            connection = await self.acquire()
            try:
                rows = list(await connection.execute_fetchall(query, args or []))
                if connection.in_transaction:
                    await connection.commit()
            except BaseException:
                await connection.close()
                raise
            self.release(connection)
            return rows
