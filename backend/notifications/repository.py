"""Piccolo implementation of :class:`backend.notifications.ports.NotificationRepository`."""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from backend.ids import new_id
from backend.notifications.models import (
    Channel,
    Delivery,
    DeliveryState,
    Event,
    Preferences,
    PushDevice,
    Rhythm,
    Subscription,
    TargetKind,
)
from backend.notifications.tables import (
    DeliveryTable,
    MailSenderTable,
    PreferencesTable,
    PushDeviceTable,
    SeenTable,
    SubscriptionTable,
    VapidKeyTable,
)
from backend.persistence.rows import as_datetime, opt_datetime, opt_str
from backend.persistence.scope import tenant_scoped
from backend.persistence.sql import in_list, select

__all__ = ["PiccoloNotificationRepository"]

_SUBSCRIPTION = (
    'SELECT id, tenant, "user", target_kind, target_id, customer_id, events, channels, rhythm, '
    "digest_hour, created_at FROM notification_subscription"
)
_DEVICE = (
    'SELECT id, tenant, "user", endpoint, p256dh, auth, name, created_at, last_delivery_at '
    "FROM push_device"
)
_DELIVERY = (
    'SELECT id, tenant, "user", channel, device_id, event, document_id, version_id, '
    "subscription_id, dedupe_key, state, attempts, last_error, created_at, due_at, sent_at "
    "FROM notification_delivery"
)


@functools.lru_cache(maxsize=256)
def _events(raw: str) -> frozenset[Event]:
    return frozenset(Event(e) for e in json.loads(raw))


@functools.lru_cache(maxsize=64)
def _channels(raw: str) -> frozenset[Channel]:
    return frozenset(Channel(c) for c in json.loads(raw))


def _json_text(value: object) -> str:
    """A JSON column as its text (a driver may hand it over decoded): the parsers above cache by
    it, since a fan-out reads thousands of subscriptions with a handful of distinct lists."""
    return value if isinstance(value, str) else json.dumps(value)


def _subscription(row: dict[str, Any]) -> Subscription:
    return Subscription(
        id=str(row["id"]),
        tenant_id=str(row["tenant"]),
        user_id=str(row["user"]),
        target_kind=TargetKind(row["target_kind"]),
        target_id=row["target_id"],
        customer_id=opt_str(row["customer_id"]),
        events=_events(_json_text(row["events"])),
        channels=_channels(_json_text(row["channels"])),
        rhythm=Rhythm(row["rhythm"]),
        digest_hour=int(row["digest_hour"]),
        created_at=as_datetime(row["created_at"]),
    )


def _device(row: dict[str, Any]) -> PushDevice:
    return PushDevice(
        id=str(row["id"]),
        tenant_id=str(row["tenant"]),
        user_id=str(row["user"]),
        endpoint=row["endpoint"],
        p256dh=row["p256dh"],
        auth=row["auth"],
        name=row["name"],
        created_at=as_datetime(row["created_at"]),
        last_delivery_at=opt_datetime(row["last_delivery_at"]),
    )


def _delivery(row: dict[str, Any]) -> Delivery:
    return Delivery(
        id=str(row["id"]),
        tenant_id=str(row["tenant"]),
        user_id=str(row["user"]),
        channel=Channel(row["channel"]),
        device_id=opt_str(row["device_id"]),
        event=Event(row["event"]),
        document_id=row["document_id"],
        version_id=opt_str(row["version_id"]),
        subscription_id=opt_str(row["subscription_id"]),
        dedupe_key=row["dedupe_key"],
        state=DeliveryState(row["state"]),
        attempts=int(row["attempts"]),
        last_error=opt_str(row["last_error"]),
        created_at=as_datetime(row["created_at"]),
        due_at=as_datetime(row["due_at"]),
        sent_at=opt_datetime(row["sent_at"]),
    )


_BULK = 5000
"""Deliveries per INSERT of :meth:`PiccoloNotificationRepository.add_deliveries`."""

_DELIVERY_FIELDS = (
    ("id", "uuid"),
    ("tenant", "uuid"),
    ("user", "uuid"),
    ("channel", "text"),
    ("device_id", "text"),
    ("event", "text"),
    ("document_id", "text"),
    ("version_id", "text"),
    ("subscription_id", "text"),
    ("dedupe_key", "text"),
    ("state", "text"),
    ("created_at", "timestamptz"),
    ("due_at", "timestamptz"),
)
_DELIVERY_INSERT_COLUMNS = ", ".join(f'"{name}"' for name, _ in _DELIVERY_FIELDS) + ", attempts"
_DELIVERY_RECORDS_POSTGRES = (
    "SELECT "
    + ", ".join(f'r."{name}"' for name, _ in _DELIVERY_FIELDS)
    + ", 0 FROM jsonb_to_recordset({}::jsonb) AS r("
    + ", ".join(f'"{name}" {kind}' for name, kind in _DELIVERY_FIELDS)
    + ")"
)
# SQLite needs a WHERE in an INSERT … SELECT that ends in ON CONFLICT (its parser would read the
# ON as a join's otherwise).
_DELIVERY_RECORDS_SQLITE = (
    "SELECT "
    + ", ".join(f"json_extract(value, '$.{name}')" for name, _ in _DELIVERY_FIELDS)
    + ", 0 FROM json_each({}) WHERE true"
)


@functools.lru_cache(maxsize=64)
def _stored_time(value: dt.datetime) -> str:
    """A timestamp as both engines take it from JSON: in UTC, in the text SQLite keeps (the
    form Piccolo's own SQLite adapter writes, so that comparisons of stored text agree). A
    fan-out's deliveries share a few moments, hence the cache."""
    return str(value.astimezone(dt.UTC))


def _delivery_record(d: Delivery) -> dict[str, object]:
    return {
        "id": d.id,
        "tenant": d.tenant_id,
        "user": d.user_id,
        "channel": d.channel.value,
        "device_id": d.device_id,
        "event": d.event.value,
        "document_id": d.document_id,
        "version_id": d.version_id,
        "subscription_id": d.subscription_id,
        "dedupe_key": d.dedupe_key,
        "state": d.state.value,
        "created_at": _stored_time(d.created_at),
        "due_at": _stored_time(d.due_at),
    }


_CHUNK = 400
"""Ids per ``IN (…)`` list."""


def _chunks(values: list[str]) -> list[list[str]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def _time(value: Any) -> dt.time | None:
    return None if value is None else dt.time.fromisoformat(str(value))


def _hhmm(value: dt.time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


@tenant_scoped
class PiccoloNotificationRepository:
    # -- subscriptions ---------------------------------------------------------------------

    async def add_subscription(self, subscription: Subscription) -> None:
        s = subscription
        await SubscriptionTable.raw(
            'INSERT INTO notification_subscription (id, tenant, "user", target_kind, target_id, '
            "customer_id, events, channels, rhythm, digest_hour, created_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            s.id,
            s.tenant_id,
            s.user_id,
            s.target_kind.value,
            s.target_id,
            s.customer_id,
            json.dumps(sorted(e.value for e in s.events)),
            json.dumps(sorted(c.value for c in s.channels)),
            s.rhythm.value,
            s.digest_hour,
            s.created_at,
        )

    async def replace_subscription(self, subscription: Subscription) -> bool:
        s = subscription
        rows = await SubscriptionTable.raw(
            "UPDATE notification_subscription SET events = {}, channels = {}, rhythm = {}, "
            'digest_hour = {} WHERE tenant = {} AND id = {} AND "user" = {} RETURNING id',
            json.dumps(sorted(e.value for e in s.events)),
            json.dumps(sorted(c.value for c in s.channels)),
            s.rhythm.value,
            s.digest_hour,
            s.tenant_id,
            s.id,
            s.user_id,
        )
        return bool(rows)

    async def delete_subscription(self, tenant_id: str, user_id: str, sub_id: str) -> bool:
        rows = await SubscriptionTable.raw(
            'DELETE FROM notification_subscription WHERE tenant = {} AND "user" = {} AND id = {} '
            "RETURNING id",
            tenant_id,
            user_id,
            sub_id,
        )
        return bool(rows)

    async def subscriptions_of(self, tenant_id: str, user_id: str) -> list[Subscription]:
        rows = await select(
            SubscriptionTable,
            _SUBSCRIPTION + ' WHERE tenant = {} AND "user" = {} ORDER BY created_at, id',
            tenant_id,
            user_id,
        )
        return [_subscription(r) for r in rows]

    async def subscription(self, tenant_id: str, sub_id: str) -> Subscription | None:
        rows = await select(
            SubscriptionTable, _SUBSCRIPTION + " WHERE tenant = {} AND id = {}", tenant_id, sub_id
        )
        return _subscription(rows[0]) if rows else None

    async def candidates(
        self, tenant_id: str, customer_id: str, document_type_id: str, register_ids: list[str]
    ) -> list[Subscription]:
        sql = (
            _SUBSCRIPTION + " WHERE tenant = {} AND ((target_kind = 'customer' AND target_id = {}) "
            "OR (target_kind = 'document_type' AND target_id = {})"
        )
        args: list[Any] = [tenant_id, customer_id, document_type_id]
        if register_ids:
            sql += f" OR (target_kind = 'register' AND target_id IN ({in_list(register_ids)}))"
            args += register_ids
        rows = await select(SubscriptionTable, sql + ") ORDER BY created_at, id", *args)
        return [_subscription(r) for r in rows]

    async def view_subscriptions(self, tenant_id: str, event: str) -> list[Subscription]:
        rows = await select(
            SubscriptionTable,
            _SUBSCRIPTION + " WHERE tenant = {} AND target_kind = 'view' ORDER BY created_at, id",
            tenant_id,
        )
        return [s for s in map(_subscription, rows) if event in s.events]

    # -- preferences -----------------------------------------------------------------------

    async def preferences(self, tenant_id: str, user_id: str) -> Preferences | None:
        rows = await select(
            PreferencesTable,
            "SELECT time_zone, quiet_start, quiet_end, locale FROM notification_preferences "
            'WHERE tenant = {} AND "user" = {}',
            tenant_id,
            user_id,
        )
        if not rows:
            return None
        r = rows[0]
        return Preferences(
            tenant_id=tenant_id,
            user_id=user_id,
            time_zone=r["time_zone"],
            quiet_start=_time(r["quiet_start"]),
            quiet_end=_time(r["quiet_end"]),
            locale=opt_str(r["locale"]),
            saved=True,
        )

    async def preferences_of(self, tenant_id: str, user_ids: list[str]) -> dict[str, Preferences]:
        found: dict[str, Preferences] = {}
        for chunk in _chunks(user_ids):
            rows = await select(
                PreferencesTable,
                'SELECT "user", time_zone, quiet_start, quiet_end, locale FROM '
                f'notification_preferences WHERE tenant = {{}} AND "user" IN ({in_list(chunk)})',
                tenant_id,
                *chunk,
            )
            for r in rows:
                found[str(r["user"])] = Preferences(
                    tenant_id=tenant_id,
                    user_id=str(r["user"]),
                    time_zone=r["time_zone"],
                    quiet_start=_time(r["quiet_start"]),
                    quiet_end=_time(r["quiet_end"]),
                    locale=opt_str(r["locale"]),
                    saved=True,
                )
        return found

    async def set_preferences(self, preferences: Preferences) -> None:
        p = preferences
        await PreferencesTable.raw(
            'INSERT INTO notification_preferences (id, tenant, "user", time_zone, quiet_start, '
            "quiet_end, locale) VALUES ({}, {}, {}, {}, {}, {}, {}) "
            'ON CONFLICT (tenant, "user") DO UPDATE SET time_zone = EXCLUDED.time_zone, '
            "quiet_start = EXCLUDED.quiet_start, quiet_end = EXCLUDED.quiet_end, "
            "locale = EXCLUDED.locale",
            new_id(),
            p.tenant_id,
            p.user_id,
            p.time_zone,
            _hhmm(p.quiet_start),
            _hhmm(p.quiet_end),
            p.locale,
        )

    # -- devices ---------------------------------------------------------------------------

    async def save_device(self, device: PushDevice) -> PushDevice:
        d = device
        rows = await PushDeviceTable.raw(
            'INSERT INTO push_device (id, tenant, "user", endpoint, p256dh, auth, name, '
            "created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}) "
            'ON CONFLICT (tenant, endpoint) DO UPDATE SET "user" = EXCLUDED."user", '
            "p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, name = EXCLUDED.name "
            "RETURNING id",
            d.id,
            d.tenant_id,
            d.user_id,
            d.endpoint,
            d.p256dh,
            d.auth,
            d.name,
            d.created_at,
        )
        saved = await self.device(d.tenant_id, str(rows[0]["id"]))
        assert saved is not None
        return saved

    async def devices_of(self, tenant_id: str, user_id: str) -> list[PushDevice]:
        rows = await select(
            PushDeviceTable,
            _DEVICE + ' WHERE tenant = {} AND "user" = {} ORDER BY created_at, id',
            tenant_id,
            user_id,
        )
        return [_device(r) for r in rows]

    async def devices_of_users(
        self, tenant_id: str, user_ids: list[str]
    ) -> dict[str, list[PushDevice]]:
        found: dict[str, list[PushDevice]] = {}
        for chunk in _chunks(user_ids):
            rows = await select(
                PushDeviceTable,
                _DEVICE + f' WHERE tenant = {{}} AND "user" IN ({in_list(chunk)}) '
                "ORDER BY created_at, id",
                tenant_id,
                *chunk,
            )
            for r in rows:
                found.setdefault(str(r["user"]), []).append(_device(r))
        return found

    async def devices_by_ids(self, tenant_id: str, device_ids: list[str]) -> list[PushDevice]:
        found: list[PushDevice] = []
        for chunk in _chunks(device_ids):
            rows = await select(
                PushDeviceTable,
                _DEVICE + f" WHERE tenant = {{}} AND id IN ({in_list(chunk)})",
                tenant_id,
                *chunk,
            )
            found += [_device(r) for r in rows]
        return found

    async def device(self, tenant_id: str, device_id: str) -> PushDevice | None:
        rows = await select(
            PushDeviceTable, _DEVICE + " WHERE tenant = {} AND id = {}", tenant_id, device_id
        )
        return _device(rows[0]) if rows else None

    async def rename_device(self, tenant_id: str, device_id: str, name: str) -> bool:
        rows = await PushDeviceTable.raw(
            "UPDATE push_device SET name = {} WHERE tenant = {} AND id = {} RETURNING id",
            name,
            tenant_id,
            device_id,
        )
        return bool(rows)

    async def delete_device(self, tenant_id: str, device_id: str) -> bool:
        rows = await PushDeviceTable.raw(
            "DELETE FROM push_device WHERE tenant = {} AND id = {} RETURNING id",
            tenant_id,
            device_id,
        )
        return bool(rows)

    async def touch_device(self, tenant_id: str, device_id: str, at: dt.datetime) -> None:
        await PushDeviceTable.raw(
            "UPDATE push_device SET last_delivery_at = {} WHERE tenant = {} AND id = {}",
            at,
            tenant_id,
            device_id,
        )

    async def touch_devices(self, tenant_id: str, device_ids: list[str], at: dt.datetime) -> None:
        for chunk in _chunks(device_ids):
            await PushDeviceTable.raw(
                "UPDATE push_device SET last_delivery_at = {} "
                f"WHERE tenant = {{}} AND id IN ({in_list(chunk)})",
                at,
                tenant_id,
                *chunk,
            )

    async def delete_devices(self, tenant_id: str, device_ids: list[str]) -> None:
        for chunk in _chunks(device_ids):
            await PushDeviceTable.raw(
                f"DELETE FROM push_device WHERE tenant = {{}} AND id IN ({in_list(chunk)})",
                tenant_id,
                *chunk,
            )

    # -- deliveries ------------------------------------------------------------------------

    async def add_delivery(self, delivery: Delivery) -> bool:
        d = delivery
        rows = await DeliveryTable.raw(
            'INSERT INTO notification_delivery (id, tenant, "user", channel, device_id, event, '
            "document_id, version_id, subscription_id, dedupe_key, state, attempts, created_at, "
            "due_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 0, {}, {}) "
            "ON CONFLICT DO NOTHING RETURNING id",
            d.id,
            d.tenant_id,
            d.user_id,
            d.channel.value,
            d.device_id,
            d.event.value,
            d.document_id,
            d.version_id,
            d.subscription_id,
            d.dedupe_key,
            d.state.value,
            d.created_at,
            d.due_at,
        )
        return bool(rows)

    async def add_deliveries(self, deliveries: list[Delivery]) -> set[str]:
        """Insert those not yet recorded (by dedupe key); return the ids inserted. The rows go as
        one JSON parameter that the database unpacks: a fan-out inserts thousands, and a
        placeholder per value would cost more Python than the insert costs the database."""
        added: set[str] = set()
        source = (
            _DELIVERY_RECORDS_POSTGRES
            if DeliveryTable._meta.db.engine_type == "postgres"
            else _DELIVERY_RECORDS_SQLITE
        )
        for start in range(0, len(deliveries), _BULK):
            records = json.dumps([_delivery_record(d) for d in deliveries[start : start + _BULK]])
            rows = await DeliveryTable.raw(
                f"INSERT INTO notification_delivery ({_DELIVERY_INSERT_COLUMNS}) {source} "
                "ON CONFLICT DO NOTHING RETURNING id",
                records,
            )
            added |= {str(r["id"]) for r in rows}
        return added

    async def deliveries_by_ids(self, tenant_id: str, delivery_ids: list[str]) -> list[Delivery]:
        found: list[Delivery] = []
        for chunk in _chunks(delivery_ids):
            rows = await select(
                DeliveryTable,
                _DELIVERY + f" WHERE tenant = {{}} AND id IN ({in_list(chunk)})",
                tenant_id,
                *chunk,
            )
            found += [_delivery(r) for r in rows]
        return found

    async def mark_deliveries(
        self,
        tenant_id: str,
        delivery_ids: list[str],
        state: DeliveryState,
        *,
        attempts: int | None = None,
        error: str | None = None,
        sent_at: dt.datetime | None = None,
    ) -> None:
        for chunk in _chunks(delivery_ids):
            await DeliveryTable.raw(
                "UPDATE notification_delivery SET state = {}, "
                "attempts = COALESCE({}, attempts), last_error = COALESCE({}, last_error), "
                "sent_at = COALESCE({}, sent_at) "
                f"WHERE tenant = {{}} AND id IN ({in_list(chunk)})",
                state.value,
                attempts,
                error,
                sent_at,
                tenant_id,
                *chunk,
            )

    async def delivery(self, tenant_id: str, delivery_id: str) -> Delivery | None:
        rows = await select(
            DeliveryTable, _DELIVERY + " WHERE tenant = {} AND id = {}", tenant_id, delivery_id
        )
        return _delivery(rows[0]) if rows else None

    async def mark_delivery(
        self,
        tenant_id: str,
        delivery_id: str,
        state: DeliveryState,
        *,
        attempts: int | None = None,
        error: str | None = None,
        sent_at: dt.datetime | None = None,
    ) -> None:
        await DeliveryTable.raw(
            "UPDATE notification_delivery SET state = {}, attempts = COALESCE({}, attempts), "
            "last_error = COALESCE({}, last_error), sent_at = COALESCE({}, sent_at) "
            "WHERE tenant = {} AND id = {}",
            state.value,
            attempts,
            error,
            sent_at,
            tenant_id,
            delivery_id,
        )

    async def digest_due(self, tenant_id: str, user_id: str, at: dt.datetime) -> list[Delivery]:
        rows = await select(
            DeliveryTable,
            _DELIVERY + ' WHERE tenant = {} AND "user" = {} AND state = {} AND due_at <= {} '
            "ORDER BY created_at, id",
            tenant_id,
            user_id,
            DeliveryState.DIGEST.value,
            at,
        )
        return [_delivery(r) for r in rows]

    async def deliveries_of(self, tenant_id: str, user_id: str, limit: int) -> list[Delivery]:
        rows = await select(
            DeliveryTable,
            _DELIVERY + ' WHERE tenant = {} AND "user" = {} ORDER BY created_at DESC, id LIMIT {}',
            tenant_id,
            user_id,
            limit,
        )
        return [_delivery(r) for r in rows]

    async def deliveries_since(
        self, tenant_id: str, user_id: str, since: dt.datetime | None, limit: int
    ) -> list[Delivery]:
        if since is None:
            return await self.deliveries_of(tenant_id, user_id, limit)
        rows = await select(
            DeliveryTable,
            _DELIVERY + ' WHERE tenant = {} AND "user" = {} AND created_at > {} '
            "ORDER BY created_at DESC, id LIMIT {}",
            tenant_id,
            user_id,
            since,
            limit,
        )
        return [_delivery(r) for r in rows]

    # -- read mark -------------------------------------------------------------------------

    async def seen_up_to(self, tenant_id: str, user_id: str) -> dt.datetime | None:
        rows = await select(
            SeenTable,
            'SELECT seen_up_to FROM notification_seen WHERE tenant = {} AND "user" = {}',
            tenant_id,
            user_id,
        )
        return as_datetime(rows[0]["seen_up_to"]) if rows else None

    async def mark_seen(self, tenant_id: str, user_id: str, at: dt.datetime) -> None:
        await SeenTable.raw(
            'INSERT INTO notification_seen (id, tenant, "user", seen_up_to) '
            "VALUES ({}, {}, {}, {}) "
            'ON CONFLICT (tenant, "user") DO UPDATE SET seen_up_to = EXCLUDED.seen_up_to '
            "WHERE notification_seen.seen_up_to < EXCLUDED.seen_up_to",
            new_id(),
            tenant_id,
            user_id,
            at,
        )

    # -- keys and senders ------------------------------------------------------------------

    async def vapid_key(self, tenant_id: str) -> tuple[str, str] | None:
        rows = await select(
            VapidKeyTable,
            "SELECT public_key, private_key FROM vapid_key WHERE tenant = {}",
            tenant_id,
        )
        return (rows[0]["public_key"], rows[0]["private_key"]) if rows else None

    async def add_vapid_key(
        self, tenant_id: str, public_key: str, encrypted_private: str, at: dt.datetime
    ) -> None:
        await VapidKeyTable.raw(
            "INSERT INTO vapid_key (id, tenant, public_key, private_key, created_at) "
            "VALUES ({}, {}, {}, {}, {}) ON CONFLICT DO NOTHING",
            new_id(),
            tenant_id,
            public_key,
            encrypted_private,
            at,
        )

    async def replace_vapid_key(
        self, tenant_id: str, public_key: str, encrypted_private: str, at: dt.datetime
    ) -> None:
        await VapidKeyTable.raw(
            "UPDATE vapid_key SET public_key = {}, private_key = {}, created_at = {} "
            "WHERE tenant = {}",
            public_key,
            encrypted_private,
            at,
            tenant_id,
        )

    async def mail_sender(self, tenant_id: str) -> str | None:
        rows = await select(
            MailSenderTable,
            "SELECT mail_from FROM notification_sender WHERE tenant = {}",
            tenant_id,
        )
        return str(rows[0]["mail_from"]) if rows else None

    async def set_mail_sender(self, tenant_id: str, mail_from: str | None) -> None:
        if mail_from is None:
            await MailSenderTable.raw(
                "DELETE FROM notification_sender WHERE tenant = {}", tenant_id
            )
            return
        await MailSenderTable.raw(
            "INSERT INTO notification_sender (id, tenant, mail_from) VALUES ({}, {}, {}) "
            "ON CONFLICT (tenant) DO UPDATE SET mail_from = EXCLUDED.mail_from",
            new_id(),
            tenant_id,
            mail_from,
        )
