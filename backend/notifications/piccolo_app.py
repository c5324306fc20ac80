import os

from piccolo.conf.apps import AppConfig

from backend.notifications.tables import (
    DeliveryTable,
    MailSenderTable,
    PreferencesTable,
    PushDeviceTable,
    SeenTable,
    SubscriptionTable,
    VapidKeyTable,
)

APP_CONFIG = AppConfig(
    app_name="notifications",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    migration_dependencies=["backend.tenancy.piccolo_app", "backend.accounts.piccolo_app"],
    table_classes=[
        SubscriptionTable,
        PreferencesTable,
        PushDeviceTable,
        DeliveryTable,
        VapidKeyTable,
        MailSenderTable,
        SeenTable,
    ],
)
