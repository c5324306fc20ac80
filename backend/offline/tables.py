"""The tables of offline sync.

- ``sync_client``: per client (one app install on one device), its user and the last mutation id
  applied; moved in the transaction of the mutation's effect (exactly once).
- ``sync_conflict``: a value that lost a merge, kept until a person resolves it.
- ``sync_checkout``: a lease on a dossier per user and device, visible to colleagues.
- ``sync_tombstone``: the last fields of a deleted address or contact, so that an offline edit of
  it becomes a conflict instead of bringing it back.

Unique keys are made in the migration: ``(tenant, client_id)``, ``(tenant, customer, user,
device)``, ``(tenant, entity, entity_id)``.
"""

from piccolo.columns import UUID, BigInt, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.tenancy.tables import TenantTable


class SyncClientTable(Table, tablename="sync_client"):
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    client_id = Varchar(length=64)
    user_id = UUID()
    device = Varchar(length=255)
    last_mutation_id = BigInt(default=0)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class SyncConflictTable(Table, tablename="sync_conflict"):
    """``base``, ``mine``, ``theirs`` and ``resolution`` are JSON text; SQL NULL is "absent"
    (the JSON ``null`` is a value). ``record`` is the whole record as the protocol sends it."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    customer = UUID()
    entity = Varchar(length=32)
    entity_id = Varchar(length=255)
    field = Varchar(length=255)
    key = Varchar(length=255, null=True, default=None)
    base = Text(null=True, default=None)
    mine = Text(null=True, default=None)
    theirs = Text(null=True, default=None)
    by_user = UUID()
    device = Varchar(length=255)
    at = Timestamptz()
    resolution = Text(null=True, default=None)
    resolved_by = UUID(null=True, default=None)
    resolved_at = Timestamptz(null=True, default=None)
    record = Text()


class SyncCheckoutTable(Table, tablename="sync_checkout"):
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    customer = UUID()
    user_id = UUID()
    user_name = Varchar(length=255)
    device = Varchar(length=255)
    since = Timestamptz()
    until = Timestamptz()
    checked_in_at = Timestamptz(null=True, default=None)
    revision = Integer(default=1)


class SyncTombstoneTable(Table, tablename="sync_tombstone"):
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    entity = Varchar(length=32)
    entity_id = Varchar(length=255)
    customer = UUID()
    fields = Text()
    revision = Integer(default=1)
    deleted_at = Timestamptz()
