"""Indexes of the audit trail, and triggers that make audit events and document versions
append-only on both engines (UPDATE, DELETE and, on PostgreSQL, TRUNCATE are refused)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T07:14:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit indexes and append-only triggers"

INDEXES = [
    "CREATE UNIQUE INDEX audit_event_chain ON audit_event (tenant, seq)",
    "CREATE INDEX audit_event_target ON audit_event (tenant, target_type, target_id, seq)",
    "CREATE INDEX audit_event_actor ON audit_event (tenant, actor, seq)",
    "CREATE UNIQUE INDEX audit_checkpoint_seq ON audit_checkpoint (tenant, seq)",
]
APPEND_ONLY = ("audit_event", "document_version")

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION dossier_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are append-only', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$
"""


def _statements(engine_type: str) -> list[str]:
    statements = list(INDEXES)
    if engine_type == "postgres":
        statements.append(POSTGRES_FUNCTION)
        for table in APPEND_ONLY:
            statements += [
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION dossier_refuse_change()",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION dossier_refuse_change()",
            ]
    else:
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                statements.append(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'rows of {table} are append-only'); END"
                )
    return statements


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in _statements(engine.engine_type):
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
