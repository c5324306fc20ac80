from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T08:06:17:992357"
VERSION = "1.38.0"
DESCRIPTION = "tenant blob root"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="tenancy", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="TenantTable",
        tablename="tenant",
        column_name="blob_root",
        db_column_name="blob_root",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 1000,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
