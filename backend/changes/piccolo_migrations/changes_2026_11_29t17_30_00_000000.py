"""The change feed's indexes: sequence numbers unique per tenant, and a dossier's changes in order
(reading "changes of customer C since S" walks this index and nothing else)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T17:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "change feed indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX change_tenant_seq ON change (tenant, seq)",
    "CREATE INDEX change_dossier ON change (tenant, customer, seq)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="changes", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
