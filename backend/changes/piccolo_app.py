import os

from piccolo.conf.apps import AppConfig

from backend.changes.tables import ChangeHeadTable, ChangeTable

APP_CONFIG = AppConfig(
    app_name="changes",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    migration_dependencies=["backend.tenancy.piccolo_app"],
    table_classes=[ChangeTable, ChangeHeadTable],
)
