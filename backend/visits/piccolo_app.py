import os

from piccolo.conf.apps import AppConfig

from backend.visits.tables import VisitTable

APP_CONFIG = AppConfig(
    app_name="visits",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    migration_dependencies=["backend.customers.piccolo_app"],
    table_classes=[VisitTable],
)
