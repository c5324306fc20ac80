from piccolo.columns import JSON, UUID, Integer, Timestamptz, Varchar
from piccolo.table import Table


class TenantTable(Table, tablename="tenant"):
    id = UUID(primary_key=True)
    slug = Varchar(length=63, unique=True)
    name = Varchar(length=255)
    locale = Varchar(length=16, default="en")
    cover_schema = JSON(default=[])
    catalog_revision = Integer(default=1)
    blob_root = Varchar(length=1000, null=True, default=None)
    ocr_languages = Varchar(length=32, null=True, default=None)
    created_at = Timestamptz()
