from piccolo.columns import UUID, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.accounts.tables import GroupTable, UserTable
from backend.tenancy.tables import TenantTable


class RoleTable(Table, tablename="access_role"):
    """A tenant's own role: a named set of actions (JSON list). ``(tenant, key)`` is unique."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, index=True)
    key = Varchar(length=63)
    name = Varchar(length=255)
    actions = Text()
    created_at = Timestamptz()


class GrantTable(Table, tablename="access_grant"):
    """A role given to one user or one group on a scope, for a time.

    Exactly one of ``subject_user`` and ``subject_group`` is set; ``scope_id`` is NULL for the
    tenant scope. ``role_key`` names a built-in role or one of :class:`RoleTable`."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, index=True)
    role_key = Varchar(length=63)
    subject_user = ForeignKey(UserTable, on_delete=OnDelete.cascade, null=True, index=True)
    subject_group = ForeignKey(GroupTable, on_delete=OnDelete.cascade, null=True, index=True)
    scope_kind = Varchar(length=16)
    scope_id = UUID(null=True, default=None)
    valid_from = Timestamptz(null=True, default=None)
    valid_until = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    created_by = UUID(null=True, default=None)
