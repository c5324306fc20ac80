"""E-mail through the SMTP stand-in (STARTTLS, AUTH): instant mails and daily digests, parsed as
a mail client would, in the user's language; quiet hours hold pushes back (both engines)."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

from backend.access.policy import ScopeKind
from backend.notifications.unsubscribe import verify_unsubscribe
from tests.notifications.conftest import Stand
from tests.smtp_server import SmtpServer


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()  # type: ignore[attr-defined]


async def test_an_instant_mail_has_both_parts_a_deep_link_and_one_click_unsubscribe(
    stand: Stand, smtp: SmtpServer
) -> None:
    ctx = stand.ctx
    customer = await ctx.customer(name="Kowalski & Syn")
    rep, _ = await ctx.user("sales", email="rep@example.com")
    await stand.subscribe(rep, target_kind="customer", target_id=customer.id, channels=["email"])
    document = await ctx.document(customer, "invoice", title="Invoice <4711>")
    await stand.drain()

    [message] = smtp.messages()
    assert message["To"] == "rep@example.com"
    assert message["From"] == "Dossier <notify@dossier.example>"
    assert message["Subject"] == "New Invoice: Invoice <4711>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = _parts(message)
    link = f"{ctx.runtime.settings.server.base_url}/documents/{document.id}"
    assert link in text
    assert f'href="{link}"' in html
    assert "Customer: Kowalski & Syn" in text
    assert "Invoice &lt;4711&gt;" in html, "escaped in HTML"
    assert "Kowalski &amp; Syn" in html
    unsubscribe = str(message["List-Unsubscribe"]).strip("<>")
    assert unsubscribe.startswith(f"{ctx.runtime.settings.server.base_url}/notifications/")
    token = unsubscribe.partition("token=")[2]
    parsed = verify_unsubscribe(ctx.runtime.settings.security.secret_key, token)
    assert parsed is not None
    assert parsed.user_id == rep.id
    assert verify_unsubscribe(ctx.runtime.settings.security.secret_key, token + "x") is None
    assert [d["state"] for d in await stand.deliveries()] == ["sent"]


async def test_mails_speak_the_users_language(stand: Stand, smtp: SmtpServer) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    rep, _ = await ctx.user("sales")
    await stand.subscribe(rep, target_kind="customer", target_id=customer.id, channels=["email"])
    services = ctx.runtime.services()
    await services.notifications.set_preferences(
        await ctx.principal_of(rep), "Europe/Warsaw", None, None, "pl"
    )
    await ctx.document(customer, "letter", title="Pismo")
    await stand.drain()
    [message] = smtp.messages()
    assert message["Subject"] == "Nowy dokument (Letter): Pismo"
    text, _ = _parts(message)
    assert "Otwórz dokument" in text


async def test_the_digest_collects_the_day_at_the_users_hour_grouped_by_customer(
    stand: Stand, smtp: SmtpServer
) -> None:
    ctx = stand.ctx
    acme, beta = await ctx.customer(name="ACME"), await ctx.customer(name="Beta")
    clerk, _ = await ctx.user("none", email="office@example.com")
    await ctx.grant(clerk, "viewer", ScopeKind.CUSTOMER, acme.id)
    lost = await ctx.grant(clerk, "viewer", ScopeKind.CUSTOMER, beta.id)
    services = ctx.runtime.services()
    await services.notifications.set_preferences(
        await ctx.principal_of(clerk), "Europe/Berlin", None, None, "de"
    )
    for customer in (acme, beta):
        await stand.subscribe(
            clerk,
            target_kind="customer",
            target_id=customer.id,
            channels=["email"],
            rhythm="digest",
            digest_hour=17,
        )
    # 2030-01-15 09:00 UTC is 10:00 in Berlin: the digest goes out at 17:00 Berlin, 16:00 UTC.
    await ctx.document(acme, "letter", title="Brief eins")
    await ctx.document(acme, "order", title="Bestellung")
    await ctx.document(beta, "letter", title="Nur bis gestern")
    await stand.drain()
    assert smtp.messages() == [], "nothing before the digest hour"
    assert {d["state"] for d in await stand.deliveries()} == {"digest"}

    await services.access.revoke(ctx.principal, lost.id)  # Beta is no longer theirs to read
    stand.clock.now = dt.datetime(2030, 1, 15, 15, 59, tzinfo=dt.UTC)
    await stand.drain()
    assert smtp.messages() == []
    stand.clock.now = dt.datetime(2030, 1, 15, 16, 0, tzinfo=dt.UTC)
    await stand.drain()
    [digest] = smtp.messages()
    assert digest["Subject"] == "Dossier: 2 Neuigkeiten"
    assert digest["List-Unsubscribe"] is not None
    text, html = _parts(digest)
    assert text.index("ACME") < min(text.index("Brief eins"), text.index("Bestellung"))
    assert "Nur bis gestern" not in text, "no longer theirs to read"
    assert "Beta" not in text
    assert "Beta" not in html
    states = sorted(str(d["state"]) for d in await stand.deliveries())
    assert states == ["dropped", "sent", "sent"]
    await stand.drain()
    assert len(smtp.messages()) == 1, "one digest, once"


async def test_a_digest_never_set_up_follows_the_users_own_time_zone(
    stand: Stand, smtp: SmtpServer
) -> None:
    ctx = stand.ctx
    customer = await ctx.customer(name="ACME")
    clerk, _ = await ctx.user("viewer", email="berlin@example.com")
    services = ctx.runtime.services()
    await services.accounts.set_time_zone(await ctx.principal_of(clerk), "Europe/Berlin")
    await stand.subscribe(
        clerk,
        target_kind="customer",
        target_id=customer.id,
        channels=["email"],
        rhythm="digest",
        digest_hour=17,
    )
    # No notification preferences saved: 17:00 is the user's own (Berlin), 16:00 UTC, not UTC's.
    await ctx.document(customer, "letter", title="Brief")
    await stand.drain()
    stand.clock.now = dt.datetime(2030, 1, 15, 15, 59, tzinfo=dt.UTC)
    await stand.drain()
    assert smtp.messages() == []
    stand.clock.now = dt.datetime(2030, 1, 15, 16, 0, tzinfo=dt.UTC)
    await stand.drain()
    assert len(smtp.messages()) == 1


async def test_quiet_hours_hold_pushes_until_they_end(stand: Stand) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    rep, _ = await ctx.user("sales")
    await stand.device(rep, "phone")
    await stand.subscribe(rep, target_kind="customer", target_id=customer.id)
    await ctx.runtime.services().notifications.set_preferences(
        await ctx.principal_of(rep), "America/New_York", "22:00", "07:00", None
    )
    # 2030-01-15 04:00 UTC is 23:00 in New York: quiet until 07:00 there, 12:00 UTC.
    stand.clock.now = dt.datetime(2030, 1, 15, 4, 0, tzinfo=dt.UTC)
    await ctx.document(customer)
    await stand.drain()
    assert stand.push.payloads("phone") == []
    stand.clock.now = dt.datetime(2030, 1, 15, 11, 59, tzinfo=dt.UTC)
    await stand.drain()
    assert stand.push.payloads("phone") == []
    stand.clock.now = dt.datetime(2030, 1, 15, 12, 0, tzinfo=dt.UTC)
    await stand.drain()
    assert len(stand.push.payloads("phone")) == 1


async def test_a_tenant_sender_replaces_the_default(stand: Stand, smtp: SmtpServer) -> None:
    ctx = stand.ctx
    services = ctx.runtime.services()
    await services.notifications.set_mail_sender(ctx.principal, "akten@firma.example")
    customer = await ctx.customer()
    rep, _ = await ctx.user("sales")
    await stand.subscribe(rep, target_kind="customer", target_id=customer.id, channels=["email"])
    await ctx.document(customer)
    await stand.drain()
    [message] = smtp.messages()
    assert message["From"] == "akten@firma.example"
