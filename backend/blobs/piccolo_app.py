import os

from piccolo.conf.apps import AppConfig

from backend.blobs.tables import BlobUploadChunkTable, BlobUploadTable

APP_CONFIG = AppConfig(
    app_name="blobs",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    migration_dependencies=["backend.tenancy.piccolo_app"],
    table_classes=[BlobUploadTable, BlobUploadChunkTable],
)
