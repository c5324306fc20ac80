"""Pushes through the outbox to the local push service: what each device received (decrypted),
only for users who may read the document, never twice, and dead devices removed (both engines)."""

from __future__ import annotations

from backend.access.policy import ScopeKind
from backend.documents.models import MetadataPatch, NewContent
from tests.factories import pdf_bytes
from tests.notifications.conftest import Stand


async def test_a_new_document_reaches_each_device_of_each_subscriber(stand: Stand) -> None:
    ctx = stand.ctx
    customer = await ctx.customer(name="ACME Industries")
    rep, _ = await ctx.user("sales")
    await stand.device(rep, "rep-phone")
    await stand.device(rep, "rep-tablet")
    await stand.subscribe(rep, target_kind="customer", target_id=customer.id)

    document = await ctx.document(customer, "invoice", title="Invoice 4711")
    await stand.drain()

    for name in ("rep-phone", "rep-tablet"):
        [got] = stand.push.received[name]
        assert got.payload == {
            "type": "document_created",
            "documentId": document.id,
            "customerId": customer.id,
            "title": "Invoice 4711",
        }
        assert (got.ttl, got.urgency) == (86400, "high")
        assert got.size < 4096
    public_key = await ctx.runtime.services().notifications.vapid_public_key(ctx.principal)
    assert stand.push.received["rep-phone"][0].vapid_key == public_key
    assert [d["state"] for d in await stand.deliveries()] == ["sent", "sent"]
    assert stand.push.refusals == []


async def test_new_versions_and_status_changes_are_events_too(stand: Stand) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    rep, _ = await ctx.user("sales")
    await stand.device(rep, "phone")
    await stand.subscribe(rep, target_kind="register", target_id=ctx.registers["complaints"].id)
    document = await ctx.document(customer, "complaint")
    services = ctx.runtime.services()
    version = await services.documents.add_version(
        ctx.principal, document.id, NewContent("complaint.pdf", pdf_bytes("v2"))
    )
    await services.documents.update_metadata(
        ctx.principal, document.id, MetadataPatch(status="archived")
    )
    await services.documents.update_metadata(ctx.principal, document.id, MetadataPatch(title="x"))
    await stand.drain()
    got = {p["type"]: p for p in stand.push.payloads("phone")}
    assert sorted(got) == ["document_created", "status_changed", "version_added"]
    assert len(stand.push.payloads("phone")) == 3, "a title change is no event"
    assert got["version_added"]["versionId"] == version.id


async def test_only_users_who_may_read_the_document_are_told(stand: Stand) -> None:
    ctx = stand.ctx
    customer, other = await ctx.customer(), await ctx.customer()
    outsider, _ = await ctx.user("none")
    await ctx.grant(outsider, "viewer", ScopeKind.CUSTOMER, other.id)
    await stand.device(outsider, "outsider")
    # Subscribing to a whole document type: it matches, but the invoice is not theirs to read.
    await stand.subscribe(outsider, target_kind="document_type", target_id=ctx.types["invoice"].id)
    await ctx.document(customer, "invoice")
    mine = await ctx.document(other, "invoice")
    await stand.drain()
    assert [p["documentId"] for p in stand.push.payloads("outsider")] == [mine.id]


async def test_a_subscriber_who_lost_access_before_delivery_gets_nothing(stand: Stand) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    rep, _ = await ctx.user("none")
    grant = await ctx.grant(rep, "viewer", ScopeKind.CUSTOMER, customer.id)
    await stand.device(rep, "phone")
    await stand.subscribe(rep, target_kind="customer", target_id=customer.id)
    await ctx.document(customer, "letter")
    await ctx.runtime.services().access.revoke(ctx.principal, grant.id)
    await stand.drain()
    assert stand.push.payloads("phone") == []
    assert await stand.deliveries() == [], "nothing recorded for a user who may not read it"


async def test_the_uploader_is_not_told_of_their_own_document(stand: Stand) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    await stand.device(ctx.admin, "admin-phone")
    await stand.subscribe(ctx.admin, target_kind="customer", target_id=customer.id)
    await ctx.document(customer)
    await stand.drain()
    assert stand.push.payloads("admin-phone") == []


async def test_a_repeated_fan_out_sends_nothing_twice(stand: Stand) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    rep, _ = await ctx.user("sales")
    await stand.device(rep, "phone")
    # Two subscriptions that both match: still one push per device.
    await stand.subscribe(rep, target_kind="customer", target_id=customer.id)
    await stand.subscribe(rep, target_kind="document_type", target_id=ctx.types["letter"].id)
    document = await ctx.document(customer)
    await stand.drain()
    # The fan-out job delivered again (a worker died after its work): nothing new.
    from backend.notifications.events import document_job
    from backend.notifications.models import DocumentEvent, Event

    job = document_job(ctx.tenant.id, DocumentEvent(Event.DOCUMENT_CREATED, document.id))
    from backend.jobs.models import Job, JobState

    replay = Job(
        id="replay",
        tenant_id=ctx.tenant.id,
        kind=job.kind,
        payload=job.payload,
        state=JobState.RUNNING,
        attempts=2,
        max_attempts=5,
        run_after=stand.clock(),
        lease_until=None,
        locked_by=None,
        last_error=None,
        created_at=stand.clock(),
        finished_at=None,
    )
    from backend.notifications.wiring import notification_jobs
    from backend.persistence.scope import tenant_scope

    with tenant_scope(ctx.tenant.id):
        await notification_jobs(stand.runtime).fan_out.handle_document(replay)
    await stand.drain()
    assert len(stand.push.payloads("phone")) == 1
    assert len(await stand.deliveries()) == 1


async def test_a_device_the_push_service_says_is_gone_is_removed(stand: Stand) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    rep, _ = await ctx.user("sales")
    await stand.device(rep, "old-phone")
    await stand.device(rep, "new-phone")
    await stand.subscribe(rep, target_kind="customer", target_id=customer.id)
    stand.push.answer("old-phone", 410)
    await ctx.document(customer)
    await stand.drain()
    principal = await ctx.principal_of(rep)
    devices = await ctx.runtime.services().notifications.devices(principal)
    assert [d.name for d in devices] == ["new-phone"]
    [kept] = devices
    assert kept.last_delivery_at == stand.clock()
    states = sorted((str(d["state"]), str(d["last_error"])) for d in await stand.deliveries())
    assert states == [("dropped", "gone: 410"), ("sent", "None")]


async def test_a_busy_push_service_is_retried_with_backoff(stand: Stand) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    rep, _ = await ctx.user("sales")
    await stand.device(rep, "phone")
    await stand.subscribe(rep, target_kind="customer", target_id=customer.id)
    stand.push.answer("phone", 429)
    await ctx.document(customer)
    await stand.drain()
    [pending] = await stand.deliveries()
    assert (pending["state"], pending["attempts"]) == ("pending", 1)
    assert "429" in str(pending["last_error"])
    stand.push.answer("phone", None)
    await stand.drain()
    assert stand.push.payloads("phone") == [], "not before the backoff has passed"
    stand.clock.advance(seconds=10)
    await stand.drain()
    assert len(stand.push.payloads("phone")) == 1
    [sent] = await stand.deliveries()
    assert (sent["state"], sent["attempts"]) == ("sent", 2)
