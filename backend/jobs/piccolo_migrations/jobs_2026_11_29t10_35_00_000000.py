"""The claim index and one job per (tenant, kind, dedupe key)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T10:35:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "job claim index and dedupe key"

STATEMENTS = [
    "CREATE INDEX job_claim ON job (state, run_after)",
    "CREATE UNIQUE INDEX job_dedupe ON job (tenant, kind, dedupe_key)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="jobs", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
