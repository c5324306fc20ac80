"""Notification fixtures: the push service and SMTP stand-ins, and a runtime whose mail goes to
the SMTP server and whose clock the test moves."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from backend.accounts.models import User
from backend.jobs.worker import Worker
from backend.notifications.models import DeviceDraft, PushDevice, SubscriptionDraft
from backend.notifications.wiring import notification_handlers
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from backend.settings import MailSettings
from tests.api.conftest import api, client  # noqa: F401 (the API tests' signed-in fixtures)
from tests.factories import FakeClock, TenantContext, make_tenant_context
from tests.push_service import Browser, PushService
from tests.smtp_server import SmtpServer


@pytest_asyncio.fixture
async def push() -> AsyncIterator[PushService]:
    service = await PushService.start()
    try:
        yield service
    finally:
        await service.stop()


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpServer]:
    server = SmtpServer(tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Stand:
    """A tenant on a runtime with a hand-moved clock and mail to the SMTP stand-in."""

    runtime: Runtime
    ctx: TenantContext
    clock: FakeClock
    push: PushService

    def worker(self) -> Worker:
        return self.runtime.worker(notification_handlers(self.runtime))

    async def drain(self) -> int:
        """Run every due notification job; return how many ran."""
        worker, ran = self.worker(), 0
        while await worker.run_once() is not None:
            ran += 1
        return ran

    async def device(self, user: User, name: str) -> tuple[Browser, PushDevice]:
        browser = self.push.browser(name)
        principal = await self.ctx.principal_of(user)
        device = await self.runtime.services().notifications.register_device(
            principal, DeviceDraft(browser.endpoint, browser.p256dh, browser.auth_b64, name)
        )
        return browser, device

    async def subscribe(self, user: User, **draft: object) -> str:
        principal = await self.ctx.principal_of(user)
        subscription = await self.runtime.services().notifications.subscribe(
            principal,
            SubscriptionDraft(**draft),  # type: ignore[arg-type]
        )
        return subscription.id

    async def deliveries(self) -> list[dict[str, object]]:
        with tenant_scope(self.ctx.tenant.id):
            return await self.runtime.database.fetch(
                "SELECT channel, state, attempts, last_error, dedupe_key FROM "
                "notification_delivery WHERE tenant = {} ORDER BY created_at, dedupe_key",
                self.ctx.tenant.id,
            )


@pytest_asyncio.fixture
async def stand(runtime: Runtime, push: PushService, smtp: SmtpServer) -> AsyncIterator[Stand]:
    clock = FakeClock()
    settings = dataclasses.replace(
        runtime.settings,
        mail=MailSettings(
            smtp_host=smtp.host,
            smtp_port=smtp.port,
            smtp_user=smtp.user,
            smtp_password=smtp.password,
            smtp_starttls=True,
            smtp_ca_file=str(smtp.ca_file),
            smtp_timeout_seconds=10,
            mail_from="Dossier <notify@dossier.example>",
        ),
    )
    stand_runtime = Runtime(
        settings=settings, database=runtime.database, blobs=runtime.blobs, clock=clock
    )
    ctx = await make_tenant_context(stand_runtime)
    yield Stand(stand_runtime, ctx, clock, push)
