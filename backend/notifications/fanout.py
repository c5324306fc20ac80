"""``notify.document``: from one event to the deliveries it causes, recorded in bulk.

The job finds the subscriptions the event matches, keeps the users who may read the document
*now* (their users and grants read in a few statements, then ``can`` once per user; a
subscription to a saved view matches when the view's search, run as its holder, finds the
document), and records
one delivery per user and device (push) or mailbox (e-mail) under a dedupe key built from the
event, in one transaction with the jobs that send them: one ``notify.send`` job per moment the
deliveries are due (quiet hours hold a user's pushes back), and a ``notify.digest`` job per user
and digest hour. Running it again records and queues nothing twice.

The batch due now is not left to another worker: it is queued as held by the fan-out's own
worker, which sends it at once on what it has just read, with the pushes sealed by the sealing
processes since the devices were known (see ADR 0019). Should the worker die, the held job is
any worker's once its lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from backend.access.policy import Action, Principal, Resource, can
from backend.documents.models import Document
from backend.ids import new_id
from backend.jobs.models import Job, NewJob
from backend.jobs.queue import JobQueue
from backend.notifications.events import DIGEST_JOB, SEND_JOB, event_of
from backend.notifications.live import LiveEvent
from backend.notifications.matching import Matcher, ViewAnswers, plan
from backend.notifications.models import (
    Channel,
    Delivery,
    DeliveryState,
    DocumentEvent,
    Preferences,
    PushDevice,
    Subscription,
)
from backend.notifications.ports import NotificationRepository
from backend.notifications.reading import Reader
from backend.notifications.schedule import next_digest, quiet_until
from backend.notifications.sending import Ahead, BatchSending, Known
from backend.ports import Clock, Transactions

__all__ = ["FanOut"]

log = logging.getLogger("dossier.notifications")


class FanOut:
    def __init__(
        self,
        repo: NotificationRepository,
        reader: Reader,
        matcher: Matcher,
        jobs: JobQueue,
        tx: Transactions,
        clock: Clock,
        publish: Callable[[LiveEvent], Awaitable[None]] | None = None,
        sending: BatchSending | None = None,
    ) -> None:
        """``sending``: when given, the batch due at once is sent by the fan-out's own worker
        right after it is recorded (else every batch is left to a ``notify.send`` job)."""
        self._repo = repo
        self._reader = reader
        self._matcher = matcher
        self._jobs = jobs
        self._tx = tx
        self._clock = clock
        self._publish = publish
        self._sending = sending

    async def handle_document(self, job: Job) -> None:
        """``notify.document``: record the deliveries of one event (idempotent)."""
        tenant_id = job.tenant_id
        event = event_of(job.payload)
        found = await self._reader.document(tenant_id, event.document_id)
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
        now = self._clock()
        actor = event.actor_id
        direct = [
            s
            for s in await self._matcher.direct(event.event, document, resource)
            if s.user_id != actor
        ]
        to_views = [
            s for s in await self._matcher.to_views(event.event, tenant_id) if s.user_id != actor
        ]
        # The pushes are sealed on the other cores while this reads who may read the document
        # and records the deliveries; only the ones then recorded and due now are sent.
        devices, ahead = await self._seal_ahead(tenant_id, event, document, direct + to_views)
        try:
            await self._record_and_send(job, event, found, direct, to_views, devices, ahead, now)
        finally:
            if ahead is not None:
                ahead.sealed.discard()

    async def _seal_ahead(
        self,
        tenant_id: str,
        event: DocumentEvent,
        document: Document,
        subscriptions: list[Subscription],
    ) -> tuple[dict[str, list[PushDevice]], Ahead | None]:
        """The devices of the users who asked for pushes, and their messages being sealed."""
        pushed = sorted({s.user_id for s in subscriptions if Channel.PUSH in s.channels})
        devices = await self._repo.devices_of_users(tenant_id, pushed) if pushed else {}
        if self._sending is None or not devices:
            return devices, None
        every = [d for ds in devices.values() for d in ds]
        return devices, await self._sending.seal_ahead(tenant_id, event, document, every)

    async def _record_and_send(
        self,
        job: Job,
        event: DocumentEvent,
        found: tuple[Document, Resource],
        direct: list[Subscription],
        to_views: list[Subscription],
        devices: dict[str, list[PushDevice]],
        ahead: Ahead | None,
        now: dt.datetime,
    ) -> None:
        everyone = sorted({s.user_id for s in direct + to_views})
        seen: ViewAnswers = {}  # one search per view and time zone
        if self._sending is None or job.locked_by is None:
            _, planned = await self._plan(
                event, found, direct, to_views, devices, everyone, seen, now
            )
            await self._record(job, planned, None, now)
            return
        # The users with devices to push to are decided, recorded and sent first: the first push
        # waits neither for the other subscribers' reads nor for their deliveries. Then the rest
        # (mails, digests, pushes held back by quiet hours) of everyone, each part in one
        # transaction with the jobs sending it; the others' access is read just before.
        pushed = [u for u in everyone if devices.get(u)]
        principals, planned = await self._plan(
            event, found, direct, to_views, devices, pushed, seen, now
        )
        urgent = {
            d.id
            for d in planned
            if d.channel is Channel.PUSH and d.state is DeliveryState.PENDING and d.due_at <= now
        }
        by_id = {d.id: d for ds in devices.values() for d in ds}
        await self._record(
            job,
            [d for d in planned if d.id in urgent],
            Known(principals, found, by_id, ahead),
            now,
        )
        others = sorted(set(everyone) - set(pushed))
        more, rest = await self._plan(event, found, direct, to_views, devices, others, seen, now)
        await self._record(
            job,
            [d for d in planned if d.id not in urgent] + rest,
            Known({**principals, **more}, found, by_id, None),
            now,
        )

    async def _plan(
        self,
        event: DocumentEvent,
        found: tuple[Document, Resource],
        direct: list[Subscription],
        to_views: list[Subscription],
        devices: dict[str, list[PushDevice]],
        user_ids: list[str],
        seen: ViewAnswers,
        now: dt.datetime,
    ) -> tuple[dict[str, Principal], list[Delivery]]:
        """The principals of ``user_ids`` (grants as of now), and the deliveries due to those who
        may read the document now and whose subscriptions match it."""
        if not user_ids:
            return {}, []
        document, resource = found
        tenant_id = resource.tenant_id
        principals = await self._reader.principals(tenant_id, user_ids, now)
        readers = {
            user_id: p
            for user_id, p in principals.items()
            if can(p, Action.READ, resource, now)  # may not read it: nothing recorded or sent
        }
        by_user: dict[str, list[Subscription]] = {}
        for s in direct:
            if s.user_id in readers:
                by_user.setdefault(s.user_id, []).append(s)
        for s in to_views:
            if s.user_id in readers and await self._matcher.in_view(
                readers[s.user_id], s, document, seen
            ):
                by_user.setdefault(s.user_id, []).append(s)
        if not by_user:
            return principals, []
        users = sorted(by_user)
        preferences = await self._repo.preferences_of(tenant_id, users)
        planned: list[Delivery] = []
        for user_id in users:
            planned += _deliveries(
                readers[user_id],
                event,
                by_user[user_id],
                preferences.get(user_id),
                devices.get(user_id, []),
                now,
            )
        return principals, planned

    async def _record(
        self, job: Job, planned: list[Delivery], known: Known | None, now: dt.datetime
    ) -> None:
        """Record ``planned`` with the jobs that send them, in one transaction. With ``known``,
        the first batch due now is held by this worker and sent at once."""
        if not planned:
            return
        held: str | None = None
        async with self._tx.write():
            added = await self._repo.add_deliveries(planned)
            fresh = [d for d in planned if d.id in added]
            queued = _jobs(fresh)
            first = queued[0] if queued else None
            if (
                known is not None
                and first is not None
                and first.kind == SEND_JOB
                and (first.run_after or now) <= now
            ):
                # The batch due now is sent by this worker at once, on what it has just read;
                # the job is recorded as this worker's, so it is another's only if this one dies.
                held = await self._jobs.enqueue_held(first, job)
                queued = queued[1:]
            await self._jobs.enqueue_many(queued)
        if held is not None and first is not None and known is not None:
            ids = set(first.payload["deliveries"])
            await self._send_held(held, job, [d for d in fresh if d.id in ids], known, now)

    async def _send_held(
        self, held: str, holder: Job, deliveries: list[Delivery], known: Known, now: dt.datetime
    ) -> None:
        """Send the batch this worker holds, keeping its lease; done when sent. A failure gives
        the batch back to the queue, whose ``notify.send`` sends what was not marked sent."""
        assert self._sending is not None
        lease = self._jobs.lease_of(holder)
        keeper = asyncio.create_task(self._keep(held, holder, lease))
        try:
            await self._sending.send(holder.tenant_id, deliveries, now, known)
        except Exception as exc:
            log.exception("sending the batch of job %s failed; queued for another try", held)
            await self._jobs.release(held, holder, f"{type(exc).__name__}: {exc}")
            return
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
        await self._jobs.finish(held, holder)

    async def _keep(self, held: str, holder: Job, lease: dt.timedelta) -> None:
        while True:
            await asyncio.sleep(lease.total_seconds() / 3)
            if not await self._jobs.extend(held, holder, lease):
                return

    async def _live(self, event: LiveEvent) -> None:
        """Live updates are a courtesy to open apps: failing to publish one (a server still
        starting) never holds back the notifications."""
        assert self._publish is not None
        try:
            await self._publish(event)
        except Exception:
            log.exception("live event for document %s not published", event.document_id)


def _deliveries(
    principal: Principal,
    event: DocumentEvent,
    subscriptions: list[Subscription],
    preferences: Preferences | None,
    devices: list[PushDevice],
    now: dt.datetime,
) -> list[Delivery]:
    """What one user gets for one event: a delivery per device and at most one mail."""
    tenant_id, user_id = principal.tenant_id, principal.user_id
    wanted = plan(subscriptions)

    def delivery(channel: Channel, target: str, state: DeliveryState, due: dt.datetime) -> Delivery:
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
        planned += [delivery(Channel.PUSH, d.id, DeliveryState.PENDING, push_due) for d in devices]
    if wanted.instant_mail:
        planned.append(delivery(Channel.EMAIL, "instant", DeliveryState.PENDING, now))
    elif wanted.digest_hour is not None:
        zone = preferences.time_zone if preferences else (principal.time_zone or "UTC")
        at = next_digest(now, zone, wanted.digest_hour)
        planned.append(delivery(Channel.EMAIL, "digest", DeliveryState.DIGEST, at))
    return planned


SEND_BATCH = 2000
"""Deliveries per ``notify.send`` job; a larger fan-out is several jobs, sent side by side."""


def _jobs(added: list[Delivery]) -> list[NewJob]:
    """The jobs that send the newly recorded deliveries: per due moment, pushes first (they are
    the urgent ones), in batches; one digest job per user and hour."""
    due: dict[dt.datetime, list[Delivery]] = {}
    digests: dict[tuple[str, str, dt.datetime], None] = {}
    for d in added:
        if d.state is DeliveryState.DIGEST:
            digests[(d.tenant_id, d.user_id, d.due_at)] = None
        else:
            due.setdefault(d.due_at, []).append(d)
    jobs: list[NewJob] = []
    for at, group in sorted(due.items()):
        group.sort(key=lambda d: d.channel is not Channel.PUSH)
        for start in range(0, len(group), SEND_BATCH):
            ids = [d.id for d in group[start : start + SEND_BATCH]]
            jobs.append(
                NewJob(
                    group[0].tenant_id,
                    SEND_JOB,
                    {"deliveries": ids},
                    dedupe_key=f"send:{ids[0]}",
                    max_attempts=8,
                    run_after=at,
                )
            )
    jobs += [
        NewJob(
            tenant_id,
            DIGEST_JOB,
            {"user": user_id},
            dedupe_key=f"digest:{user_id}:{at.isoformat()}",
            run_after=at,
        )
        for tenant_id, user_id, at in digests
    ]
    return jobs
