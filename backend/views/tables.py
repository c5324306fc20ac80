from piccolo.columns import UUID, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.accounts.tables import GroupTable, UserTable
from backend.tenancy.tables import TenantTable


class SavedViewTable(Table, tablename="saved_view"):
    """A saved search. ``audience`` is ``personal``, ``group`` (``audience_group`` set) or
    ``tenant``; ``placement`` is ``dossier`` or ``global``; ``criteria`` is the versioned JSON of
    :mod:`backend.views.codec`, kept as text. A view goes with its owner or its group."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=120)
    description = Text(null=True, default=None)
    owner = ForeignKey(UserTable, on_delete=OnDelete.cascade, index=True)
    audience = Varchar(length=16)
    audience_group = ForeignKey(GroupTable, on_delete=OnDelete.cascade, null=True, index=True)
    placement = Varchar(length=16)
    position = Integer(default=0)
    criteria = Text()
    created_at = Timestamptz()
    created_by = UUID(null=True, default=None)
    updated_at = Timestamptz()
    updated_by = UUID(null=True, default=None)
