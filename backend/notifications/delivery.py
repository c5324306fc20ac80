"""Delivering notifications: three job kinds, all through the outbox (docs/adr/0019).

``notify.document`` (queued with the change, one per event) fans out: it finds the subscriptions
the event matches, keeps the users who may read the document *now* (``can`` with their current
grants), and records one delivery per user and device (push) or mailbox (e-mail) under a dedupe
key built from the event, so running it again records nothing twice. Each instant delivery is a
``notify.deliver`` job of its own, retried with backoff; quiet hours hold pushes back until they
end. Digest deliveries wait for the user's ``notify.digest`` job at their hour.

Every send checks access again, so a user who lost it meanwhile gets nothing; a push service
answering 404 or 410 means the device unsubscribed: it is removed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from backend.access.policy import Action, Principal, Resource, can
from backend.accounts.models import User
from backend.accounts.service import GrantsOf, principal_of
from backend.documents.models import Document
from backend.documents.ports import DocumentRepository
from backend.ids import new_id
from backend.jobs.models import Job, JobFailed, NewJob
from backend.jobs.queue import JobQueue
from backend.notifications.events import DELIVER_JOB, DIGEST_JOB, event_of
from backend.notifications.keys import VapidKeyring
from backend.notifications.live import LiveEvent
from backend.notifications.mail import MailItem, digest_mail, instant_mail, locale_of
from backend.notifications.matching import matches, plan
from backend.notifications.models import (
    Channel,
    Delivery,
    DeliveryState,
    DocumentEvent,
    Event,
    Subscription,
)
from backend.notifications.ports import MailFailed, MailSender, NotificationRepository, PushSender
from backend.notifications.schedule import next_digest, quiet_until
from backend.notifications.unsubscribe import ALL_MAIL, UnsubscribeToken, sign_unsubscribe
from backend.ports import Clock, Transactions

__all__ = ["Lookups", "NotificationDelivery", "PushPolicy", "push_payload"]

log = logging.getLogger("dossier.notifications")

MAX_TITLE = 120
#: How long a push service keeps a message for an offline device, and how urgent it is.
PUSH_TTL = {Event.DOCUMENT_CREATED: 24 * 3600, Event.VERSION_ADDED: 24 * 3600}
DEFAULT_TTL = 6 * 3600
PUSH_URGENCY = {Event.DOCUMENT_CREATED: "high", Event.VERSION_ADDED: "normal"}
DEFAULT_URGENCY = "normal"
DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class Lookups:
    """Reads from other areas, as plain callables (so this module needs none of their tables)."""

    user: Callable[[str, str], Awaitable[User | None]]
    grants_of: GrantsOf
    customer_name: Callable[[str, str], Awaitable[str | None]]
    type_name: Callable[[str, str], Awaitable[str]]
    tenant_locale: Callable[[str], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class PushPolicy:
    base_url: str
    default_sender: str
    secret_key: str


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


class NotificationDelivery:
    def __init__(
        self,
        repo: NotificationRepository,
        documents: DocumentRepository,
        lookups: Lookups,
        keyring: VapidKeyring,
        pusher: PushSender,
        mailer: MailSender,
        jobs: JobQueue,
        tx: Transactions,
        clock: Clock,
        policy: PushPolicy,
        publish: Callable[[LiveEvent], Awaitable[None]] | None = None,
    ) -> None:
        self._repo = repo
        self._documents = documents
        self._lookups = lookups
        self._keyring = keyring
        self._pusher = pusher
        self._mailer = mailer
        self._jobs = jobs
        self._tx = tx
        self._clock = clock
        self._policy = policy
        self._publish = publish

    # -- reading what a user may see -------------------------------------------------------

    async def _principal(self, tenant_id: str, user_id: str, now: dt.datetime) -> Principal | None:
        user = await self._lookups.user(tenant_id, user_id)
        if user is None or not user.active:
            return None
        grants = await self._lookups.grants_of(tenant_id, user_id, now)
        return principal_of(
            user, via="notification", device="notification", grants=grants, as_of=now
        )

    async def _document(self, tenant_id: str, document_id: str) -> tuple[Document, Resource] | None:
        found = await self._documents.documents_by_ids(tenant_id, [document_id])
        if not found or found[0].status == DELETED:
            return None
        document = found[0]
        registers = (await self._documents.registers_of(tenant_id, [document.id])).get(
            document.id, []
        )
        return document, Resource(
            tenant_id,
            customer_id=document.customer_id,
            document_type_id=document.document_type_id,
            register_ids=frozenset(registers),
            document_id=document.id,
        )

    # -- fan-out ---------------------------------------------------------------------------

    async def handle_document(self, job: Job) -> None:
        """``notify.document``: record the deliveries of one event (idempotent)."""
        tenant_id = job.tenant_id
        event = event_of(job.payload)
        found = await self._document(tenant_id, event.document_id)
        if found is None:
            return  # deleted (or rolled back) before we got here: nothing to tell
        document, resource = found
        if self._publish is not None:
            await self._live(
                LiveEvent(
                    tenant_id,
                    event.event.value,
                    document.id,
                    document.customer_id,
                    document.document_type_id,
                    tuple(sorted(resource.register_ids)),
                    event.version_id,
                )
            )
        by_user: dict[str, list[Subscription]] = {}
        for s in await self._repo.candidates(
            tenant_id,
            document.customer_id,
            document.document_type_id,
            sorted(resource.register_ids),
        ):
            if s.user_id != event.actor_id and matches(
                s,
                event.event,
                document.customer_id,
                document.document_type_id,
                resource.register_ids,
            ):
                by_user.setdefault(s.user_id, []).append(s)
        now = self._clock()
        for user_id, subscriptions in by_user.items():
            principal = await self._principal(tenant_id, user_id, now)
            if principal is None or not can(principal, Action.READ, resource, now):
                continue  # may not read it: nothing is recorded, nothing is sent
            await self._record(principal, event, subscriptions, now)

    async def _live(self, event: LiveEvent) -> None:
        """Live updates are a courtesy to open apps: failing to publish one (a server still
        starting) never holds back the notifications."""
        assert self._publish is not None
        try:
            await self._publish(event)
        except Exception:
            log.exception("live event for document %s not published", event.document_id)

    async def _record(
        self,
        principal: Principal,
        event: DocumentEvent,
        subscriptions: list[Subscription],
        now: dt.datetime,
    ) -> None:
        tenant_id, user_id = principal.tenant_id, principal.user_id
        wanted = plan(subscriptions)
        preferences = await self._repo.preferences(tenant_id, user_id)

        def delivery(
            channel: Channel, target: str, state: DeliveryState, due: dt.datetime
        ) -> Delivery:
            return Delivery(
                id=new_id(),
                tenant_id=tenant_id,
                user_id=user_id,
                channel=channel,
                device_id=target if channel is Channel.PUSH else None,
                event=event.event,
                document_id=event.document_id,
                version_id=event.version_id,
                subscription_id=wanted.subscription_id,
                dedupe_key=f"{event.key}:{user_id}:{channel.value}:{target}",
                state=state,
                attempts=0,
                last_error=None,
                created_at=now,
                due_at=due,
            )

        planned: list[Delivery] = []
        if wanted.push:
            push_due = quiet_until(now, preferences) or now
            for device in await self._repo.devices_of(tenant_id, user_id):
                planned.append(delivery(Channel.PUSH, device.id, DeliveryState.PENDING, push_due))
        if wanted.instant_mail:
            planned.append(delivery(Channel.EMAIL, "instant", DeliveryState.PENDING, now))
        elif wanted.digest_hour is not None:
            zone = preferences.time_zone if preferences else "UTC"
            at = next_digest(now, zone, wanted.digest_hour)
            planned.append(delivery(Channel.EMAIL, "digest", DeliveryState.DIGEST, at))
        async with self._tx.write():
            for d in planned:
                if not await self._repo.add_delivery(d):
                    continue  # recorded by an earlier run of this job
                if d.state is DeliveryState.DIGEST:
                    await self._jobs.enqueue(
                        NewJob(
                            tenant_id,
                            DIGEST_JOB,
                            {"user": user_id},
                            dedupe_key=f"digest:{user_id}:{d.due_at.isoformat()}",
                            run_after=d.due_at,
                        )
                    )
                else:
                    await self._jobs.enqueue(
                        NewJob(
                            tenant_id,
                            DELIVER_JOB,
                            {"delivery": d.id},
                            dedupe_key=d.id,
                            max_attempts=8,
                            run_after=d.due_at,
                        )
                    )

    # -- one delivery ----------------------------------------------------------------------

    async def handle_delivery(self, job: Job) -> None:
        """``notify.deliver``: send one push or instant mail, unless done or no longer allowed."""
        tenant_id = job.tenant_id
        delivery = await self._repo.delivery(tenant_id, str(job.payload.get("delivery", "")))
        if delivery is None or delivery.state is not DeliveryState.PENDING:
            return  # sent (a repeated job) or dropped: never twice
        now = self._clock()
        found = await self._document(tenant_id, delivery.document_id)
        principal = await self._principal(tenant_id, delivery.user_id, now)
        if found is None or principal is None or not can(principal, Action.READ, found[1], now):
            await self._drop(delivery, "no_access" if found else "document_gone", job)
            return
        try:
            if delivery.channel is Channel.PUSH:
                await self._push(delivery, found[0], job)
            else:
                await self._mail_one(delivery, principal, found[0])
        except JobFailed as failure:
            last = failure.permanent or job.attempts >= job.max_attempts
            state = DeliveryState.FAILED if last else DeliveryState.PENDING
            if failure.reason.startswith(("gone", "device_removed")):
                state = DeliveryState.DROPPED
            async with self._tx.write():
                await self._repo.mark_delivery(
                    tenant_id,
                    delivery.id,
                    state,
                    attempts=job.attempts,
                    error=failure.reason,
                )
            raise
        async with self._tx.write():
            await self._repo.mark_delivery(
                tenant_id, delivery.id, DeliveryState.SENT, attempts=job.attempts, sent_at=now
            )
            if delivery.device_id:
                await self._repo.touch_device(tenant_id, delivery.device_id, now)

    async def _drop(self, delivery: Delivery, reason: str, job: Job) -> None:
        async with self._tx.write():
            await self._repo.mark_delivery(
                delivery.tenant_id,
                delivery.id,
                DeliveryState.DROPPED,
                attempts=job.attempts,
                error=reason,
            )

    async def _push(self, delivery: Delivery, document: Document, job: Job) -> None:
        device = (
            await self._repo.device(delivery.tenant_id, delivery.device_id)
            if delivery.device_id
            else None
        )
        if device is None or device.user_id != delivery.user_id:
            raise JobFailed("device_removed", permanent=True)
        keys = await self._keyring.keys(delivery.tenant_id)
        outcome = await self._pusher.send(
            device,
            push_payload(delivery.event, document, delivery.version_id),
            keys,
            ttl=PUSH_TTL.get(delivery.event, DEFAULT_TTL),
            urgency=PUSH_URGENCY.get(delivery.event, DEFAULT_URGENCY),
        )
        if outcome.result == "gone":
            async with self._tx.write():
                await self._repo.delete_device(delivery.tenant_id, device.id)
            log.info("push device %s is gone (%s): removed", device.id, outcome.status)
            raise JobFailed(f"gone: {outcome.status}", permanent=True)
        if outcome.result == "retry":
            raise JobFailed(f"push service: {outcome.status or ''} {outcome.detail}".strip())

    # -- e-mail ----------------------------------------------------------------------------

    async def _item(self, principal: Principal, document: Document, event: Event) -> MailItem:
        tenant_id = principal.tenant_id
        customer = None
        if can(principal, Action.READ, Resource(tenant_id, customer_id=document.customer_id)):
            customer = await self._lookups.customer_name(tenant_id, document.customer_id)
        return MailItem(
            event=event,
            document_id=document.id,
            title=document.title,
            type_name=await self._lookups.type_name(tenant_id, document.document_type_id),
            customer_name=customer,
        )

    async def _envelope(self, principal: Principal) -> tuple[str, str]:
        """(language, sender) of a mail to ``principal``."""
        preferences = await self._repo.preferences(principal.tenant_id, principal.user_id)
        locale = locale_of(
            preferences.locale if preferences else None,
            await self._lookups.tenant_locale(principal.tenant_id),
        )
        sender = await self._repo.mail_sender(principal.tenant_id) or self._policy.default_sender
        return locale, sender

    def _unsubscribe_url(self, principal: Principal, subscription_id: str) -> str:
        token = sign_unsubscribe(
            self._policy.secret_key,
            UnsubscribeToken(principal.tenant_id, principal.user_id, subscription_id),
        )
        return f"{self._policy.base_url}/notifications/unsubscribe?token={token}"

    async def _mail_one(self, delivery: Delivery, principal: Principal, document: Document) -> None:
        locale, sender = await self._envelope(principal)
        message = instant_mail(
            locale,
            sender,
            principal.email,
            await self._item(principal, document, delivery.event),
            self._policy.base_url,
            self._unsubscribe_url(principal, delivery.subscription_id or ALL_MAIL),
            self._clock(),
        )
        try:
            await self._mailer.send(message)
        except MailFailed as failed:
            raise JobFailed(failed.reason, permanent=failed.permanent) from None

    async def handle_digest(self, job: Job) -> None:
        """``notify.digest``: one mail with the user's due digest items they may still read."""
        tenant_id, user_id = job.tenant_id, str(job.payload.get("user", ""))
        now = self._clock()
        due = await self._repo.digest_due(tenant_id, user_id, now)
        if not due:
            return
        principal = await self._principal(tenant_id, user_id, now)
        items: list[MailItem] = []
        kept: list[Delivery] = []
        dropped: list[Delivery] = []
        seen: set[tuple[str, Event]] = set()
        for d in due:
            found = await self._document(tenant_id, d.document_id)
            if found is None or principal is None or not can(principal, Action.READ, found[1], now):
                dropped.append(d)
                continue
            kept.append(d)
            if (d.document_id, d.event) not in seen:
                seen.add((d.document_id, d.event))
                items.append(await self._item(principal, found[0], d.event))
        if items and principal is not None:
            locale, sender = await self._envelope(principal)
            message = digest_mail(
                locale,
                sender,
                principal.email,
                items,
                self._policy.base_url,
                self._unsubscribe_url(principal, ALL_MAIL),
                now,
            )
            try:
                await self._mailer.send(message)
            except MailFailed as failed:
                raise JobFailed(failed.reason, permanent=failed.permanent) from None
        async with self._tx.write():
            for d in kept:
                await self._repo.mark_delivery(
                    tenant_id, d.id, DeliveryState.SENT, attempts=job.attempts, sent_at=now
                )
            for d in dropped:
                await self._repo.mark_delivery(
                    tenant_id, d.id, DeliveryState.DROPPED, attempts=job.attempts, error="no_access"
                )
