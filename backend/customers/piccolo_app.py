import os

from piccolo.conf.apps import AppConfig

from backend.customers.tables import AddressTable, ContactTable, CustomerTable

APP_CONFIG = AppConfig(
    app_name="customers",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    migration_dependencies=["backend.tenancy.piccolo_app"],
    table_classes=[CustomerTable, AddressTable, ContactTable],
)
