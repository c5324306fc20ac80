"""Building the notification services over a runtime's database and settings."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from typing import TYPE_CHECKING

from backend.access.policy import Visibility
from backend.accounts.repository import PiccoloAccountRepository
from backend.customers.repository import PiccoloCustomerRepository
from backend.documents.repository import PiccoloDocumentRepository
from backend.jobs.worker import Handler
from backend.notifications.conflicts import CONFLICT_JOB, ConflictNotices
from backend.notifications.delivery import NotificationDelivery
from backend.notifications.events import DELIVER_JOB, DIGEST_JOB, DOCUMENT_JOB, SEND_JOB
from backend.notifications.fanout import FanOut
from backend.notifications.keys import VapidKeyring
from backend.notifications.live import LIVE_CHANNEL, LiveEvent
from backend.notifications.mailer import mailer_for
from backend.notifications.mailing import Mailing, PushPolicy
from backend.notifications.matching import Matcher
from backend.notifications.ports import PushSender
from backend.notifications.reading import Lookups, Reader
from backend.notifications.repository import PiccoloNotificationRepository
from backend.notifications.sending import BatchSending
from backend.notifications.webpush import WebPushSender
from backend.views.membership import ViewMembership

if TYPE_CHECKING:
    from backend.runtime import Runtime

__all__ = ["NotificationJobs", "notification_handlers", "notification_jobs", "push_subject"]


def push_subject(mail_from: str) -> str:
    """The VAPID ``sub``: the installation's sender address as a ``mailto:`` URL."""
    return f"mailto:{parseaddr(mail_from)[1]}"


@dataclass(frozen=True, slots=True)
class NotificationJobs:
    """The notification job handlers of one runtime."""

    fan_out: FanOut
    sending: BatchSending
    delivery: NotificationDelivery
    conflicts: ConflictNotices

    def handlers(self) -> dict[str, Handler]:
        return {
            DOCUMENT_JOB: self.fan_out.handle_document,
            SEND_JOB: self.sending.handle_send,
            DELIVER_JOB: self.delivery.handle_delivery,
            DIGEST_JOB: self.delivery.handle_digest,
            CONFLICT_JOB: self.conflicts.handle_conflict,
        }


def notification_jobs(
    runtime: Runtime, pusher: PushSender | None = None, *, send_at_fan_out: bool = True
) -> NotificationJobs:
    """``send_at_fan_out``: the fan-out's worker sends the batch due now itself (False leaves
    every batch to ``notify.send`` jobs, as when that worker stops right after recording)."""
    settings = runtime.settings
    services = runtime.services()
    repo = PiccoloNotificationRepository()
    customers_repo = PiccoloCustomerRepository()
    accounts_repo = PiccoloAccountRepository()

    async def customer_name(tenant_id: str, customer_id: str) -> str | None:
        found = await customers_repo.by_ids(tenant_id, [customer_id], Visibility(everything=True))
        return found[0].name if found else None

    async def type_name(tenant_id: str, type_id: str) -> str:
        return (await services.catalog.document_type(tenant_id, type_id)).name

    async def tenant_locale(tenant_id: str) -> str:
        return (await services.catalog.tenant(tenant_id)).locale

    async def publish(event: LiveEvent) -> None:
        if runtime.database.is_postgres:
            # Heard by every server process listening on the channel, after this autocommit.
            await runtime.database.fetch(
                "SELECT pg_notify({}, {}) AS sent", LIVE_CHANNEL, event.encode()
            )
        else:
            runtime.live.deliver(event.encode())

    lookups = Lookups(
        user=accounts_repo.find_user,
        users=accounts_repo.users_by_ids,
        grants_of=services.access.effective_grants,
        grants_of_users=services.access.effective_grants_of,
        customer_name=customer_name,
        type_name=type_name,
        tenant_locale=tenant_locale,
    )
    reader = Reader(PiccoloDocumentRepository(), lookups)
    mailing = Mailing(
        repo,
        lookups,
        mailer_for(settings.mail, settings.data_dir),
        runtime.clock,
        PushPolicy(
            base_url=settings.server.base_url,
            default_sender=settings.mail.mail_from,
            secret_key=settings.security.secret_key,
        ),
    )
    membership = ViewMembership(services.views, services.search)
    keyring = VapidKeyring(repo, runtime.database, runtime.clock, settings.security.secret_key)
    pusher = pusher or WebPushSender(push_subject(settings.mail.mail_from))
    jobs, db, clock = services.jobs, runtime.database, runtime.clock
    sending = BatchSending(repo, reader, mailing, keyring, pusher, jobs, db, clock)
    matcher = Matcher(repo, membership.contains)
    return NotificationJobs(
        FanOut(
            repo, reader, matcher, jobs, db, clock, publish, sending if send_at_fan_out else None
        ),
        sending,
        NotificationDelivery(repo, reader, mailing, keyring, pusher, db, clock),
        ConflictNotices(repo, reader, mailing, keyring, pusher, db, clock),
    )


def notification_handlers(runtime: Runtime) -> dict[str, Handler]:
    return notification_jobs(runtime).handlers()
