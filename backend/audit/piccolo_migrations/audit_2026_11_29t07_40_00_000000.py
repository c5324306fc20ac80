"""The chain head follows every appended event inside the database.

An append was three statements (claim the sequence number, insert the event, move the head hash);
a trigger moves the head hash as part of the insert, so an audited write pays two.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T07:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit head follows inserted events"

POSTGRES = [
    """
CREATE OR REPLACE FUNCTION dossier_audit_head_follows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_head SET hash = NEW.hash WHERE tenant = NEW.tenant AND seq = NEW.seq;
    RETURN NEW;
END
$$
""",
    "CREATE TRIGGER audit_event_moves_head AFTER INSERT ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION dossier_audit_head_follows()",
]
SQLITE = [
    "CREATE TRIGGER audit_event_moves_head AFTER INSERT ON audit_event BEGIN "
    "UPDATE audit_head SET hash = NEW.hash WHERE tenant = NEW.tenant AND seq = NEW.seq; END",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in POSTGRES if engine.engine_type == "postgres" else SQLITE:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
