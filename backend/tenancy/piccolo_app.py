import os

from piccolo.conf.apps import AppConfig

from backend.tenancy.tables import TenantTable

APP_CONFIG = AppConfig(
    app_name="tenancy",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    migration_dependencies=[],
    table_classes=[TenantTable],
)
