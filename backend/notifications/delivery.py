"""Delivering one notification again, and digests (docs/adr/0019).

``notify.deliver`` sends one push or instant mail that its batch (``notify.send``,
:mod:`backend.notifications.sending`) could not send at the first try; the queue retries it with
backoff. ``notify.digest`` sends a user's due digest items in one mail. Both check access again
before sending, so a user who lost it meanwhile gets nothing; a push service answering 404 or 410
means the device unsubscribed: it is removed.
"""

from __future__ import annotations

import logging

from backend.access.policy import Action, can
from backend.documents.models import Document
from backend.jobs.models import Job, JobFailed
from backend.notifications.keys import VapidKeyring
from backend.notifications.mail import MailItem
from backend.notifications.mailing import Mailing
from backend.notifications.models import Channel, Delivery, DeliveryState, Event
from backend.notifications.ports import NotificationRepository, PushSender
from backend.notifications.reading import Reader
from backend.notifications.sending import push_message
from backend.ports import Clock, Transactions

__all__ = ["NotificationDelivery"]

log = logging.getLogger("dossier.notifications")


class NotificationDelivery:
    def __init__(
        self,
        repo: NotificationRepository,
        reader: Reader,
        mailing: Mailing,
        keyring: VapidKeyring,
        pusher: PushSender,
        tx: Transactions,
        clock: Clock,
    ) -> None:
        self._repo = repo
        self._reader = reader
        self._mailing = mailing
        self._keyring = keyring
        self._pusher = pusher
        self._tx = tx
        self._clock = clock

    # -- one delivery ----------------------------------------------------------------------

    async def handle_delivery(self, job: Job) -> None:
        """``notify.deliver``: send one push or instant mail, unless done or no longer allowed."""
        tenant_id = job.tenant_id
        delivery = await self._repo.delivery(tenant_id, str(job.payload.get("delivery", "")))
        if delivery is None or delivery.state is not DeliveryState.PENDING:
            return  # sent (a repeated job) or dropped: never twice
        attempts = delivery.attempts + 1
        now = self._clock()
        found = await self._reader.document(tenant_id, delivery.document_id)
        principal = await self._reader.principal(tenant_id, delivery.user_id, now)
        if found is None or principal is None or not can(principal, Action.READ, found[1], now):
            reason = "no_access" if found else "document_gone"
            await self._mark(delivery, DeliveryState.DROPPED, attempts, reason)
            return
        try:
            if delivery.channel is Channel.PUSH:
                await self._push(delivery, found[0])
            else:
                await self._mailing.send_instant(
                    principal,
                    await self._mailing.item(principal, found[0], delivery.event),
                    await self._mailing.envelope(principal),
                    delivery.subscription_id,
                )
        except JobFailed as failure:
            last = failure.permanent or job.attempts >= job.max_attempts
            state = DeliveryState.FAILED if last else DeliveryState.PENDING
            if failure.reason.startswith(("gone", "device_removed")):
                state = DeliveryState.DROPPED
            await self._mark(delivery, state, attempts, failure.reason)
            raise
        async with self._tx.write():
            await self._repo.mark_delivery(
                tenant_id, delivery.id, DeliveryState.SENT, attempts=attempts, sent_at=now
            )
            if delivery.device_id:
                await self._repo.touch_device(tenant_id, delivery.device_id, now)

    async def _mark(
        self, delivery: Delivery, state: DeliveryState, attempts: int, reason: str
    ) -> None:
        async with self._tx.write():
            await self._repo.mark_delivery(
                delivery.tenant_id, delivery.id, state, attempts=attempts, error=reason
            )

    async def _push(self, delivery: Delivery, document: Document) -> None:
        device = (
            await self._repo.device(delivery.tenant_id, delivery.device_id)
            if delivery.device_id
            else None
        )
        if device is None or device.user_id != delivery.user_id:
            raise JobFailed("device_removed", permanent=True)
        keys = await self._keyring.keys(delivery.tenant_id)
        message = push_message(delivery, document, device)
        outcome = await self._pusher.send(
            device, message.payload, keys, ttl=message.ttl, urgency=message.urgency
        )
        if outcome.result == "gone":
            async with self._tx.write():
                await self._repo.delete_device(delivery.tenant_id, device.id)
            log.info("push device %s is gone (%s): removed", device.id, outcome.status)
            raise JobFailed(f"gone: {outcome.status}", permanent=True)
        if outcome.result == "retry":
            raise JobFailed(f"push service: {outcome.status or ''} {outcome.detail}".strip())

    # -- digests ---------------------------------------------------------------------------

    async def handle_digest(self, job: Job) -> None:
        """``notify.digest``: one mail with the user's due digest items they may still read."""
        tenant_id, user_id = job.tenant_id, str(job.payload.get("user", ""))
        now = self._clock()
        due = await self._repo.digest_due(tenant_id, user_id, now)
        if not due:
            return
        principal = await self._reader.principal(tenant_id, user_id, now)
        items: list[MailItem] = []
        kept: list[Delivery] = []
        dropped: list[Delivery] = []
        seen: set[tuple[str, Event]] = set()
        for d in due:
            found = await self._reader.document(tenant_id, d.document_id)
            if found is None or principal is None or not can(principal, Action.READ, found[1], now):
                dropped.append(d)
                continue
            kept.append(d)
            if (d.document_id, d.event) not in seen:
                seen.add((d.document_id, d.event))
                items.append(await self._mailing.item(principal, found[0], d.event))
        if items and principal is not None:
            await self._mailing.send_digest(principal, items)
        async with self._tx.write():
            for d in kept:
                await self._repo.mark_delivery(
                    tenant_id, d.id, DeliveryState.SENT, attempts=job.attempts, sent_at=now
                )
            for d in dropped:
                await self._repo.mark_delivery(
                    tenant_id, d.id, DeliveryState.DROPPED, attempts=job.attempts, error="no_access"
                )
