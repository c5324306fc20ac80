"""Live updates over WebSocket (graphql-transport-ws): ``documentEvents`` streams the documents
added, versioned or changed in status that the signed-in user may read, optionally of one
customer. Fed by Litestar channels (docs/adr/0019); each event is checked with ``can`` and the
user's grants as they are when it arrives, so a revoked grant stops the stream's events at once;
a session that ended (signed out, expired, its device revoked) ends the stream at the next event."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator

import strawberry
from litestar.channels import ChannelsPlugin

from backend.graphql.context import Info
from backend.graphql.notifications import EventEnum
from backend.ids import parse_id
from backend.notifications.live import LIVE_CHANNEL, LiveEvent, visible_to
from backend.ports import utcnow

__all__ = ["LiveSubscription"]


@strawberry.type(name="DocumentEvent", description="Something happened to a readable document.")
class DocumentEventNode:
    event: EventEnum
    document_id: strawberry.ID
    customer_id: strawberry.ID
    version_id: strawberry.ID | None


@strawberry.type
class LiveSubscription:
    @strawberry.subscription(description="Documents added or changed, as they happen.")
    async def document_events(
        self, info: Info, customer_id: strawberry.ID | None = None
    ) -> AsyncGenerator[DocumentEventNode, None]:
        ctx = info.context
        principal = ctx.principal
        only = None if customer_id is None else parse_id("customer", customer_id)
        connection = ctx.websocket or ctx.request
        assert connection is not None
        channels = connection.app.plugins.get(ChannelsPlugin)
        async with channels.start_subscription([LIVE_CHANNEL]) as subscriber:
            async for data in subscriber.iter_events():
                event = LiveEvent.decode(data)
                if event is None or event.tenant_id != principal.tenant_id:
                    continue
                if only is not None and event.customer_id != only:
                    continue
                if ctx.session_token is not None and not (
                    await ctx.services.accounts.session_alive(ctx.session_token)
                ):
                    return  # signed out, expired or its device revoked: the stream ends
                now = utcnow()
                users = await ctx.services.accounts.users(principal.tenant_id, [principal.user_id])
                if not users or not users[0].active:
                    return  # the account is gone: the stream ends
                grants = await ctx.services.access.effective_grants(
                    principal.tenant_id, principal.user_id, now
                )
                current = dataclasses.replace(
                    principal, role=users[0].role, grants=grants, as_of=now
                )
                if not visible_to(current, event):
                    continue
                yield DocumentEventNode(
                    event=EventEnum(event.event),
                    document_id=strawberry.ID(event.document_id),
                    customer_id=strawberry.ID(event.customer_id),
                    version_id=strawberry.ID(event.version_id) if event.version_id else None,
                )
