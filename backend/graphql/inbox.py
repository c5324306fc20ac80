"""GraphQL for the in-app notification list: one row per event with the document (if the user
may still read it), the unread count for the badge, and the "seen up to" mark."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from backend.errors import DossierError
from backend.graphql.context import Info
from backend.graphql.documents import DocumentNode
from backend.graphql.errors import ValidationError, as_error
from backend.graphql.notifications import ChannelEnum, EventEnum
from backend.notifications.inbox import Notification

__all__ = ["InboxMutation", "InboxQuery"]


@strawberry.type(name="Notification", description="One event, however many devices heard of it.")
class NotificationNode:
    id: strawberry.ID = strawberry.field(description="The event's key.")
    event: EventEnum
    document_id: strawberry.ID
    version_id: strawberry.ID | None
    channels: list[ChannelEnum] = strawberry.field(description="Where it reached the user.")
    created_at: dt.datetime
    read: bool = strawberry.field(description="Recorded before the user's seen mark.")

    @strawberry.field(description="The document (null if you may not read it any more).")
    async def document(self, info: Info) -> DocumentNode | None:
        return await info.context.loaders.readable_nodes.load(str(self.document_id))

    @classmethod
    def of(cls, n: Notification) -> NotificationNode:
        return cls(
            id=strawberry.ID(n.key),
            event=EventEnum(n.event.value),
            document_id=strawberry.ID(n.document_id),
            version_id=strawberry.ID(n.version_id) if n.version_id else None,
            channels=sorted((ChannelEnum(c.value) for c in n.channels), key=lambda c: c.value),
            created_at=n.created_at,
            read=n.read,
        )


@strawberry.type(name="NotificationList")
class NotificationListNode:
    items: list[NotificationNode] = strawberry.field(description="Newest first.")
    unread_count: int
    seen_up_to: dt.datetime | None = strawberry.field(description="null: never opened.")


@strawberry.type(name="NotificationsRead")
class NotificationsReadNode:
    seen_up_to: dt.datetime
    unread_count: int


ListResult = Annotated[
    NotificationListNode | ValidationError, strawberry.union("NotificationListResult")
]
ReadResult = Annotated[
    NotificationsReadNode | ValidationError, strawberry.union("NotificationsReadResult")
]


@strawberry.type
class InboxQuery:
    @strawberry.field(description="The signed-in user's notifications, one per event.")
    async def notifications(self, info: Info, first: int = 30) -> ListResult:
        ctx = info.context
        try:
            inbox = await ctx.services.notification_inbox.inbox(ctx.principal, first)
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return NotificationListNode(
            items=[NotificationNode.of(n) for n in inbox.items],
            unread_count=inbox.unread_count,
            seen_up_to=inbox.seen_up_to,
        )

    @strawberry.field(description="Notifications after the seen mark (the badge).")
    async def unread_notification_count(self, info: Info) -> int:
        ctx = info.context
        return await ctx.services.notification_inbox.unread_count(ctx.principal)


@strawberry.type
class InboxMutation:
    @strawberry.mutation(
        description="Mark notifications read up to upTo (null: now); the mark never moves back."
    )
    async def mark_notifications_read(
        self, info: Info, up_to: dt.datetime | None = None
    ) -> ReadResult:
        ctx = info.context
        inbox = ctx.services.notification_inbox
        try:
            seen = await inbox.mark_read(ctx.principal, up_to)
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return NotificationsReadNode(
            seen_up_to=seen, unread_count=await inbox.unread_count(ctx.principal)
        )
