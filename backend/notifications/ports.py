from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal, Protocol

from backend.notifications.models import (
    Delivery,
    DeliveryState,
    Preferences,
    PushDevice,
    Subscription,
    VapidKeys,
)

__all__ = [
    "MailFailed",
    "MailSender",
    "NotificationRepository",
    "PushMessage",
    "PushOutcome",
    "PushSender",
    "SealedPushes",
]


class NotificationRepository(Protocol):
    # -- subscriptions ---------------------------------------------------------------------
    async def add_subscription(self, subscription: Subscription) -> None: ...

    async def replace_subscription(self, subscription: Subscription) -> bool: ...

    async def delete_subscription(self, tenant_id: str, user_id: str, sub_id: str) -> bool: ...

    async def subscriptions_of(self, tenant_id: str, user_id: str) -> list[Subscription]: ...

    async def subscription(self, tenant_id: str, sub_id: str) -> Subscription | None: ...

    async def candidates(
        self, tenant_id: str, customer_id: str, document_type_id: str, register_ids: list[str]
    ) -> list[Subscription]:
        """Subscriptions whose target is the customer, the type or one of the registers."""
        ...

    async def view_subscriptions(self, tenant_id: str, event: str) -> list[Subscription]:
        """The tenant's subscriptions to saved views that ask for ``event``."""
        ...

    # -- preferences -----------------------------------------------------------------------
    async def preferences(self, tenant_id: str, user_id: str) -> Preferences | None: ...

    async def preferences_of(self, tenant_id: str, user_ids: list[str]) -> dict[str, Preferences]:
        """Preferences of those of ``user_ids`` who set any, by user id."""
        ...

    async def set_preferences(self, preferences: Preferences) -> None: ...

    # -- devices ---------------------------------------------------------------------------
    async def save_device(self, device: PushDevice) -> PushDevice:
        """Insert, or take over the row with the same endpoint (a re-subscription); return it."""
        ...

    async def devices_of(self, tenant_id: str, user_id: str) -> list[PushDevice]: ...

    async def devices_of_users(
        self, tenant_id: str, user_ids: list[str]
    ) -> dict[str, list[PushDevice]]:
        """Devices of ``user_ids``, by user id (users without devices are absent)."""
        ...

    async def devices_by_ids(self, tenant_id: str, device_ids: list[str]) -> list[PushDevice]:
        """Those of ``device_ids`` that exist."""
        ...

    async def device(self, tenant_id: str, device_id: str) -> PushDevice | None: ...

    async def rename_device(self, tenant_id: str, device_id: str, name: str) -> bool: ...

    async def delete_device(self, tenant_id: str, device_id: str) -> bool: ...

    async def touch_device(self, tenant_id: str, device_id: str, at: dt.datetime) -> None: ...

    async def touch_devices(
        self, tenant_id: str, device_ids: list[str], at: dt.datetime
    ) -> None: ...

    async def delete_devices(self, tenant_id: str, device_ids: list[str]) -> None: ...

    # -- deliveries ------------------------------------------------------------------------
    async def add_delivery(self, delivery: Delivery) -> bool:
        """Record ``delivery``; False (nothing written) if its dedupe key exists."""
        ...

    async def add_deliveries(self, deliveries: list[Delivery]) -> set[str]:
        """Record ``deliveries`` in a few statements; return the ids of those written (the others'
        dedupe keys existed)."""
        ...

    async def deliveries_by_ids(self, tenant_id: str, delivery_ids: list[str]) -> list[Delivery]:
        """Those of ``delivery_ids`` that exist, in no particular order."""
        ...

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
        """:meth:`mark_delivery` for many, one statement per few hundred."""
        ...

    async def delivery(self, tenant_id: str, delivery_id: str) -> Delivery | None: ...

    async def mark_delivery(
        self,
        tenant_id: str,
        delivery_id: str,
        state: DeliveryState,
        *,
        attempts: int | None = None,
        error: str | None = None,
        sent_at: dt.datetime | None = None,
    ) -> None: ...

    async def digest_due(self, tenant_id: str, user_id: str, at: dt.datetime) -> list[Delivery]:
        """The user's deliveries waiting for a digest that is due at ``at``, oldest first."""
        ...

    async def deliveries_of(self, tenant_id: str, user_id: str, limit: int) -> list[Delivery]:
        """The user's delivery log, newest first."""
        ...

    async def deliveries_since(
        self, tenant_id: str, user_id: str, since: dt.datetime | None, limit: int
    ) -> list[Delivery]:
        """The user's deliveries recorded after ``since`` (None: all), newest first."""
        ...

    async def seen_up_to(self, tenant_id: str, user_id: str) -> dt.datetime | None:
        """Up to when the user has seen their notifications (None: never opened them)."""
        ...

    async def mark_seen(self, tenant_id: str, user_id: str, at: dt.datetime) -> None:
        """Move the user's mark to ``at``, unless it is later already."""
        ...

    # -- keys and senders ------------------------------------------------------------------
    async def vapid_key(self, tenant_id: str) -> tuple[str, str] | None:
        """(public key, encrypted private key) of the tenant, if made."""
        ...

    async def add_vapid_key(
        self, tenant_id: str, public_key: str, encrypted_private: str, at: dt.datetime
    ) -> None:
        """Keep the tenant's key pair unless one exists (a concurrent first start wins once)."""
        ...

    async def replace_vapid_key(
        self, tenant_id: str, public_key: str, encrypted_private: str, at: dt.datetime
    ) -> None: ...

    async def mail_sender(self, tenant_id: str) -> str | None: ...

    async def set_mail_sender(self, tenant_id: str, mail_from: str | None) -> None: ...


@dataclass(frozen=True, slots=True)
class PushMessage:
    device: PushDevice
    payload: bytes
    ttl: int
    urgency: str


@dataclass(frozen=True, slots=True)
class PushOutcome:
    """``sent``; ``gone`` (404/410: the subscription no longer exists); ``retry`` (429, 5xx,
    network) with the reason."""

    result: Literal["sent", "gone", "retry"]
    status: int | None = None
    detail: str = ""


class SealedPushes(Protocol):
    """Messages handed to :meth:`PushSender.seal`: sealing on other cores while the caller does
    other work; sent with :meth:`PushSender.send_sealed`."""

    def discard(self) -> None:
        """Stop sealing what is left; nothing of it will be sent."""
        ...


class PushSender(Protocol):
    async def send(
        self, device: PushDevice, payload: bytes, keys: VapidKeys, *, ttl: int, urgency: str
    ) -> PushOutcome: ...

    def seal(self, messages: Sequence[PushMessage], keys: VapidKeys) -> SealedPushes:
        """Start encrypting and signing ``messages`` now (call from the event loop)."""
        ...

    async def send_sealed(self, sealed: SealedPushes, which: Sequence[int]) -> list[PushOutcome]:
        """Send the messages at indices ``which`` of ``sealed`` (each as soon as it is sealed),
        the others not at all; one outcome per index, in order. Never raises for a single
        message's failure."""
        ...

    async def send_many(
        self, messages: Sequence[PushMessage], keys: VapidKeys
    ) -> list[PushOutcome]:
        """Send ``messages`` concurrently over one connection pool; one outcome per message, in
        order. Never raises for a single message's failure."""
        ...


class MailFailed(Exception):
    """Sending failed; ``permanent`` when retrying cannot help (a refused recipient)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class MailSender(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Hand ``message`` over for delivery or raise :class:`MailFailed`."""
        ...
