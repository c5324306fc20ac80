"""PostgreSQL: an append moves the head itself, in the same statement as the insert.

The append claims the head (``SELECT … FOR UPDATE``), sets its new sequence number and hash and
inserts the event in one statement (``backend.audit.repository``), so the trigger that moved the
head hash after each insert would only write the same row again. SQLite keeps it: there the
append is two statements and the trigger moves the hash.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T10:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "postgres appends move the audit head themselves"

POSTGRES = [
    "DROP TRIGGER IF EXISTS audit_event_moves_head ON audit_event",
    "DROP FUNCTION IF EXISTS dossier_audit_head_follows()",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        if engine.engine_type == "postgres":
            for statement in POSTGRES:
                await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
