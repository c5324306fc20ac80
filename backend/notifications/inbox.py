"""The in-app notification list: one row per event, read up to a per-user mark.

The delivery log keeps one row per device and mailbox; a user thinks of one notification per
event ("Invoice 4711 arrived"), however many phones and mailboxes heard of it. Rows are grouped
by the event's key (the dedupe key without user, channel and target). An event whose every
delivery was dropped (access lost, document deleted) is left out: the user was never told.

Read state is one timestamp per user ("seen up to"): what arrived later is unread. Opening the
list marks it read up to its newest row, so an event recorded in between stays unread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backend.access.policy import Principal
from backend.errors import ValidationFailed
from backend.notifications.models import Channel, Delivery, DeliveryState, Event
from backend.notifications.ports import NotificationRepository
from backend.ports import Clock, Transactions

__all__ = ["Inbox", "Notification", "NotificationInbox", "event_key", "group_deliveries"]

MAX_FIRST = 100
UNREAD_SCAN = 1000
"""Deliveries read to count unread events; a count beyond that many rows is shown as at least."""


@dataclass(frozen=True, slots=True)
class Notification:
    """One event as the user sees it, with the channels it reached them on."""

    key: str
    event: Event
    document_id: str
    version_id: str | None
    channels: frozenset[Channel]
    created_at: dt.datetime
    read: bool


@dataclass(frozen=True, slots=True)
class Inbox:
    items: list[Notification]
    unread_count: int
    seen_up_to: dt.datetime | None


def event_key(delivery: Delivery) -> str:
    """The event a delivery belongs to: its dedupe key is ``<event>:<user>:<channel>:<target>``."""
    return delivery.dedupe_key.rsplit(":", 3)[0]


def group_deliveries(
    deliveries: list[Delivery], seen_up_to: dt.datetime | None
) -> list[Notification]:
    """One notification per event, in the order of the deliveries (newest first when they are);
    events whose deliveries were all dropped are left out."""
    groups: dict[str, list[Delivery]] = {}
    for d in deliveries:
        groups.setdefault(event_key(d), []).append(d)
    found = []
    for key, members in groups.items():
        if all(d.state is DeliveryState.DROPPED for d in members):
            continue
        first = min(members, key=lambda d: d.created_at)
        found.append(
            Notification(
                key=key,
                event=first.event,
                document_id=first.document_id,
                version_id=first.version_id,
                channels=frozenset(d.channel for d in members),
                created_at=first.created_at,
                read=seen_up_to is not None and first.created_at <= seen_up_to,
            )
        )
    return found


class NotificationInbox:
    """The signed-in user's notifications and their read mark (never another user's)."""

    def __init__(self, repo: NotificationRepository, tx: Transactions, clock: Clock) -> None:
        self._repo = repo
        self._tx = tx
        self._clock = clock

    async def inbox(self, principal: Principal, first: int = 30) -> Inbox:
        if not 1 <= first <= MAX_FIRST:
            raise ValidationFailed.one("first", "out_of_range", f"from 1 to {MAX_FIRST}")
        tenant_id, user_id = principal.tenant_id, principal.user_id
        seen = await self._repo.seen_up_to(tenant_id, user_id)
        # A push per device plus a mail: several rows per event; read enough for ``first``.
        recent = await self._repo.deliveries_of(tenant_id, user_id, first * 8)
        items = group_deliveries(recent, seen)[:first]
        return Inbox(items, await self._unread(tenant_id, user_id, seen), seen)

    async def unread_count(self, principal: Principal) -> int:
        """Events recorded after the user's mark (for the badge)."""
        tenant_id, user_id = principal.tenant_id, principal.user_id
        return await self._unread(
            tenant_id, user_id, await self._repo.seen_up_to(tenant_id, user_id)
        )

    async def _unread(self, tenant_id: str, user_id: str, seen: dt.datetime | None) -> int:
        unread = await self._repo.deliveries_since(tenant_id, user_id, seen, UNREAD_SCAN)
        return len(group_deliveries(unread, seen))

    async def mark_read(self, principal: Principal, up_to: dt.datetime | None) -> dt.datetime:
        """Mark everything up to ``up_to`` (None: now) read; the mark never moves back, and a
        moment in the future counts as now. Returns the mark as it stands."""
        now = self._clock()
        if up_to is not None and up_to.tzinfo is None:
            raise ValidationFailed.one("upTo", "time_zone_required", "a time with its offset")
        at = now if up_to is None else min(up_to, now)
        async with self._tx.write():
            await self._repo.mark_seen(principal.tenant_id, principal.user_id, at)
        found = await self._repo.seen_up_to(principal.tenant_id, principal.user_id)
        return found or at
