"""The change feed's tables.

``change`` rows are appended with per-tenant sequence numbers handed out by ``change_head`` (one
row per tenant, its last number), which serialises the appends of one tenant: numbers become
visible in order, so a reader that has seen ``seq`` never misses a smaller one later. The index
``(tenant, customer, seq)`` (made in the migration) makes "changes of a dossier since a cursor"
cost what it returns.
"""

from piccolo.columns import UUID, BigInt, ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.tenancy.tables import TenantTable


class ChangeTable(Table, tablename="change"):
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    seq = BigInt()
    customer = UUID()
    entity = Varchar(length=32)
    entity_id = Varchar(length=255)
    op = Varchar(length=8)
    at = Timestamptz()


class ChangeHeadTable(Table, tablename="change_head"):
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, primary_key=True)
    seq = BigInt()
