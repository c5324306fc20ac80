"""The sync tables' keys: a client per tenant, a lease per dossier, user and device, a tombstone
per entity; conflicts found per dossier and per user."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T17:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "sync table keys"

STATEMENTS = [
    "CREATE UNIQUE INDEX sync_client_key ON sync_client (tenant, client_id)",
    'CREATE UNIQUE INDEX sync_checkout_key ON sync_checkout (tenant, customer, user_id, device)',
    "CREATE UNIQUE INDEX sync_tombstone_key ON sync_tombstone (tenant, entity, entity_id)",
    "CREATE INDEX sync_conflict_dossier ON sync_conflict (tenant, customer, at)",
    "CREATE INDEX sync_conflict_by ON sync_conflict (tenant, by_user, resolved_at)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="offline", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
