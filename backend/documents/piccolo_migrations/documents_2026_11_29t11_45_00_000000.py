"""One attachment document per mail version and position."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T11:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one link per mail version and attachment position"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="documents", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(
            "CREATE UNIQUE INDEX document_link_position "
            "ON document_link (source_version, position)"
        )

    manager.add_raw(run)
    return manager
