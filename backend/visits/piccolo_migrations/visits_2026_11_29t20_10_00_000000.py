"""The last visit of a customer is read from the end of ``(customer, visited_at)``; the same index
finds a customer's visits when it is deleted."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T20:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "visit index"

STATEMENTS = [
    "CREATE INDEX customer_visit_last ON customer_visit (customer, visited_at)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="visits", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
