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
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.sqlite import TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

from backend.persistence.engines import CountingPostgresEngine, PooledSQLiteEngine
from backend.settings import DatabaseSettings

__all__ = ["Database", "all_tables", "build_engine"]


def build_engine(settings: DatabaseSettings) -> Engine[Any]:
    if settings.is_postgres:
        return CountingPostgresEngine(config={"dsn": settings.url}, extensions=())
    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return PooledSQLiteEngine(path=str(settings.sqlite_path), pool_size=settings.pool_size)


def all_tables() -> list[type[Table]]:
    from piccolo.conf.apps import AppRegistry

    from backend import piccolo_conf

    registry: AppRegistry = piccolo_conf.APP_REGISTRY
    from piccolo.apps.migrations.tables import Migration

    tables = [table for app in registry.app_configs.values() for table in app.table_classes]
    return [*tables, Migration]


class Database:
    """One per process. Binds all tables to its engine on creation."""

    def __init__(self, settings: DatabaseSettings) -> None:
        self.settings = settings
        self.engine = build_engine(settings)
        for table in all_tables():
            table._meta.db = self.engine
        from backend import piccolo_conf

        piccolo_conf.DB = self.engine

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
        """One write transaction; committed when the block ends, rolled back if it raises."""
        engine = self.engine
        if isinstance(engine, PooledSQLiteEngine):
            if engine.current_transaction.get() is not None:
                yield  # already inside a write: join it
                return
            async with engine.write_lock, engine.transaction(TransactionType.immediate):
                yield
        else:
            async with engine.transaction():
                yield

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
        """Apply all pending migrations of every app, in dependency order; return Piccolo's log."""
        from piccolo.apps.migrations.commands.forwards import run_forwards

        # Piccolo's migration machinery finds the app registry through this variable.
        os.environ["PICCOLO_CONF"] = "backend.piccolo_conf"
        log = io.StringIO()
        with contextlib.redirect_stdout(log):
            result = await run_forwards("all")
        if not result.success:
            raise RuntimeError(f"migration failed: {result.message}\n{log.getvalue()}")
        return log.getvalue()
