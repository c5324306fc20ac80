from piccolo.columns import UUID, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.accounts.tables import UserTable
from backend.tenancy.tables import TenantTable


class SubscriptionTable(Table, tablename="notification_subscription"):
    """A user's wish to hear about a target. ``events`` and ``channels`` are JSON lists;
    ``customer_id`` narrows a register subscription to one dossier."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, index=True)
    user = ForeignKey(UserTable, on_delete=OnDelete.cascade, index=True)
    target_kind = Varchar(length=16)
    target_id = Varchar(length=64)
    customer_id = Varchar(length=64, null=True, default=None)
    events = Text()
    channels = Text()
    rhythm = Varchar(length=16, default="instant")
    digest_hour = Integer(default=7)
    created_at = Timestamptz()


class PreferencesTable(Table, tablename="notification_preferences"):
    """One row per user who changed the defaults; quiet hours as ``HH:MM``."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, index=True)
    user = ForeignKey(UserTable, on_delete=OnDelete.cascade)
    time_zone = Varchar(length=64, default="UTC")
    quiet_start = Varchar(length=5, null=True, default=None)
    quiet_end = Varchar(length=5, null=True, default=None)
    locale = Varchar(length=8, null=True, default=None)


class PushDeviceTable(Table, tablename="push_device"):
    """A browser's push subscription; ``endpoint`` is unique per tenant."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, index=True)
    user = ForeignKey(UserTable, on_delete=OnDelete.cascade, index=True)
    endpoint = Text()
    p256dh = Varchar(length=128)
    auth = Varchar(length=64)
    name = Varchar(length=100, default="")
    created_at = Timestamptz()
    last_delivery_at = Timestamptz(null=True, default=None)


class DeliveryTable(Table, tablename="notification_delivery"):
    """The delivery log: one row per notification to one device or mailbox, unique by
    ``(tenant, dedupe_key)``."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, index=True)
    user = ForeignKey(UserTable, on_delete=OnDelete.cascade)
    channel = Varchar(length=16)
    device_id = Varchar(length=64, null=True, default=None)
    event = Varchar(length=32)
    document_id = Varchar(length=64)
    version_id = Varchar(length=64, null=True, default=None)
    subscription_id = Varchar(length=64, null=True, default=None)
    dedupe_key = Varchar(length=255)
    state = Varchar(length=16, default="pending")
    attempts = Integer(default=0)
    last_error = Text(null=True, default=None)
    created_at = Timestamptz()
    due_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)


class VapidKeyTable(Table, tablename="vapid_key"):
    """A tenant's VAPID key pair; the private key is encrypted with the installation's secret."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, index=True)
    public_key = Varchar(length=128)
    private_key = Text()
    created_at = Timestamptz()


class MailSenderTable(Table, tablename="notification_sender"):
    """The ``From`` address of a tenant's mails, when it differs from the installation's."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, index=True)
    mail_from = Varchar(length=320)


class SeenTable(Table, tablename="notification_seen"):
    """Up to when a user has seen their in-app notifications: one row per user who has opened
    the list; later notifications count as unread."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, index=True)
    user = ForeignKey(UserTable, on_delete=OnDelete.cascade)
    seen_up_to = Timestamptz()
