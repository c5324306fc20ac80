import os

from piccolo.conf.apps import AppConfig

from backend.search.tables import SearchEntryTable

APP_CONFIG = AppConfig(
    app_name="search",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    migration_dependencies=["backend.tenancy.piccolo_app", "backend.documents.piccolo_app"],
    table_classes=[SearchEntryTable],
)
