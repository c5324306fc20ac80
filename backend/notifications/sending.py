"""``notify.send``: the deliveries of one fan-out (and one due moment), sent together.

The batch reads its deliveries, the document, the users with their grants, the devices and the
tenant's key once; asks ``can`` once per user (access is checked again at send time: a grant
revoked since the fan-out drops that user's deliveries); seals and sends all pushes concurrently
over one connection pool (:class:`~backend.notifications.ports.PushSender.send_many`); then sends
the instant mails. The log is written in bulk: one statement per outcome and a few hundred rows.

It sends only deliveries still ``pending`` with no attempt made, so running the job again sends
nothing that was marked sent. A push the service could not take now (429, 5xx, network) gets a
``notify.deliver`` job of its own, retried with backoff; 404 and 410 remove the device.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass

from backend.access.policy import Action, Principal, Resource, can
from backend.documents.models import Document
from backend.jobs.models import Job, JobFailed, NewJob
from backend.jobs.queue import JobQueue
from backend.jobs.worker import backoff
from backend.notifications.events import DELIVER_JOB
from backend.notifications.keys import VapidKeyring
from backend.notifications.mailing import Mailing
from backend.notifications.models import (
    Channel,
    Delivery,
    DeliveryState,
    DocumentEvent,
    Event,
    PushDevice,
)
from backend.notifications.ports import (
    NotificationRepository,
    PushMessage,
    PushOutcome,
    PushSender,
    SealedPushes,
)
from backend.notifications.reading import Reader
from backend.ports import Clock, Transactions

__all__ = [
    "DEFAULT_TTL",
    "DEFAULT_URGENCY",
    "MAX_TITLE",
    "PUSH_TTL",
    "PUSH_URGENCY",
    "Ahead",
    "BatchSending",
    "Known",
    "event_message",
    "push_message",
    "push_payload",
]

log = logging.getLogger("dossier.notifications")

MAX_TITLE = 120
#: How long a push service keeps a message for an offline device, and how urgent it is.
PUSH_TTL = {Event.DOCUMENT_CREATED: 24 * 3600, Event.VERSION_ADDED: 24 * 3600}
DEFAULT_TTL = 6 * 3600
PUSH_URGENCY = {Event.DOCUMENT_CREATED: "high", Event.VERSION_ADDED: "normal"}
DEFAULT_URGENCY = "normal"
RETRY_ATTEMPTS = 8
"""Attempts a delivery gets in all, the batch's included."""
MAIL_MARK_EVERY = 50
"""Mails sent between two writes of the log (a rerun after a crash repeats at most these)."""


def push_payload(event: Event, document: Document, version_id: str | None) -> bytes:
    """Ids and a short title only (the service worker fetches the rest with the user's session);
    a few hundred bytes, far under the 4 KB a push service accepts."""
    title = document.title if len(document.title) <= MAX_TITLE else document.title[:119] + "…"
    body: dict[str, str] = {
        "type": event.value,
        "documentId": document.id,
        "customerId": document.customer_id,
        "title": title,
    }
    if version_id:
        body["versionId"] = version_id
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def _delivery_ids(value: object) -> list[str]:
    """The payload's delivery ids, or a permanent failure (the job can never succeed)."""
    try:
        if not isinstance(value, list):
            raise TypeError
        return [str(uuid.UUID(i)) for i in value]
    except (TypeError, ValueError, AttributeError):
        raise JobFailed(
            "invalid_payload: deliveries must be a list of delivery ids", permanent=True
        ) from None


@dataclass(frozen=True, slots=True)
class Known:
    """What a fan-out read for the deliveries it just recorded, at the moment it sends them:
    the users' principals (grants as of then), the document and the push devices by id."""

    principals: dict[str, Principal]
    document: tuple[Document, Resource]
    devices: dict[str, PushDevice]
    ahead: Ahead | None = None
    """The pushes of the event to these devices, sealing since before the fan-out recorded."""


@dataclass(frozen=True, slots=True)
class Ahead:
    """An event's push to each of some devices, handed to the sealing processes early."""

    event: Event
    version_id: str | None
    document_id: str
    sealed: SealedPushes
    index: dict[str, int]
    """Device id → the message's place in ``sealed``."""

    def covers(self, deliveries: list[Delivery]) -> bool:
        return all(
            d.event is self.event
            and d.version_id == self.version_id
            and d.document_id == self.document_id
            and (d.device_id or "") in self.index
            for d in deliveries
        )


def push_message(delivery: Delivery, document: Document, device: PushDevice) -> PushMessage:
    return event_message(delivery.event, delivery.version_id, document, device)


def event_message(
    event: Event, version_id: str | None, document: Document, device: PushDevice
) -> PushMessage:
    return PushMessage(
        device,
        push_payload(event, document, version_id),
        ttl=PUSH_TTL.get(event, DEFAULT_TTL),
        urgency=PUSH_URGENCY.get(event, DEFAULT_URGENCY),
    )


class BatchSending:
    def __init__(
        self,
        repo: NotificationRepository,
        reader: Reader,
        mailing: Mailing,
        keyring: VapidKeyring,
        pusher: PushSender,
        jobs: JobQueue,
        tx: Transactions,
        clock: Clock,
    ) -> None:
        self._repo = repo
        self._reader = reader
        self._mailing = mailing
        self._keyring = keyring
        self._pusher = pusher
        self._jobs = jobs
        self._tx = tx
        self._clock = clock

    async def seal_ahead(
        self, tenant_id: str, event: DocumentEvent, document: Document, devices: list[PushDevice]
    ) -> Ahead:
        """Start sealing ``event``'s push to each of ``devices`` (pass it on in :class:`Known`;
        discard what is not sent)."""
        keys = await self._keyring.keys(tenant_id)
        messages = [event_message(event.event, event.version_id, document, d) for d in devices]
        return Ahead(
            event.event,
            event.version_id,
            document.id,
            self._pusher.seal(messages, keys),
            {d.id: i for i, d in enumerate(devices)},
        )

    async def handle_send(self, job: Job) -> None:
        """``notify.send``: send the batch's deliveries that are still to be sent."""
        tenant_id = job.tenant_id
        ids = _delivery_ids(job.payload.get("deliveries"))
        todo = [
            d
            for d in await self._repo.deliveries_by_ids(tenant_id, ids)
            if d.state is DeliveryState.PENDING and d.attempts == 0
        ]
        if not todo:
            return  # all sent, dropped or handed to a retry job: never twice
        await self.send(tenant_id, todo, self._clock())

    async def send(
        self, tenant_id: str, todo: list[Delivery], now: dt.datetime, known: Known | None = None
    ) -> None:
        """Send ``todo`` (fresh deliveries: pending, no attempt made), pushes first. ``known``:
        what the caller read for them a moment ago, at ``now`` (the fan-out that recorded them),
        so access is decided on it rather than read again."""
        # Pushes first, with only their users read: the mails' users do not hold them up.
        for channel in (Channel.PUSH, Channel.EMAIL):
            await self._send(tenant_id, [d for d in todo if d.channel is channel], now, known)

    async def _send(
        self, tenant_id: str, todo: list[Delivery], now: dt.datetime, known: Known | None
    ) -> None:
        """Send ``todo`` (all of one channel) to the users who may still read the document."""
        if not todo:
            return
        by_document: dict[str, list[Delivery]] = defaultdict(list)
        for d in todo:
            by_document[d.document_id].append(d)
        users = sorted({d.user_id for d in todo})
        if known is not None and known.principals.keys() >= set(users):
            principals = known.principals
        else:
            principals = await self._reader.principals(tenant_id, users, now)
        for document_id, deliveries in by_document.items():
            if known is not None and known.document[0].id == document_id:
                found: tuple[Document, Resource] | None = known.document
            else:
                found = await self._reader.document(tenant_id, document_id)
            if found is None:
                await self._mark(deliveries, DeliveryState.DROPPED, error="document_gone")
                continue
            document, resource = found
            allowed = {
                user_id for user_id, p in principals.items() if can(p, Action.READ, resource, now)
            }
            await self._mark(
                [d for d in deliveries if d.user_id not in allowed],
                DeliveryState.DROPPED,
                error="no_access",
            )
            kept = [d for d in deliveries if d.user_id in allowed]
            if todo[0].channel is Channel.PUSH:
                await self._push(kept, document, now, known)
            else:
                await self._mail(kept, principals, document, now)

    async def _mark(
        self,
        deliveries: list[Delivery],
        state: DeliveryState,
        *,
        error: str | None = None,
        sent_at: dt.datetime | None = None,
    ) -> None:
        if not deliveries:
            return
        async with self._tx.write():
            await self._repo.mark_deliveries(
                deliveries[0].tenant_id,
                [d.id for d in deliveries],
                state,
                attempts=1,
                error=error,
                sent_at=sent_at,
            )

    async def _push(
        self,
        deliveries: list[Delivery],
        document: Document,
        now: dt.datetime,
        known: Known | None,
    ) -> None:
        if not deliveries:
            return
        tenant_id = deliveries[0].tenant_id
        wanted = sorted({d.device_id for d in deliveries if d.device_id})
        if known is not None and known.devices.keys() >= set(wanted):
            devices = known.devices
        else:
            devices = {d.id: d for d in await self._repo.devices_by_ids(tenant_id, wanted)}
        sendable: list[Delivery] = []
        removed: list[Delivery] = []
        for d in deliveries:
            device = devices.get(d.device_id or "")
            (sendable if device and device.user_id == d.user_id else removed).append(d)
        await self._mark(
            removed,
            DeliveryState.DROPPED,
            error="device_removed",
        )
        if not sendable:
            return
        ahead = known.ahead if known is not None else None
        if ahead is not None and ahead.covers(sendable):
            outcomes = await self._pusher.send_sealed(
                ahead.sealed, [ahead.index[d.device_id or ""] for d in sendable]
            )
        else:
            keys = await self._keyring.keys(tenant_id)
            outcomes = await self._pusher.send_many(
                [push_message(d, document, devices[d.device_id or ""]) for d in sendable], keys
            )
        await self._record_pushes(list(zip(sendable, outcomes, strict=True)), now)

    async def _record_pushes(
        self, results: list[tuple[Delivery, PushOutcome]], now: dt.datetime
    ) -> None:
        """One transaction: sent ones marked and their devices touched, gone devices removed,
        the rest handed to retry jobs of their own."""
        tenant_id = results[0][0].tenant_id
        sent = [d for d, o in results if o.result == "sent"]
        gone: dict[str, list[Delivery]] = defaultdict(list)
        retry: dict[str, list[Delivery]] = defaultdict(list)
        for d, o in results:
            if o.result == "gone":
                gone[f"gone: {o.status}"].append(d)
            elif o.result == "retry":
                retry[f"push service: {o.status or ''} {o.detail}".strip()].append(d)
        async with self._tx.write():
            if sent:
                await self._repo.mark_deliveries(
                    tenant_id, [d.id for d in sent], DeliveryState.SENT, attempts=1, sent_at=now
                )
                await self._repo.touch_devices(
                    tenant_id, [d.device_id for d in sent if d.device_id], now
                )
            for reason, deliveries in gone.items():
                await self._repo.delete_devices(
                    tenant_id, [d.device_id for d in deliveries if d.device_id]
                )
                await self._repo.mark_deliveries(
                    tenant_id,
                    [d.id for d in deliveries],
                    DeliveryState.DROPPED,
                    attempts=1,
                    error=reason,
                )
            for reason, deliveries in retry.items():
                await self._repo.mark_deliveries(
                    tenant_id,
                    [d.id for d in deliveries],
                    DeliveryState.PENDING,
                    attempts=1,
                    error=reason,
                )
            await self._jobs.enqueue_many(
                [self._retry_job(d, now) for ds in retry.values() for d in ds]
            )
        if gone:
            log.info("%d push devices are gone: removed", sum(len(g) for g in gone.values()))

    def _retry_job(self, delivery: Delivery, now: dt.datetime) -> NewJob:
        return NewJob(
            delivery.tenant_id,
            DELIVER_JOB,
            {"delivery": delivery.id},
            dedupe_key=delivery.id,
            max_attempts=RETRY_ATTEMPTS - 1,
            run_after=now + backoff(1),
        )

    async def _mail(
        self,
        deliveries: list[Delivery],
        principals: dict[str, Principal],
        document: Document,
        now: dt.datetime,
    ) -> None:
        if not deliveries:
            return
        tenant_id = deliveries[0].tenant_id
        preferences = await self._repo.preferences_of(tenant_id, [d.user_id for d in deliveries])
        sent: list[Delivery] = []
        unavailable: JobFailed | None = None
        for d in deliveries:
            principal = principals[d.user_id]
            if unavailable is not None:
                # The mail server failed for one: the rest wait for their own retry jobs, not
                # for a timeout each.
                await self._mail_failed(d, unavailable, now)
                continue
            try:
                await self._mailing.send_instant(
                    principal,
                    await self._mailing.item(principal, document, d.event),
                    await self._mailing.envelope(principal, preferences.get(d.user_id), known=True),
                    d.subscription_id,
                )
            except JobFailed as failure:
                await self._mail_failed(d, failure, now)
                if not failure.permanent:
                    unavailable = failure
                continue
            sent.append(d)
            if len(sent) >= MAIL_MARK_EVERY:
                await self._mark(sent, DeliveryState.SENT, sent_at=now)
                sent = []
        await self._mark(sent, DeliveryState.SENT, sent_at=now)

    async def _mail_failed(self, delivery: Delivery, failure: JobFailed, now: dt.datetime) -> None:
        async with self._tx.write():
            if failure.permanent:
                await self._repo.mark_delivery(
                    delivery.tenant_id,
                    delivery.id,
                    DeliveryState.FAILED,
                    attempts=1,
                    error=failure.reason,
                )
                return
            await self._repo.mark_delivery(
                delivery.tenant_id,
                delivery.id,
                DeliveryState.PENDING,
                attempts=1,
                error=failure.reason,
            )
            await self._jobs.enqueue(self._retry_job(delivery, now))
