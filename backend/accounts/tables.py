from piccolo.columns import UUID, Boolean, ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.tenancy.tables import TenantTable


class UserTable(Table, tablename="user_account"):
    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, index=True)
    email = Varchar(length=320)
    display_name = Varchar(length=255)
    password_hash = Varchar(length=255, null=True, default=None)
    role = Varchar(length=32)
    active = Boolean(default=True)
    time_zone = Varchar(length=64, null=True, default=None)
    created_at = Timestamptz()


class GroupTable(Table, tablename="user_group"):
    """A named set of users (a department, a team) that grants can target. ``(tenant, key)`` is
    unique; ``source_dn`` is set for groups imported from a directory."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=255)
    key = Varchar(length=63, default="")
    source_dn = Varchar(length=1024, null=True, default=None)
    created_at = Timestamptz()


class GroupMemberTable(Table, tablename="group_member"):
    """``source`` is ``manual`` or ``directory``; a directory import only touches its own."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    group = ForeignKey(GroupTable, on_delete=OnDelete.cascade, index=True)
    user = ForeignKey(UserTable, on_delete=OnDelete.cascade, index=True)
    source = Varchar(length=16, default="manual")


class SessionTable(Table, tablename="user_session"):
    """Browser sessions. ``id`` is the SHA-256 of the cookie value, never the value itself."""

    id = Varchar(length=64, primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    user = ForeignKey(UserTable, on_delete=OnDelete.cascade, index=True)
    csrf_token = Varchar(length=64)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    max_expires_at = Timestamptz()
    device = UUID(null=True, default=None, index=True)
    """The device the session is bound to (its first use with ``X-Dossier-Device``)."""


class ApiTokenTable(Table, tablename="api_token"):
    """Tokens for machine clients. ``id`` is the SHA-256 of the token."""

    id = Varchar(length=64, primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    user = ForeignKey(UserTable, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=255)
    created_at = Timestamptz()
    expires_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class DeviceTable(Table, tablename="user_device"):
    """A browser a user works from (docs/adr/0027). ``id`` is derived from the user and the key the
    browser sends in ``X-Dossier-Device``, so the same browser of the same user is one row."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    user = ForeignKey(UserTable, on_delete=OnDelete.cascade, index=True)
    key = Varchar(length=128)
    name = Varchar(length=255)
    first_seen_at = Timestamptz()
    last_seen_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
