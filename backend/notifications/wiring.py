"""Building the notification services over a runtime's database and settings."""

from __future__ import annotations

from email.utils import parseaddr
from typing import TYPE_CHECKING

from backend.access.policy import Visibility
from backend.accounts.repository import PiccoloAccountRepository
from backend.customers.repository import PiccoloCustomerRepository
from backend.documents.repository import PiccoloDocumentRepository
from backend.jobs.worker import Handler
from backend.notifications.delivery import Lookups, NotificationDelivery, PushPolicy
from backend.notifications.events import DELIVER_JOB, DIGEST_JOB, DOCUMENT_JOB
from backend.notifications.keys import VapidKeyring
from backend.notifications.live import LIVE_CHANNEL, LiveEvent
from backend.notifications.mailer import mailer_for
from backend.notifications.ports import PushSender
from backend.notifications.repository import PiccoloNotificationRepository
from backend.notifications.webpush import WebPushSender

if TYPE_CHECKING:
    from backend.runtime import Runtime

__all__ = ["notification_delivery", "notification_handlers", "push_subject"]


def push_subject(mail_from: str) -> str:
    """The VAPID ``sub``: the installation's sender address as a ``mailto:`` URL."""
    return f"mailto:{parseaddr(mail_from)[1]}"


def notification_delivery(
    runtime: Runtime, pusher: PushSender | None = None
) -> NotificationDelivery:
    settings = runtime.settings
    services = runtime.services()
    repo = PiccoloNotificationRepository()
    customers_repo = PiccoloCustomerRepository()

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

    return NotificationDelivery(
        repo,
        PiccoloDocumentRepository(),
        Lookups(
            user=PiccoloAccountRepository().find_user,
            grants_of=services.access.effective_grants,
            customer_name=customer_name,
            type_name=type_name,
            tenant_locale=tenant_locale,
        ),
        VapidKeyring(repo, runtime.database, runtime.clock, settings.security.secret_key),
        pusher or WebPushSender(push_subject(settings.mail.mail_from)),
        mailer_for(settings.mail, settings.data_dir),
        services.jobs,
        runtime.database,
        runtime.clock,
        PushPolicy(
            base_url=settings.server.base_url,
            default_sender=settings.mail.mail_from,
            secret_key=settings.security.secret_key,
        ),
        publish,
    )


def notification_handlers(runtime: Runtime) -> dict[str, Handler]:
    delivery = notification_delivery(runtime)
    return {
        DOCUMENT_JOB: delivery.handle_document,
        DELIVER_JOB: delivery.handle_delivery,
        DIGEST_JOB: delivery.handle_digest,
    }
