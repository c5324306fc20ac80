"""What a user manages: subscriptions, notification preferences and push devices.

Every method acts for the signed-in principal on their own rows only; another user's id answers
``not_found``. Bad input is refused with ``invalid`` and per-field issues before anything is
written."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import re
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from backend.access.policy import Action, Principal, can
from backend.errors import FieldIssue, Forbidden, NotFound, ValidationFailed
from backend.ids import new_id, parse_id
from backend.notifications.keys import VapidKeyring
from backend.notifications.mail import LOCALES
from backend.notifications.models import (
    Channel,
    Delivery,
    DeviceDraft,
    Event,
    Preferences,
    PushDevice,
    Rhythm,
    Subscription,
    SubscriptionDraft,
    TargetKind,
)
from backend.notifications.ports import NotificationRepository
from backend.notifications.unsubscribe import ALL_MAIL, verify_unsubscribe
from backend.ports import Clock, Transactions
from backend.tenancy.service import CatalogService
from backend.time_zones import is_time_zone

__all__ = ["MAX_DEVICES", "MAX_SUBSCRIPTIONS", "SubscriptionService"]

MAX_SUBSCRIPTIONS = 200
MAX_DEVICES = 20
MAX_ENDPOINT = 1000
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def _choice(
    value: str, allowed: type[Channel] | type[Event] | type[Rhythm] | type[TargetKind]
) -> bool:
    return value in {m.value for m in allowed}


def _b64url_bytes(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


class SubscriptionService:
    def __init__(
        self,
        repo: NotificationRepository,
        catalog: CatalogService,
        customer_visible: Callable[[Principal, str], Awaitable[bool]],
        keyring: VapidKeyring,
        tx: Transactions,
        clock: Clock,
        *,
        secret_key: str,
        allow_loopback_push: bool = False,
        view_visible: Callable[[Principal, str], Awaitable[bool]] | None = None,
    ) -> None:
        """``view_visible``: whether the principal sees a saved view (None: no view is known)."""
        self._repo = repo
        self._catalog = catalog
        self._customer_visible = customer_visible
        self._keyring = keyring
        self._tx = tx
        self._clock = clock
        self._secret_key = secret_key
        self._allow_loopback = allow_loopback_push
        self._view_visible = view_visible

    # -- subscriptions ---------------------------------------------------------------------

    async def subscriptions(self, principal: Principal) -> list[Subscription]:
        return await self._repo.subscriptions_of(principal.tenant_id, principal.user_id)

    def _options(
        self, draft: SubscriptionDraft, issues: list[FieldIssue]
    ) -> tuple[frozenset[Event], frozenset[Channel], Rhythm, int]:
        events = [e.value for e in Event] if draft.events is None else draft.events
        channels = [Channel.PUSH.value] if draft.channels is None else draft.channels
        for value in events:
            if not _choice(value, Event):
                issues.append(FieldIssue("events", "invalid_value", ", ".join(Event)))
        if not events:
            issues.append(FieldIssue("events", "required", "at least one event"))
        for value in channels:
            if not _choice(value, Channel):
                issues.append(FieldIssue("channels", "invalid_value", ", ".join(Channel)))
        if not channels:
            issues.append(FieldIssue("channels", "required", "at least one channel"))
        if not _choice(draft.rhythm, Rhythm):
            issues.append(FieldIssue("rhythm", "invalid_value", ", ".join(Rhythm)))
        if not 0 <= draft.digest_hour <= 23:
            issues.append(FieldIssue("digestHour", "out_of_range", "an hour from 0 to 23"))
        if issues:
            return frozenset(), frozenset(), Rhythm.INSTANT, 0
        return (
            frozenset(Event(e) for e in events),
            frozenset(Channel(c) for c in channels),
            Rhythm(draft.rhythm),
            draft.digest_hour,
        )

    async def _target(
        self, principal: Principal, draft: SubscriptionDraft, issues: list[FieldIssue]
    ) -> tuple[TargetKind, str, str | None]:
        if not _choice(draft.target_kind, TargetKind):
            issues.append(FieldIssue("targetKind", "invalid_value", ", ".join(TargetKind)))
            return TargetKind.CUSTOMER, "", None
        kind = TargetKind(draft.target_kind)
        try:
            target_id = parse_id(kind.value, draft.target_id)
        except NotFound:
            issues.append(FieldIssue("targetId", f"unknown_{kind.value}", "no such target"))
            return kind, "", None
        customer_id = None
        if draft.customer_id is not None:
            if kind is not TargetKind.REGISTER:
                issues.append(
                    FieldIssue("customerId", "not_allowed", "only a register is narrowed to one")
                )
            else:
                customer_id = await self._known_customer(principal, draft.customer_id, issues)
        if kind is TargetKind.CUSTOMER:
            await self._known_customer(principal, target_id, issues, field="targetId")
        elif kind is TargetKind.REGISTER:
            registers = await self._catalog.registers(principal.tenant_id)
            if target_id not in {r.id for r in registers}:
                issues.append(FieldIssue("targetId", "unknown_register", "no such register"))
        elif kind is TargetKind.DOCUMENT_TYPE:
            types = await self._catalog.document_types(principal.tenant_id)
            if target_id not in {t.id for t in types}:
                issues.append(
                    FieldIssue("targetId", "unknown_document_type", "no such document type")
                )
        elif kind is TargetKind.VIEW and not (
            self._view_visible and await self._view_visible(principal, target_id)
        ):
            issues.append(FieldIssue("targetId", "unknown_view", "no such saved view"))
        return kind, target_id, customer_id

    async def _known_customer(
        self,
        principal: Principal,
        customer_id: str,
        issues: list[FieldIssue],
        field: str = "customerId",
    ) -> str | None:
        try:
            parsed = parse_id("customer", customer_id)
        except NotFound:
            parsed = None
        if parsed is None or not await self._customer_visible(principal, parsed):
            issues.append(FieldIssue(field, "unknown_customer", "no such customer"))
            return None
        return parsed

    async def subscribe(self, principal: Principal, draft: SubscriptionDraft) -> Subscription:
        issues: list[FieldIssue] = []
        kind, target_id, customer_id = await self._target(principal, draft, issues)
        events, channels, rhythm, hour = self._options(draft, issues)
        if issues:
            raise ValidationFailed(issues)
        existing = await self.subscriptions(principal)
        if any(
            (s.target_kind, s.target_id, s.customer_id) == (kind, target_id, customer_id)
            for s in existing
        ):
            raise ValidationFailed.one(
                "targetId", "already_subscribed", "you already follow this; change that one"
            )
        if len(existing) >= MAX_SUBSCRIPTIONS:
            raise ValidationFailed.one(
                "targetId", "too_many", f"at most {MAX_SUBSCRIPTIONS} subscriptions"
            )
        subscription = Subscription(
            id=new_id(),
            tenant_id=principal.tenant_id,
            user_id=principal.user_id,
            target_kind=kind,
            target_id=target_id,
            customer_id=customer_id,
            events=events,
            channels=channels,
            rhythm=rhythm,
            digest_hour=hour,
            created_at=self._clock(),
        )
        async with self._tx.write():
            await self._repo.add_subscription(subscription)
        return subscription

    async def _own(self, principal: Principal, subscription_id: str) -> Subscription:
        found = await self._repo.subscription(
            principal.tenant_id, parse_id("subscription", subscription_id)
        )
        if found is None or found.user_id != principal.user_id:
            raise NotFound("subscription", subscription_id)
        return found

    async def update(
        self, principal: Principal, subscription_id: str, draft: SubscriptionDraft
    ) -> Subscription:
        """Change events, channels and rhythm (the target stays; subscribe anew for another)."""
        current = await self._own(principal, subscription_id)
        issues: list[FieldIssue] = []
        events, channels, rhythm, hour = self._options(draft, issues)
        if issues:
            raise ValidationFailed(issues)
        updated = dataclasses.replace(
            current, events=events, channels=channels, rhythm=rhythm, digest_hour=hour
        )
        async with self._tx.write():
            if not await self._repo.replace_subscription(updated):
                raise NotFound("subscription", subscription_id)
        return updated

    async def unsubscribe(self, principal: Principal, subscription_id: str) -> str:
        current = await self._own(principal, subscription_id)
        async with self._tx.write():
            await self._repo.delete_subscription(principal.tenant_id, principal.user_id, current.id)
        return current.id

    async def unsubscribe_by_token(self, token: str) -> int:
        """The one-click link of a mail: stop e-mail for the subscription it names (or for all of
        the user's subscriptions); a subscription left without channels goes. Returns how many
        subscriptions changed; an invalid token raises ``not_found``."""
        parsed = verify_unsubscribe(self._secret_key, token)
        if parsed is None:
            raise NotFound("unsubscribe link", "")
        changed = 0
        async with self._tx.write():
            for s in await self._repo.subscriptions_of(parsed.tenant_id, parsed.user_id):
                if parsed.subscription_id not in (ALL_MAIL, s.id):
                    continue
                if Channel.EMAIL not in s.channels:
                    continue
                channels = s.channels - {Channel.EMAIL}
                if channels:
                    await self._repo.replace_subscription(dataclasses.replace(s, channels=channels))
                else:
                    await self._repo.delete_subscription(s.tenant_id, s.user_id, s.id)
                changed += 1
        return changed

    # -- preferences -----------------------------------------------------------------------

    async def preferences(self, principal: Principal) -> Preferences:
        found = await self._repo.preferences(principal.tenant_id, principal.user_id)
        # Never saved: the zone of the user's calendar (relative search dates), else UTC.
        zone = principal.time_zone or "UTC"
        return found or Preferences(principal.tenant_id, principal.user_id, time_zone=zone)

    async def set_preferences(
        self,
        principal: Principal,
        time_zone: str,
        quiet_start: str | None,
        quiet_end: str | None,
        locale: str | None,
    ) -> Preferences:
        issues: list[FieldIssue] = []
        if not is_time_zone(time_zone):
            example = "an IANA time zone such as Europe/Warsaw"
            issues.append(FieldIssue("timeZone", "unknown_time_zone", example))
        times: list[dt.time | None] = []
        for field, value in (("quietStart", quiet_start), ("quietEnd", quiet_end)):
            parsed = None
            if value is not None:
                try:
                    parsed = dt.time.fromisoformat(value) if len(value) == 5 else None
                except ValueError:
                    parsed = None
                if parsed is None:
                    issues.append(FieldIssue(field, "invalid_time", "HH:MM, e.g. 22:00"))
            times.append(parsed)
        if (quiet_start is None) != (quiet_end is None):
            issues.append(FieldIssue("quietEnd", "required", "quiet hours need start and end"))
        if locale is not None and locale not in LOCALES:
            issues.append(FieldIssue("locale", "invalid_value", ", ".join(LOCALES)))
        if issues:
            raise ValidationFailed(issues)
        preferences = Preferences(
            principal.tenant_id, principal.user_id, time_zone, times[0], times[1], locale
        )
        async with self._tx.write():
            await self._repo.set_preferences(preferences)
        return preferences

    # -- devices ---------------------------------------------------------------------------

    async def vapid_public_key(self, principal: Principal) -> str:
        return await self._keyring.public_key(principal.tenant_id)

    async def devices(self, principal: Principal) -> list[PushDevice]:
        return await self._repo.devices_of(principal.tenant_id, principal.user_id)

    def _check_endpoint(self, endpoint: str, issues: list[FieldIssue]) -> None:
        parts = urlsplit(endpoint)
        if len(endpoint) > MAX_ENDPOINT:
            issues.append(FieldIssue("endpoint", "too_long", f"at most {MAX_ENDPOINT} characters"))
        elif parts.scheme == "https" and parts.hostname:
            return
        elif self._allow_loopback and parts.scheme == "http" and parts.hostname in _LOOPBACK:
            return  # a local push service in development and tests
        else:
            issues.append(FieldIssue("endpoint", "invalid_endpoint", "an https:// URL"))

    async def register_device(self, principal: Principal, draft: DeviceDraft) -> PushDevice:
        """Add this browser's push subscription, or refresh it when the endpoint is known (the
        browser subscribed again, or another user signed in on it)."""
        issues: list[FieldIssue] = []
        self._check_endpoint(draft.endpoint.strip(), issues)
        point = _b64url_bytes(draft.p256dh.strip())
        if point is None or len(point) != 65 or point[0] != 4:
            issues.append(FieldIssue("p256dh", "invalid_key", "an uncompressed P-256 point"))
        secret = _b64url_bytes(draft.auth.strip())
        if secret is None or len(secret) != 16:
            issues.append(FieldIssue("auth", "invalid_key", "16 bytes in base64url"))
        name = draft.name.strip()
        if len(name) > 100:
            issues.append(FieldIssue("name", "too_long", "at most 100 characters"))
        if issues:
            raise ValidationFailed(issues)
        known = await self.devices(principal)
        if len(known) >= MAX_DEVICES and draft.endpoint.strip() not in {d.endpoint for d in known}:
            raise ValidationFailed.one("endpoint", "too_many", f"at most {MAX_DEVICES} devices")
        device = PushDevice(
            id=new_id(),
            tenant_id=principal.tenant_id,
            user_id=principal.user_id,
            endpoint=draft.endpoint.strip(),
            p256dh=draft.p256dh.strip(),
            auth=draft.auth.strip(),
            name=name or "Device",
            created_at=self._clock(),
        )
        async with self._tx.write():
            return await self._repo.save_device(device)

    async def _own_device(self, principal: Principal, device_id: str) -> PushDevice:
        found = await self._repo.device(principal.tenant_id, parse_id("device", device_id))
        if found is None or found.user_id != principal.user_id:
            raise NotFound("device", device_id)
        return found

    async def rename_device(self, principal: Principal, device_id: str, name: str) -> PushDevice:
        device = await self._own_device(principal, device_id)
        name = name.strip()
        if not name:
            raise ValidationFailed.one("name", "required", "is required")
        if len(name) > 100:
            raise ValidationFailed.one("name", "too_long", "at most 100 characters")
        async with self._tx.write():
            await self._repo.rename_device(principal.tenant_id, device.id, name)
        return dataclasses.replace(device, name=name)

    async def remove_device(self, principal: Principal, device_id: str) -> str:
        device = await self._own_device(principal, device_id)
        async with self._tx.write():
            await self._repo.delete_device(principal.tenant_id, device.id)
        return device.id

    # -- the log and the tenant's sender ---------------------------------------------------

    async def deliveries(self, principal: Principal, first: int = 50) -> list[Delivery]:
        return await self._repo.deliveries_of(
            principal.tenant_id, principal.user_id, max(1, min(first, 200))
        )

    async def mail_sender(self, principal: Principal) -> str | None:
        return await self._repo.mail_sender(principal.tenant_id)

    async def set_mail_sender(self, principal: Principal, mail_from: str | None) -> str | None:
        """Administrators set the ``From`` address of their tenant's mails (None: the default)."""
        if not can(principal, Action.ADMIN):
            raise Forbidden("only administrators set the notification sender")
        if mail_from is not None:
            mail_from = mail_from.strip()
            if not _EMAIL.match(mail_from) or len(mail_from) > 320:
                raise ValidationFailed.one("mailFrom", "invalid_email", "an e-mail address")
        async with self._tx.write():
            await self._repo.set_mail_sender(principal.tenant_id, mail_from)
        return mail_from
