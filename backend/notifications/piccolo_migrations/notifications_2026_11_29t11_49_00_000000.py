"""Unique keys of the notification tables and the digest lookup index."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T11:49:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "notification constraints and indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX notification_preferences_user "
    'ON notification_preferences (tenant, "user")',
    "CREATE UNIQUE INDEX push_device_endpoint ON push_device (tenant, endpoint)",
    "CREATE UNIQUE INDEX notification_delivery_dedupe ON notification_delivery (tenant, dedupe_key)",
    "CREATE INDEX notification_delivery_due "
    'ON notification_delivery (tenant, "user", state, due_at)',
    "CREATE UNIQUE INDEX vapid_key_one_per_tenant ON vapid_key (tenant)",
    "CREATE UNIQUE INDEX notification_sender_one_per_tenant ON notification_sender (tenant)",
    "CREATE INDEX notification_subscription_target "
    "ON notification_subscription (tenant, target_kind, target_id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="notifications", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
