from piccolo.columns import UUID, ForeignKey, Integer, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.tenancy.tables import TenantTable


class RegisterTable(Table, tablename="register"):
    """A tab of every dossier of a tenant; ``parent`` makes the tree.

    ``(tenant, key)`` is unique."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, index=True)
    parent: ForeignKey[Table] = ForeignKey(
        "self", null=True, default=None, on_delete=OnDelete.restrict
    )
    key = Varchar(length=63)
    name = Varchar(length=255)
    position = Integer(default=0)
