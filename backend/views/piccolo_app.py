import os

from piccolo.conf.apps import AppConfig

from backend.views.tables import SavedViewTable

APP_CONFIG = AppConfig(
    app_name="views",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    migration_dependencies=["backend.accounts.piccolo_app"],
    table_classes=[SavedViewTable],
)
