"""The history's index on ``document`` alone goes: ``document_history_order`` (document,
revision) answers every lookup by document, the foreign key's included, and each metadata change
wrote a leaf page of both (docs/adr/0036)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T06:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "no second index on the history's document"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="documents", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl("DROP INDEX IF EXISTS document_history_document")

    manager.add_raw(run)
    return manager
