import os

from piccolo.conf.apps import AppConfig

from backend.geo.tables import GeocodeCacheTable, GeocoderSlotTable

APP_CONFIG = AppConfig(
    app_name="geo",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    migration_dependencies=["backend.customers.piccolo_app"],
    table_classes=[GeocodeCacheTable, GeocoderSlotTable],
)
