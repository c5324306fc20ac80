"""GraphQL for notifications: the signed-in user's subscriptions, preferences, push devices and
delivery log; the VAPID public key the PWA subscribes with; the tenant's mail sender (admins)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from typing import Annotated

import strawberry

from backend.errors import DossierError
from backend.graphql.access import Removed
from backend.graphql.context import Info
from backend.graphql.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ValidationError,
    as_error,
)
from backend.notifications.models import (
    Delivery,
    DeviceDraft,
    Preferences,
    PushDevice,
    Subscription,
    SubscriptionDraft,
)

__all__ = ["NotificationMutation", "NotificationQuery"]


@strawberry.enum(name="SubscriptionTarget", description="What a subscription follows.")
class TargetEnum(Enum):
    CUSTOMER = "customer"
    REGISTER = "register"
    DOCUMENT_TYPE = "document_type"
    VIEW = "view"


@strawberry.enum(name="NotificationEvent")
class EventEnum(Enum):
    DOCUMENT_CREATED = "document_created"
    VERSION_ADDED = "version_added"
    STATUS_CHANGED = "status_changed"


@strawberry.enum(name="NotificationChannel")
class ChannelEnum(Enum):
    PUSH = "push"
    EMAIL = "email"


@strawberry.enum(name="NotificationRhythm")
class RhythmEnum(Enum):
    INSTANT = "instant"
    DIGEST = "digest"


@strawberry.type(name="NotificationSubscription")
class SubscriptionNode:
    id: strawberry.ID
    target_kind: TargetEnum
    target_id: strawberry.ID
    customer_id: strawberry.ID | None = strawberry.field(
        description="A register subscription narrowed to one dossier."
    )
    events: list[EventEnum]
    channels: list[ChannelEnum]
    rhythm: RhythmEnum
    digest_hour: int = strawberry.field(description="Hour of the e-mail digest, user's time zone.")
    created_at: dt.datetime

    @classmethod
    def of(cls, s: Subscription) -> SubscriptionNode:
        return cls(
            id=strawberry.ID(s.id),
            target_kind=TargetEnum(s.target_kind.value),
            target_id=strawberry.ID(s.target_id),
            customer_id=strawberry.ID(s.customer_id) if s.customer_id else None,
            events=sorted((EventEnum(e.value) for e in s.events), key=lambda e: e.value),
            channels=sorted((ChannelEnum(c.value) for c in s.channels), key=lambda c: c.value),
            rhythm=RhythmEnum(s.rhythm.value),
            digest_hour=s.digest_hour,
            created_at=s.created_at,
        )


@strawberry.type(name="NotificationPreferences")
class PreferencesNode:
    time_zone: str
    quiet_start: str | None = strawberry.field(description="HH:MM; pushes wait until quietEnd.")
    quiet_end: str | None
    locale: str | None = strawberry.field(description="en, pl or de; null: the tenant's.")
    saved: bool = strawberry.field(
        description="False until the user saves them: the values are defaults (the user's "
        "own time zone, else UTC)."
    )

    @classmethod
    def of(cls, p: Preferences) -> PreferencesNode:
        return cls(
            time_zone=p.time_zone,
            quiet_start=p.quiet_start.strftime("%H:%M") if p.quiet_start else None,
            quiet_end=p.quiet_end.strftime("%H:%M") if p.quiet_end else None,
            locale=p.locale,
            saved=p.saved,
        )


@strawberry.type(name="PushDevice", description="A browser that receives push notifications.")
class DeviceNode:
    id: strawberry.ID
    name: str
    created_at: dt.datetime
    last_delivery_at: dt.datetime | None

    @classmethod
    def of(cls, d: PushDevice) -> DeviceNode:
        return cls(
            id=strawberry.ID(d.id),
            name=d.name,
            created_at=d.created_at,
            last_delivery_at=d.last_delivery_at,
        )


@strawberry.type(name="NotificationDelivery", description="One notification, as logged.")
class DeliveryNode:
    id: strawberry.ID
    channel: ChannelEnum
    event: EventEnum
    document_id: strawberry.ID
    device_id: strawberry.ID | None
    state: str = strawberry.field(description="pending, digest, sent, dropped or failed.")
    attempts: int
    last_error: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None

    @classmethod
    def of(cls, d: Delivery) -> DeliveryNode:
        return cls(
            id=strawberry.ID(d.id),
            channel=ChannelEnum(d.channel.value),
            event=EventEnum(d.event.value),
            document_id=strawberry.ID(d.document_id),
            device_id=strawberry.ID(d.device_id) if d.device_id else None,
            state=d.state.value,
            attempts=d.attempts,
            last_error=d.last_error,
            created_at=d.created_at,
            sent_at=d.sent_at,
        )


@strawberry.input
class SubscriptionInput:
    target_kind: TargetEnum
    target_id: strawberry.ID
    customer_id: strawberry.ID | None = None
    events: list[EventEnum] | None = strawberry.field(default=None, description="null: all.")
    channels: list[ChannelEnum] | None = strawberry.field(default=None, description="null: push.")
    rhythm: RhythmEnum = RhythmEnum.INSTANT
    digest_hour: int = 7

    def to_domain(self) -> SubscriptionDraft:
        change = SubscriptionChangeInput(
            events=self.events,
            channels=self.channels,
            rhythm=self.rhythm,
            digest_hour=self.digest_hour,
        ).to_domain()
        return dataclasses.replace(
            change,
            target_kind=self.target_kind.value,
            target_id=str(self.target_id),
            customer_id=None if self.customer_id is None else str(self.customer_id),
        )


@strawberry.input(description="What a subscription hears and how; its target stays.")
class SubscriptionChangeInput:
    events: list[EventEnum] | None = strawberry.field(default=None, description="null: all.")
    channels: list[ChannelEnum] | None = strawberry.field(default=None, description="null: push.")
    rhythm: RhythmEnum = RhythmEnum.INSTANT
    digest_hour: int = 7

    def to_domain(self) -> SubscriptionDraft:
        return SubscriptionDraft(
            target_kind="",
            target_id="",
            events=None if self.events is None else [e.value for e in self.events],
            channels=None if self.channels is None else [c.value for c in self.channels],
            rhythm=self.rhythm.value,
            digest_hour=self.digest_hour,
        )


@strawberry.input(description="What PushManager.subscribe() answered, and a name for the list.")
class PushDeviceInput:
    endpoint: str
    p256dh: str
    auth: str
    name: str = ""


@strawberry.input
class PreferencesInput:
    time_zone: str = "UTC"
    quiet_start: str | None = None
    quiet_end: str | None = None
    locale: str | None = None


_Errors = ValidationError | NotFoundError | ConflictError | ForbiddenError
SubscriptionResult = Annotated[
    SubscriptionNode | _Errors, strawberry.union("NotificationSubscriptionResult")
]
DeviceResult = Annotated[DeviceNode | _Errors, strawberry.union("PushDeviceResult")]
PreferencesResult = Annotated[
    PreferencesNode | _Errors, strawberry.union("NotificationPreferencesResult")
]
RemovalResult = Annotated[Removed | _Errors, strawberry.union("NotificationRemovalResult")]


@strawberry.type(name="MailSender")
class SenderNode:
    mail_from: str | None = strawberry.field(description="null: the installation's default.")


SenderResult = Annotated[SenderNode | _Errors, strawberry.union("MailSenderResult")]


@strawberry.type
class NotificationQuery:
    @strawberry.field(description="The signed-in user's subscriptions.")
    async def notification_subscriptions(self, info: Info) -> list[SubscriptionNode]:
        ctx = info.context
        found = await ctx.services.notifications.subscriptions(ctx.principal)
        return [SubscriptionNode.of(s) for s in found]

    @strawberry.field
    async def notification_preferences(self, info: Info) -> PreferencesNode:
        ctx = info.context
        return PreferencesNode.of(await ctx.services.notifications.preferences(ctx.principal))

    @strawberry.field(description="The signed-in user's push devices.")
    async def push_devices(self, info: Info) -> list[DeviceNode]:
        ctx = info.context
        return [DeviceNode.of(d) for d in await ctx.services.notifications.devices(ctx.principal)]

    @strawberry.field(
        description="The applicationServerKey for PushManager.subscribe() (base64url)."
    )
    async def vapid_public_key(self, info: Info) -> str:
        ctx = info.context
        return await ctx.services.notifications.vapid_public_key(ctx.principal)

    @strawberry.field(description="The signed-in user's notifications, newest first.")
    async def notification_deliveries(self, info: Info, first: int = 50) -> list[DeliveryNode]:
        ctx = info.context
        found = await ctx.services.notifications.deliveries(ctx.principal, first)
        return [DeliveryNode.of(d) for d in found]


@strawberry.type
class NotificationMutation:
    @strawberry.mutation
    async def subscribe(self, info: Info, input: SubscriptionInput) -> SubscriptionResult:
        ctx = info.context
        try:
            found = await ctx.services.notifications.subscribe(ctx.principal, input.to_domain())
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return SubscriptionNode.of(found)

    @strawberry.mutation(description="Change events, channels and rhythm; the target stays.")
    async def update_subscription(
        self, info: Info, id: strawberry.ID, input: SubscriptionChangeInput
    ) -> SubscriptionResult:
        ctx = info.context
        try:
            found = await ctx.services.notifications.update(
                ctx.principal, str(id), input.to_domain()
            )
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return SubscriptionNode.of(found)

    @strawberry.mutation
    async def unsubscribe(self, info: Info, id: strawberry.ID) -> RemovalResult:
        ctx = info.context
        try:
            gone = await ctx.services.notifications.unsubscribe(ctx.principal, str(id))
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return Removed(id=strawberry.ID(gone))

    @strawberry.mutation
    async def set_notification_preferences(
        self, info: Info, input: PreferencesInput
    ) -> PreferencesResult:
        ctx = info.context
        try:
            found = await ctx.services.notifications.set_preferences(
                ctx.principal, input.time_zone, input.quiet_start, input.quiet_end, input.locale
            )
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return PreferencesNode.of(found)

    @strawberry.mutation(description="Add this browser's push subscription (or refresh it).")
    async def register_push_device(self, info: Info, input: PushDeviceInput) -> DeviceResult:
        ctx = info.context
        draft = DeviceDraft(input.endpoint, input.p256dh, input.auth, input.name)
        try:
            found = await ctx.services.notifications.register_device(ctx.principal, draft)
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return DeviceNode.of(found)

    @strawberry.mutation
    async def rename_push_device(self, info: Info, id: strawberry.ID, name: str) -> DeviceResult:
        ctx = info.context
        try:
            found = await ctx.services.notifications.rename_device(ctx.principal, str(id), name)
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return DeviceNode.of(found)

    @strawberry.mutation
    async def remove_push_device(self, info: Info, id: strawberry.ID) -> RemovalResult:
        ctx = info.context
        try:
            gone = await ctx.services.notifications.remove_device(ctx.principal, str(id))
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return Removed(id=strawberry.ID(gone))

    @strawberry.mutation(description="Administrators: the From address of the tenant's mails.")
    async def set_mail_sender(self, info: Info, mail_from: str | None) -> SenderResult:
        ctx = info.context
        try:
            found = await ctx.services.notifications.set_mail_sender(ctx.principal, mail_from)
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return SenderNode(mail_from=found)
