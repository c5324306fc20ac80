"""One rendition per version, kind and page."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T14:41:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "rendition per version, kind and page"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="documents", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl("DROP INDEX version_rendition_kind")
        await engine.run_ddl(
            "CREATE UNIQUE INDEX version_rendition_page "
            "ON version_rendition (version, kind, page)"
        )

    manager.add_raw(run)
    return manager
