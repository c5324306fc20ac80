"""The database port used by every repository: engine choice, binding, transactions, migrations.

Write discipline: every change runs inside :meth:`Database.write`, one transaction. On SQLite that
transaction is ``BEGIN IMMEDIATE`` behind a process-wide lock, so concurrent requests queue rather
than failing with "database is locked"; on PostgreSQL it is an ordinary transaction.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.sqlite import TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

from backend.changes.recording import collecting
from backend.changes.repository import append_changes
from backend.persistence.engines import CountingPostgresEngine, PooledSQLiteEngine
from backend.persistence.walls import ensure_app_role, ensure_walls, grant_app_role
from backend.settings import DatabaseSettings

__all__ = ["Database", "all_tables", "build_engine", "migrate_database"]


SERVER_SETTINGS = {"plan_cache_mode": "force_custom_plan"}
"""Every statement is planned for its values. asyncpg prepares each statement, and after five
runs PostgreSQL would switch to a generic plan that ignores them: for a search that plan reads
the whole GIN bitmap of a word even when the customer's few entries are the cheap way in
(3 ms planned for the values, about 70 ms generic, at a million documents)."""


def build_engine(settings: DatabaseSettings) -> Engine[Any]:
    if settings.is_postgres:
        return CountingPostgresEngine(
            config={"dsn": settings.url, "server_settings": SERVER_SETTINGS}, extensions=()
        )
    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return PooledSQLiteEngine(path=str(settings.sqlite_path), pool_size=settings.pool_size)


def all_tables() -> list[type[Table]]:
    from piccolo.conf.apps import AppRegistry

    from backend import piccolo_conf

    registry: AppRegistry = piccolo_conf.APP_REGISTRY
    from piccolo.apps.migrations.tables import Migration

    tables = [table for app in registry.app_configs.values() for table in app.table_classes]
    return [*tables, Migration]


def _bind(engine: Engine[Any]) -> None:
    """Point every table (and Piccolo's migration machinery) at ``engine``."""
    for table in all_tables():
        table._meta.db = engine
    from backend import piccolo_conf

    piccolo_conf.DB = engine


class Database:
    """One per process. Binds all tables to its engine on creation."""

    def __init__(self, settings: DatabaseSettings) -> None:
        self.settings = settings
        self.engine = build_engine(settings)
        _bind(self.engine)

    @property
    def is_postgres(self) -> bool:
        return self.settings.is_postgres

    async def start(self) -> None:
        if isinstance(self.engine, CountingPostgresEngine):
            await self.engine.start_connection_pool(min_size=1, max_size=self.settings.pool_size)

    async def close(self) -> None:
        if isinstance(self.engine, CountingPostgresEngine):
            await self.engine.close_connection_pool()
        elif isinstance(self.engine, PooledSQLiteEngine):
            await self.engine.close_pool()

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[None]:
        """One write transaction; committed when the block ends, rolled back if it raises.

        The changes it recorded for the change feed (:func:`backend.changes.recording
        .record_change`) are numbered and written just before it commits (docs/adr/0024)."""
        engine = self.engine
        if engine.current_transaction.get() is not None:
            yield  # already inside a write: join it
            return
        if isinstance(engine, PooledSQLiteEngine):
            async with engine.write_lock, engine.transaction(TransactionType.immediate):
                with collecting() as changes:
                    yield
                if changes:
                    await append_changes(changes)
        else:
            async with engine.transaction():
                with collecting() as changes:
                    yield
                if changes:
                    await append_changes(changes)

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        """Run hand-written SQL with ``{}`` placeholders (Piccolo's QueryString syntax)."""
        rows = await self.engine.run_querystring(QueryString(sql, *args))
        return [dict(r) for r in rows]

    async def pending_migrations(self) -> list[str]:
        """Ids of migrations not yet applied, over all apps."""
        from piccolo.apps.migrations.commands.base import BaseMigrationManager
        from piccolo.apps.migrations.tables import Migration

        os.environ["PICCOLO_CONF"] = "backend.piccolo_conf"
        manager = BaseMigrationManager()
        pending: list[str] = []
        table_exists = await Migration.table_exists()
        for app_name in manager.get_sorted_app_names():
            config = manager.get_app_config(app_name)
            modules = manager.get_migration_modules(config.resolved_migrations_folder_path)
            ran = (
                set(await Migration.get_migrations_which_ran(app_name=app_name))
                if table_exists
                else set()
            )
            pending += [
                f"{app_name}:{m}" for m in manager.get_migration_ids(modules) if m not in ran
            ]
        return pending

    async def migrate(self) -> str:
        """Apply pending migrations (see :func:`migrate_database`); return Piccolo's log."""
        try:
            return await migrate_database(
                self.settings, None if self.settings.owner_url else self.engine
            )
        finally:
            _bind(self.engine)


async def migrate_database(settings: DatabaseSettings, engine: Engine[Any] | None = None) -> str:
    """Apply all pending migrations of every app, in dependency order, as the tables' owner
    (``engine``, or one made from ``settings.migration_url``); then, on PostgreSQL, keep the
    row-level security walls true and, when the application connects as a role of its own,
    create that role if missing and grant it row access. Return Piccolo's log.

    Tables stay bound to the engine used; :class:`Database` binds them back to its own."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    owner = engine or build_engine(replace(settings, url=settings.migration_url, owner_url=None))
    _bind(owner)
    # Piccolo's migration machinery finds the app registry through this variable.
    os.environ["PICCOLO_CONF"] = "backend.piccolo_conf"
    log = io.StringIO()
    with contextlib.redirect_stdout(log):
        result = await run_forwards("all")
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}\n{log.getvalue()}")
    if settings.is_postgres:
        walled = await ensure_walls(owner)
        if walled:
            log.write(f"row-level security on: {', '.join(walled)}\n")
        role = settings.role
        if settings.owner_url and role:
            if await ensure_app_role(owner, role, settings.password):
                log.write(f"created the application role {role}\n")
            await grant_app_role(owner, role)
    return log.getvalue()
