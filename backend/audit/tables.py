"""The audit trail's tables. Rows are appended, never changed (triggers refuse UPDATE and DELETE).

``details`` holds the canonical JSON text that was hashed, byte for byte; ``audit_head`` holds each
tenant's chain head and is the row that serialises appends per tenant.
"""

from piccolo.columns import UUID, BigInt, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.tenancy.tables import TenantTable


class AuditEventTable(Table, tablename="audit_event"):
    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    seq = BigInt()
    occurred_at = Timestamptz()
    actor = Varchar(length=36, null=True, default=None)
    device = Varchar(length=255)
    action = Varchar(length=63)
    target_type = Varchar(length=63)
    target_id = Varchar(length=255)
    details = Text()
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)


class AuditHeadTable(Table, tablename="audit_head"):
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, primary_key=True)
    seq = BigInt()
    hash = Varchar(length=64)


class AuditCheckpointTable(Table, tablename="audit_checkpoint"):
    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    seq = BigInt()
    head_hash = Varchar(length=64)
    merkle_root = Varchar(length=64)
    signed_at = Timestamptz()
    key_id = Varchar(length=16)
    signature = Text()
