import os

from piccolo.conf.apps import AppConfig

from backend.offline.tables import (
    SyncCheckoutTable,
    SyncClientTable,
    SyncConflictTable,
    SyncTombstoneTable,
)

APP_CONFIG = AppConfig(
    app_name="offline",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    migration_dependencies=["backend.tenancy.piccolo_app"],
    table_classes=[SyncClientTable, SyncConflictTable, SyncCheckoutTable, SyncTombstoneTable],
)
