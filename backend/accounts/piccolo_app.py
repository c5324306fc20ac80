import os

from piccolo.conf.apps import AppConfig

from backend.accounts.tables import (
    ApiTokenTable,
    DeviceTable,
    GroupMemberTable,
    GroupTable,
    SessionTable,
    UserTable,
)

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    migration_dependencies=["backend.tenancy.piccolo_app"],
    table_classes=[
        UserTable,
        GroupTable,
        GroupMemberTable,
        SessionTable,
        ApiTokenTable,
        DeviceTable,
    ],
)
