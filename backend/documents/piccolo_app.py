import os

from piccolo.conf.apps import AppConfig

from backend.documents.tables import (
    BlobTable,
    DocumentLinkTable,
    DocumentRegisterTable,
    DocumentTable,
    DocumentTombstoneTable,
    DocumentTypeTable,
    IndexValueTable,
    MetadataChangeTable,
    PreviewTable,
    RenditionTable,
    VersionMailTable,
    VersionTable,
    VersionTextTable,
)

APP_CONFIG = AppConfig(
    app_name="documents",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    migration_dependencies=[
        "backend.tenancy.piccolo_app",
        "backend.accounts.piccolo_app",
        "backend.customers.piccolo_app",
        "backend.dossiers.piccolo_app",
    ],
    table_classes=[
        DocumentTypeTable,
        BlobTable,
        DocumentTable,
        DocumentRegisterTable,
        IndexValueTable,
        VersionTable,
        PreviewTable,
        RenditionTable,
        VersionTextTable,
        VersionMailTable,
        DocumentLinkTable,
        MetadataChangeTable,
        DocumentTombstoneTable,
    ],
)
