from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T14:40:37:384802"
VERSION = "1.38.0"
DESCRIPTION = "rendition page number and preview page sizes"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="documents", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="PreviewTable",
        tablename="version_preview",
        column_name="page_sizes",
        db_column_name="page_sizes",
        column_class_name="Text",
        column_class=Text,
        params={
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

    manager.add_column(
        table_class_name="RenditionTable",
        tablename="version_rendition",
        column_name="page",
        db_column_name="page",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 1,
            "null": False,
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
