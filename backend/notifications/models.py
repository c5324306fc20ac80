"""Notifications as plain data: subscriptions, preferences, push devices and deliveries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "Channel",
    "Delivery",
    "DeliveryState",
    "DeviceDraft",
    "DocumentEvent",
    "Event",
    "Preferences",
    "PushDevice",
    "Rhythm",
    "Subscription",
    "SubscriptionDraft",
    "TargetKind",
    "VapidKeys",
]


class TargetKind(StrEnum):
    CUSTOMER = "customer"
    """A customer's dossier."""
    REGISTER = "register"
    """A register, in one dossier (``customer_id`` set) or across all."""
    DOCUMENT_TYPE = "document_type"
    VIEW = "view"
    """A saved view, by id: matches what the view, run by the subscriber, lists."""


class Channel(StrEnum):
    PUSH = "push"
    EMAIL = "email"


class Rhythm(StrEnum):
    INSTANT = "instant"
    DIGEST = "digest"
    """E-mail once a day at the subscription's hour (push is always instant)."""


class Event(StrEnum):
    DOCUMENT_CREATED = "document_created"
    VERSION_ADDED = "version_added"
    STATUS_CHANGED = "status_changed"


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    tenant_id: str
    user_id: str
    target_kind: TargetKind
    target_id: str
    customer_id: str | None
    events: frozenset[Event]
    channels: frozenset[Channel]
    rhythm: Rhythm
    digest_hour: int
    """Hour of the day (0–23, the user's time zone) the digest goes out."""
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SubscriptionDraft:
    """What a user asks for; validated by the service (unknown values answer ``invalid``)."""

    target_kind: str
    target_id: str
    customer_id: str | None = None
    events: list[str] | None = None
    """None: every event."""
    channels: list[str] | None = None
    """None: push only."""
    rhythm: str = "instant"
    digest_hour: int = 7


@dataclass(frozen=True, slots=True)
class Preferences:
    """Per user: the time zone (for digests and quiet hours), quiet hours and the mail language.

    During quiet hours (``quiet_start`` ≤ local time < ``quiet_end``, across midnight when start is
    later than end) pushes wait until the quiet hours end."""

    tenant_id: str
    user_id: str
    time_zone: str = "UTC"
    quiet_start: dt.time | None = None
    quiet_end: dt.time | None = None
    locale: str | None = None
    """``en``, ``pl`` or ``de``; None: the tenant's language."""
    saved: bool = False
    """Whether the user saved them; False: defaults (the user's own time zone, else UTC)."""


@dataclass(frozen=True, slots=True)
class PushDevice:
    id: str
    tenant_id: str
    user_id: str
    endpoint: str
    p256dh: str
    auth: str
    name: str
    created_at: dt.datetime
    last_delivery_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class DeviceDraft:
    endpoint: str
    p256dh: str
    auth: str
    name: str = ""


class DeliveryState(StrEnum):
    PENDING = "pending"
    """To be sent: by its batch (``notify.send``), or by a retry job of its own after a failure."""
    DIGEST = "digest"
    """Waiting for the user's next digest."""
    SENT = "sent"
    DROPPED = "dropped"
    """Not sent, on purpose: access lost, document deleted, device gone (``last_error`` says)."""
    FAILED = "failed"
    """Retries exhausted."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One notification to one device or mailbox; ``dedupe_key`` is unique per tenant, so a
    repeated fan-out never records (or sends) it twice."""

    id: str
    tenant_id: str
    user_id: str
    channel: Channel
    device_id: str | None
    event: Event
    document_id: str
    version_id: str | None
    subscription_id: str | None
    dedupe_key: str
    state: DeliveryState
    attempts: int
    last_error: str | None
    created_at: dt.datetime
    due_at: dt.datetime
    sent_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class DocumentEvent:
    """What happened, as the outbox job carries it."""

    event: Event
    document_id: str
    version_id: str | None = None
    revision: int | None = None
    actor_id: str | None = None

    @property
    def key(self) -> str:
        """Identifies the event: the base of every delivery's dedupe key."""
        if self.event is Event.VERSION_ADDED:
            return f"version:{self.version_id}"
        if self.event is Event.STATUS_CHANGED:
            return f"status:{self.document_id}:{self.revision}"
        return f"created:{self.document_id}"


@dataclass(frozen=True, slots=True)
class VapidKeys:
    """A tenant's VAPID key pair: the public key (uncompressed P-256 point, base64url) that the
    PWA subscribes with, and the private key (PEM), which never leaves the server."""

    public_key: str
    private_pem: bytes
