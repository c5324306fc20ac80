"""Keys unique per tenant, one membership per user and group, and the grant lookup index."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T09:12:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "access constraints and indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX access_role_tenant_key ON access_role (tenant, key)",
    "CREATE UNIQUE INDEX user_group_tenant_key ON user_group (tenant, key)",
    'CREATE UNIQUE INDEX group_member_unique ON group_member ("group", "user")',
    "CREATE INDEX access_grant_scope ON access_grant (tenant, scope_kind, scope_id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="access", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
