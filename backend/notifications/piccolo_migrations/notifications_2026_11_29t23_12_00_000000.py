"""One "seen up to" mark per user."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T23:12:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one seen mark per user"

STATEMENTS = [
    'CREATE UNIQUE INDEX notification_seen_user ON notification_seen (tenant, "user")',
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="notifications", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
