""" "A conflict waits": a sync push whose change loses a merge tells its user, once per push and
dossier, by push to their devices (ids and the dossier's name only) or, with no device, by one
mail in their language; the winner hears nothing (both engines, real push service and SMTP)."""

from __future__ import annotations

import datetime as dt
import email.policy
from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from backend.access.policy import ScopeKind
from backend.accounts.models import User
from backend.jobs.models import JobFailed
from backend.notifications.conflicts import CONFLICT_JOB
from backend.notifications.wiring import notification_jobs
from backend.persistence.scope import tenant_scope
from tests.api.conftest import PASSWORD, Api, browser
from tests.api.test_sync_api import Client
from tests.notifications.conftest import Stand
from tests.notifications.test_push_batch import _job
from tests.smtp_server import SmtpServer


async def _signed_in(stand: Stand, client: httpx.AsyncClient, user: User) -> Client:
    response = await client.post("/auth/login", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    api = Api(client=client, csrf=response.json()["csrfToken"], ctx=stand.ctx, email=user.email)
    return Client(api)


def _update(client: Client, customer_id: str, **changes: tuple[Any, Any]) -> dict[str, Any]:
    return client.mutation(
        "update",
        "customer",
        customer_id,
        base={k: old for k, (old, _) in changes.items()},
        patch={k: new for k, (_, new) in changes.items()},
    )


async def _conflicting_edits(stand: Stand, winner: User, loser: User, customer_id: str) -> str:
    """The winner changes name and ERP number; then the loser, from the same base: two conflicts in
    one push. Answers the first conflict's id."""
    async with browser(stand.runtime) as a, browser(stand.runtime) as b:
        first, second = await _signed_in(stand, a, winner), await _signed_in(stand, b, loser)
        [won] = await first.push(
            _update(first, customer_id, name=("ACME", "ACME Ltd"), erp_number=("E-1", "E-2"))
        )
        assert won["outcome"] == "applied", won
        [lost] = await second.push(
            _update(second, customer_id, name=("ACME", "ACME GmbH"), erp_number=("E-1", "E-3"))
        )
    assert lost["outcome"] == "conflict", lost
    assert len(lost["conflicts"]) == 2
    return str(lost["conflicts"][0]["id"])


async def _notice_jobs(stand: Stand) -> int:
    with tenant_scope(stand.ctx.tenant.id):
        rows = await stand.runtime.database.fetch(
            "SELECT COUNT(*) AS n FROM job WHERE tenant = {} AND kind = {}",
            stand.ctx.tenant.id,
            "notify.conflict",
        )
    return int(rows[0]["n"])


async def test_a_lost_change_pushes_once_to_each_device_of_its_user(stand: Stand) -> None:
    ctx = stand.ctx
    customer = await ctx.customer(name="ACME", erp_number="E-1")
    winner, _ = await ctx.user("clerk", password=PASSWORD)
    loser, _ = await ctx.user("clerk", password=PASSWORD)
    await stand.device(loser, "loser-phone")
    await stand.device(loser, "loser-tablet")
    await stand.device(winner, "winner-phone")

    conflict_id = await _conflicting_edits(stand, winner, loser, customer.id)
    assert await _notice_jobs(stand) == 1, "two conflicts of one push: one notice"
    await stand.drain()

    for name in ("loser-phone", "loser-tablet"):
        [got] = stand.push.received[name]
        assert got.payload == {
            "type": "conflict_waiting",
            "conflictId": conflict_id,
            "customerId": customer.id,
            "title": "ACME Ltd",
        }
        assert (got.ttl, got.urgency) == (86400, "normal")
        assert got.size < 4096
    assert stand.push.received["winner-phone"] == []
    assert await stand.drain() == 0, "nothing is sent twice"
    assert stand.push.received["loser-phone"][1:] == []


async def test_without_a_device_one_mail_in_the_users_language(
    stand: Stand, smtp: SmtpServer
) -> None:
    ctx = stand.ctx
    customer = await ctx.customer(name="ACME", erp_number="E-1")
    winner, _ = await ctx.user("clerk", password=PASSWORD)
    loser, _ = await ctx.user("clerk", password=PASSWORD, email="lost@example.com")
    await ctx.runtime.services().notifications.set_preferences(
        await ctx.principal_of(loser), "Europe/Berlin", None, None, "de"
    )
    await _conflicting_edits(stand, winner, loser, customer.id)
    await stand.drain()
    [message] = smtp.messages()
    assert message["To"] == "lost@example.com"
    assert message["Subject"] == "Ein Konflikt wartet auf Ihre Entscheidung: ACME Ltd"
    assert message["List-Unsubscribe"] is None
    text = _text(message)
    assert f"{ctx.runtime.settings.server.base_url}/conflicts" in text
    assert "Konflikt lösen" in text


async def test_in_quiet_hours_the_notice_is_a_mail_not_a_push(
    stand: Stand, smtp: SmtpServer
) -> None:
    ctx = stand.ctx
    stand.clock.now = dt.datetime(2030, 1, 15, 23, 30, tzinfo=dt.UTC)
    customer = await ctx.customer(name="ACME", erp_number="E-1")
    winner, _ = await ctx.user("clerk", password=PASSWORD)
    loser, _ = await ctx.user("clerk", password=PASSWORD)
    await stand.device(loser, "asleep")
    await ctx.runtime.services().notifications.set_preferences(
        await ctx.principal_of(loser), "UTC", "22:00", "07:00", "pl"
    )
    await _conflicting_edits(stand, winner, loser, customer.id)
    await stand.drain()
    assert stand.push.received["asleep"] == []
    [message] = smtp.messages()
    assert message["Subject"] == "Konflikt czeka na Twoją decyzję: ACME Ltd"


def _text(message: EmailMessage) -> str:
    again = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    part = again.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


async def test_nothing_is_sent_once_the_dossier_is_no_longer_theirs(
    stand: Stand, smtp: SmtpServer
) -> None:
    ctx = stand.ctx
    customer = await ctx.customer(name="ACME", erp_number="E-1")
    winner, _ = await ctx.user("clerk", password=PASSWORD)
    loser, _ = await ctx.user("none", password=PASSWORD)
    grant = await ctx.grant(loser, "clerk", ScopeKind.CUSTOMER, customer.id)
    await stand.device(loser, "phone")
    await _conflicting_edits(stand, winner, loser, customer.id)
    await ctx.runtime.services().access.revoke(ctx.principal, grant.id)
    await stand.drain()
    assert stand.push.received["phone"] == []
    assert smtp.messages() == []


async def test_resolving_the_conflict_tells_no_one_again(stand: Stand) -> None:
    ctx = stand.ctx
    customer = await ctx.customer(name="ACME", erp_number="E-1")
    winner, _ = await ctx.user("clerk", password=PASSWORD)
    loser, _ = await ctx.user("clerk", password=PASSWORD)
    await stand.device(loser, "phone")
    conflict_id = await _conflicting_edits(stand, winner, loser, customer.id)
    await stand.drain()
    async with browser(stand.runtime) as b:
        client = await _signed_in(stand, b, loser)
        [resolved] = await client.push(
            client.mutation("resolve", "conflict", conflict_id, resolution={"choice": "keep_mine"})
        )
    assert resolved["outcome"] in ("applied", "merged"), resolved
    assert await _notice_jobs(stand) == 1
    await stand.drain()
    assert len(stand.push.received["phone"]) == 1


async def test_a_notice_job_with_a_bad_payload_fails_at_once_and_sends_nothing(
    stand: Stand, smtp: SmtpServer
) -> None:
    notices = notification_jobs(stand.runtime).conflicts
    user, _ = await stand.ctx.user("clerk")
    customer = await stand.ctx.customer()
    good: dict[str, object] = {"user": user.id, "customer": customer.id, "conflict": customer.id}
    with tenant_scope(stand.ctx.tenant.id):
        bad: list[dict[str, object]] = [
            {},
            {**good, "user": 7},
            {**good, "customer": "x"},
            {**good, "conflict": ""},
        ]
        for payload in bad:
            with pytest.raises(JobFailed) as failed:
                await notices.handle_conflict(_job(stand, CONFLICT_JOB, payload))
            assert failed.value.permanent
            assert failed.value.reason.startswith("invalid_payload")
    assert smtp.messages() == []
