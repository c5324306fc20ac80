""" "A conflict waits": telling the user whose change lost a merge (docs/adr/0019, amended).

A sync push that records a conflict queues one ``notify.conflict`` job in the push's transaction,
deduplicated per user, dossier and push (``conflict:<user>:<customer>:<push time>``): a push that
loses ten fields of one dossier tells its user once. No subscription is needed: everyone hears of
their own conflicts. The job, run at once, checks the user is still active and may still read the
dossier, then sends a push to each of the user's devices or, when the user has none, is in quiet
hours, or no device took it, one instant mail in the user's language. A push carries ids and a
short title only (the customer's name); the service worker opens ``/conflicts`` when it is clicked.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from backend.access.policy import Action, Principal, Resource, can
from backend.jobs.models import Job, JobFailed, NewJob
from backend.notifications.conflict_mail import conflict_mail
from backend.notifications.keys import VapidKeyring
from backend.notifications.mailing import Mailing
from backend.notifications.models import Preferences
from backend.notifications.ports import NotificationRepository, PushMessage, PushSender
from backend.notifications.reading import Reader
from backend.notifications.schedule import quiet_until
from backend.ports import Clock, Transactions

__all__ = ["CONFLICT_EVENT", "CONFLICT_JOB", "ConflictNotices", "conflict_job", "conflict_payload"]

log = logging.getLogger("dossier.notifications")

CONFLICT_JOB = "notify.conflict"
CONFLICT_EVENT = "conflict_waiting"
MAX_TITLE = 120
#: A conflict waits until someone resolves it: a day on the push service, not urgent.
CONFLICT_TTL = 24 * 3600


def conflict_job(
    tenant_id: str, user_id: str, customer_id: str, conflict_id: str, pushed_at: str
) -> NewJob:
    """The job of a conflict recorded by a push at ``pushed_at`` (the conflicts' server time),
    in the push's transaction; the push's other conflicts in the dossier add nothing."""
    return NewJob(
        tenant_id,
        CONFLICT_JOB,
        {"user": user_id, "customer": customer_id, "conflict": conflict_id},
        dedupe_key=f"conflict:{user_id}:{customer_id}:{pushed_at}",
        max_attempts=8,
    )


def conflict_payload(conflict_id: str, customer_id: str, title: str) -> bytes:
    """Ids and the dossier's name, cut to 120 characters."""
    short = title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"
    body = {
        "type": CONFLICT_EVENT,
        "conflictId": conflict_id,
        "customerId": customer_id,
        "title": short,
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def _field(payload: dict[str, Any], name: str) -> str:
    """An id of the payload, or a permanent failure (the job can never succeed)."""
    value = payload.get(name)
    try:
        if not isinstance(value, str):
            raise TypeError
        return str(uuid.UUID(value))
    except (TypeError, ValueError):
        raise JobFailed(f"invalid_payload: {name} must be an id", permanent=True) from None


class ConflictNotices:
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

    async def handle_conflict(self, job: Job) -> None:
        """``notify.conflict``: push to the user's devices, else one mail."""
        tenant_id = job.tenant_id
        user_id = _field(job.payload, "user")
        customer_id = _field(job.payload, "customer")
        conflict_id = _field(job.payload, "conflict")
        now = self._clock()
        principal = await self._reader.principal(tenant_id, user_id, now)
        if principal is None:
            return  # the account is gone or switched off
        if not can(principal, Action.READ, Resource(tenant_id, customer_id=customer_id), now):
            return  # the dossier is no longer theirs to read: nothing to tell
        name = await self._reader.lookups.customer_name(tenant_id, customer_id) or ""
        preferences = await self._repo.preferences(tenant_id, user_id)
        last = job.attempts >= job.max_attempts  # no device took it so far: mail, not silence
        if (
            not last
            and quiet_until(now, preferences) is None
            and await self._push(principal, conflict_id, customer_id, name)
        ):
            return
        await self._mail(principal, preferences, customer_id, name)

    async def _push(
        self, principal: Principal, conflict_id: str, customer_id: str, name: str
    ) -> bool:
        """Whether a device took the push (devices the service no longer knows are removed)."""
        tenant_id = principal.tenant_id
        devices = await self._repo.devices_of(tenant_id, principal.user_id)
        if not devices:
            return False
        payload = conflict_payload(conflict_id, customer_id, name)
        keys = await self._keyring.keys(tenant_id)
        outcomes = await self._pusher.send_many(
            [PushMessage(d, payload, CONFLICT_TTL, "normal") for d in devices], keys
        )
        gone = [d.id for d, o in zip(devices, outcomes, strict=True) if o.result == "gone"]
        sent = [d.id for d, o in zip(devices, outcomes, strict=True) if o.result == "sent"]
        if gone or sent:
            async with self._tx.write():
                if gone:
                    await self._repo.delete_devices(tenant_id, gone)
                if sent:
                    await self._repo.touch_devices(tenant_id, sent, self._clock())
        if sent:
            return True
        retry = [o for o in outcomes if o.result == "retry"]
        if retry:
            # No device took it; one may later: all of it again, with the queue's backoff.
            raise JobFailed(f"push: {retry[0].detail or retry[0].status}")
        return False

    async def _mail(
        self, principal: Principal, preferences: Preferences | None, customer_id: str, name: str
    ) -> None:
        locale, sender = await self._mailing.envelope(principal, preferences, known=True)
        message = conflict_mail(
            locale, sender, principal.email, name, self._mailing.base_url, self._clock()
        )
        await self._mailing.send(message)
        log.debug("conflict notice mailed to %s for customer %s", principal.user_id, customer_id)
