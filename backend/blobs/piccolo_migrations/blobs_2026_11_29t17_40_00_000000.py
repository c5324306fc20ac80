"""Uploads are found by tenant and SHA-256, their chunks in order."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T17:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "resumable upload indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX blob_upload_key ON blob_upload (tenant, sha256)",
    "CREATE UNIQUE INDEX blob_upload_chunk_key ON blob_upload_chunk (tenant, sha256, start)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="blobs", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
