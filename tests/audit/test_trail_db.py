"""The audit trail against a real database (both engines): what each service action records,
that refused changes record nothing, that the chain stays gap-free under concurrency, that tenants
never see each other's events, and that the database itself refuses to change history."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest

from backend.access.policy import Principal
from backend.audit.chain import verify_chain
from backend.audit.events import GENESIS_HASH, AuditEvent
from backend.audit.repository import PiccoloAuditRepository
from backend.audit.service import Actor
from backend.audit.verification import verify_archive
from backend.customers.models import CustomerDraft
from backend.documents.models import MetadataPatch, NewContent
from backend.errors import (
    Conflict,
    DuplicateErpNumber,
    Forbidden,
    InvalidCredentials,
    NotFound,
    ValidationFailed,
)
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from tests.factories import TenantContext, make_tenant_context, pdf_bytes, unique
from tests.owner import OwnerSql

PASSWORD = "correct-horse-battery"


async def chain_of(tenant_id: str) -> list[AuditEvent]:
    """Every event of a tenant, oldest first, as ``dossier verify`` reads them."""
    return [e async for batch in PiccoloAuditRepository().chain(tenant_id) for e in batch]


async def event_count(runtime: Runtime, tenant_id: str | None = None) -> int:
    """Events of one tenant, or of the whole database."""
    if tenant_id is None:
        rows = await OwnerSql(runtime).fetch("SELECT count(*) AS n FROM audit_event")
    else:
        rows = await OwnerSql(runtime).fetch(
            "SELECT count(*) AS n FROM audit_event WHERE tenant = {}", tenant_id
        )
    return int(rows[0]["n"])


def assert_gap_free(events: list[AuditEvent], tenant_id: str) -> None:
    """seq = 1..n without gaps, each prev_hash the hash before it, every hash recomputable."""
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(e.tenant_id == tenant_id for e in events)
    assert [e.prev_hash for e in events] == [GENESIS_HASH] + [e.hash for e in events[:-1]]
    assert all(e.computed_hash() == e.hash for e in events)
    assert verify_chain(events, tenant_id=tenant_id) == []


def summary(events: list[AuditEvent]) -> list[tuple[str, str | None, str]]:
    return [(e.action, e.actor_id, e.device) for e in events]


async def activity(ctx: TenantContext) -> dict[str, Any]:
    """A bit of everything the services audit; returns the ids involved."""
    services = ctx.runtime.services()
    customer = await ctx.customer()
    document = await ctx.document(customer, "invoice")
    await services.documents.add_version(
        ctx.principal, document.id, NewContent("v2.pdf", pdf_bytes(unique("v2"))), "second"
    )
    await services.documents.update_metadata(
        ctx.principal, document.id, MetadataPatch(title="Renamed")
    )
    await services.documents.assign_registers(
        ctx.principal, document.id, [ctx.registers["contracts"].id]
    )
    await services.customers.update(ctx.principal, customer.id, CustomerDraft(name="Renamed Ltd"))
    await services.documents.view(ctx.principal, document.id)
    versions = (await services.documents.versions_of(ctx.principal, [document.id]))[0]
    await services.documents.content(ctx.principal, versions[0].id)
    return {"customer": customer, "document": document, "versions": versions}


# -- a clean chain ------------------------------------------------------------------------------


async def test_chain_after_activity_is_gap_free_linked_and_verifies_clean(
    runtime: Runtime, tenant_ctx: TenantContext
) -> None:
    await activity(tenant_ctx)
    events = await chain_of(tenant_ctx.tenant.id)
    assert_gap_free(events, tenant_ctx.tenant.id)
    head = await PiccoloAuditRepository().head(tenant_ctx.tenant.id)
    assert head == (len(events), events[-1].hash)
    report = await verify_archive(runtime, tenant_slug=tenant_ctx.tenant.slug)
    assert report.problems == []
    assert report.clean
    assert (report.tenants, report.events) == (1, len(events))
    assert report.versions == await tenant_ctx.count("document_version") == 2
    assert report.blobs == await tenant_ctx.count("blob") == 2


# -- what each action records -------------------------------------------------------------------


async def test_tenant_setup_records_catalog_and_user_events_as_the_system(
    runtime: Runtime, tenant_ctx: TenantContext
) -> None:
    events = await chain_of(tenant_ctx.tenant.id)
    assert [e.action for e in events] == [
        "tenant.create",
        *["register.create"] * 6,
        *["document_type.create"] * 4,
        "user.create",
    ]
    assert {(e.actor_id, e.device) for e in events} == {(None, "system")}
    first = events[0]
    assert (first.target_type, first.target_id) == ("tenant", tenant_ctx.tenant.id)
    assert first.details["slug"] == tenant_ctx.tenant.slug
    registers = {e.target_id for e in events if e.action == "register.create"}
    assert registers == {r.id for r in tenant_ctx.registers.values()}
    types = {e.target_id: e.details["key"] for e in events if e.action == "document_type.create"}
    assert types == {t.id: key for key, t in tenant_ctx.types.items()}
    user = events[-1]
    assert (user.target_type, user.target_id) == ("user", tenant_ctx.admin.id)
    assert user.details == {"email": tenant_ctx.admin.email, "role": "admin"}


async def test_document_actions_record_action_target_and_actor(
    runtime: Runtime, tenant_ctx: TenantContext
) -> None:
    ids = await activity(tenant_ctx)
    document, versions = ids["document"], ids["versions"]
    admin = tenant_ctx.principal
    trail = await runtime.services().audit.trail(admin, target=("document", document.id))
    assert [e.action for e in trail] == [
        "document.download",
        "document.view",
        "document.file",
        "document.update",
        "document.version_add",
        "document.create",
    ]
    assert {(e.target_type, e.target_id) for e in trail} == {("document", document.id)}
    assert {(e.actor_id, e.device) for e in trail} == {(admin.user_id, "web")}
    assert [e.seq for e in trail] == sorted((e.seq for e in trail), reverse=True)
    download, view, filed, update, added, created = trail
    assert download.details == {"version": 1, "sha256": versions[0].sha256}
    assert view.details == {}
    assert filed.details["new"] == [tenant_ctx.registers["contracts"].id]
    assert filed.details["old"] == [tenant_ctx.registers["invoices"].id]
    assert update.details["changes"] == [
        {"field": "title", "old": document.title, "new": "Renamed"}
    ]
    assert added.details["comment"] == "second"
    assert added.details["version"] == {
        "id": versions[1].id,
        "number": 2,
        "sha256": versions[1].sha256,
        "size": versions[1].size,
        "mime_type": "application/pdf",
        "filename": "v2.pdf",
    }
    assert created.details["version"]["id"] == versions[0].id
    assert created.details["customer"] == ids["customer"].id
    assert created.details["type"] == "invoice"


async def test_customer_actions_and_the_dossier_trail(
    runtime: Runtime, tenant_ctx: TenantContext
) -> None:
    ids = await activity(tenant_ctx)
    customer, document = ids["customer"], ids["document"]
    trail = runtime.services().audit.trail
    own = await trail(tenant_ctx.principal, target=("customer", customer.id))
    assert [e.action for e in own] == ["customer.update", "customer.create"]
    assert own[1].details == {"erp_number": customer.erp_number, "name": customer.name}
    assert own[0].details["revision"] == 2
    assert {e.actor_id for e in own} == {tenant_ctx.admin.id}
    # A dossier is the customer plus its documents; another customer's documents stay out.
    other = await tenant_ctx.customer()
    await tenant_ctx.document(other)
    dossier = await trail(tenant_ctx.principal, target=("dossier", customer.id))
    assert {(e.target_type, e.target_id) for e in dossier} == {
        ("customer", customer.id),
        ("document", document.id),
    }
    assert len(dossier) == 2 + 6


async def test_account_actions_record_user_targets(
    runtime: Runtime, tenant_ctx: TenantContext
) -> None:
    services = runtime.services()
    user, _ = await tenant_ctx.user("clerk", password=PASSWORD)
    await services.accounts.sign_in(tenant_ctx.tenant.slug, user.email, PASSWORD, device="ipad")
    await services.accounts.issue_api_token(
        tenant_ctx.tenant.id, user.id, "erp", actor=Actor.of(tenant_ctx.principal)
    )
    trail = await services.audit.trail(tenant_ctx.principal, target=("user", user.id))
    assert summary(trail) == [
        ("token.issue", tenant_ctx.admin.id, "web"),
        ("auth.login", user.id, "ipad"),
        ("user.create", None, "system"),
    ]
    assert trail[0].details == {"name": "erp", "expires_at": None}
    by_actor = await services.audit.trail(tenant_ctx.principal, actor_id=user.id)
    assert [e.action for e in by_actor] == ["auth.login"]


async def test_the_trail_needs_the_audit_right(runtime: Runtime, tenant_ctx: TenantContext) -> None:
    trail = runtime.services().audit.trail
    for role in ("clerk", "sales", "viewer"):
        _, principal = await tenant_ctx.user(role)
        with pytest.raises(Forbidden):
            await trail(principal)
    _, auditor = await tenant_ctx.user("auditor")
    assert [e.action for e in await trail(auditor, limit=1)] == ["user.create"]


# -- refused changes record nothing --------------------------------------------------------------


async def test_refused_changes_write_no_audit_event(
    runtime: Runtime, tenant_ctx: TenantContext
) -> None:
    services = runtime.services()
    customer = await tenant_ctx.customer()
    second = await tenant_ctx.customer()
    document = await tenant_ctx.document(customer, "invoice")
    _, viewer = await tenant_ctx.user("viewer")
    tenant_id = tenant_ctx.tenant.id
    before = await chain_of(tenant_id)
    head = await PiccoloAuditRepository().head(tenant_id)
    refusals: list[tuple[type[Exception], Callable[[], Awaitable[object]]]] = [
        (
            ValidationFailed,  # invoice_number missing, amount not money
            lambda: tenant_ctx.document(customer, "invoice", index_values={"amount": 5}),
        ),
        (DuplicateErpNumber, lambda: tenant_ctx.customer(erp_number=customer.erp_number)),
        (
            DuplicateErpNumber,
            lambda: services.customers.update(
                tenant_ctx.principal, second.id, CustomerDraft(erp_number=customer.erp_number)
            ),
        ),
        (
            ValidationFailed,
            lambda: services.documents.update_metadata(
                tenant_ctx.principal, document.id, MetadataPatch(status="shredded")
            ),
        ),
        (
            Forbidden,
            lambda: services.documents.update_metadata(
                viewer, document.id, MetadataPatch(title="x")
            ),
        ),
        (NotFound, lambda: services.documents.view(tenant_ctx.principal, str(uuid.uuid4()))),
        (
            Conflict,
            lambda: services.accounts.create_user(
                tenant_id, tenant_ctx.admin.email, "Twin", "clerk", None
            ),
        ),
    ]
    for error, attempt in refusals:
        with pytest.raises(error):
            await attempt()
    # an update that changes nothing is no change either
    same = await services.documents.update_metadata(
        tenant_ctx.principal, document.id, MetadataPatch(title=document.title)
    )
    assert same.revision == document.revision
    assert await chain_of(tenant_id) == before
    assert await PiccoloAuditRepository().head(tenant_id) == head


async def test_a_change_rolled_back_after_recording_leaves_no_event_and_no_head_advance(
    runtime: Runtime, tenant_ctx: TenantContext
) -> None:
    tenant_id = tenant_ctx.tenant.id
    before = await chain_of(tenant_id)
    head = await PiccoloAuditRepository().head(tenant_id)

    class Boom(Exception):
        pass

    async def record_then_fail() -> None:
        async with runtime.database.write():
            await runtime.services().audit.record(
                tenant_ctx.principal, "document.view", "document", str(uuid.uuid4())
            )
            raise Boom

    with pytest.raises(Boom):
        await record_then_fail()
    assert await chain_of(tenant_id) == before
    assert await PiccoloAuditRepository().head(tenant_id) == head
    # and the next event continues the chain where it was
    await runtime.services().audit.record(tenant_ctx.principal, "test.ping", "tenant", tenant_id)
    assert_gap_free(await chain_of(tenant_id), tenant_id)


# -- sign-in attempts ----------------------------------------------------------------------------


async def test_a_failed_login_of_a_known_user_is_recorded_an_unknown_email_nowhere(
    runtime: Runtime, tenant_ctx: TenantContext
) -> None:
    accounts = runtime.services().accounts
    user, _ = await tenant_ctx.user("clerk", password=PASSWORD)
    with pytest.raises(InvalidCredentials):
        await accounts.sign_in(tenant_ctx.tenant.slug, user.email, "wrong-password-123")
    last = (await chain_of(tenant_ctx.tenant.id))[-1]
    assert (last.action, last.target_type, last.target_id) == (
        "auth.login_failed",
        "user",
        user.id,
    )
    assert (last.actor_id, last.device, last.details) == (None, "web", {})
    everywhere = await event_count(runtime)
    for slug in (tenant_ctx.tenant.slug, None, "no-such-tenant"):
        with pytest.raises(InvalidCredentials):
            await accounts.sign_in(slug, f"{unique('nobody')}@example.com", "whatever-123")
    assert await event_count(runtime) == everywhere


# -- concurrency ---------------------------------------------------------------------------------


async def test_concurrent_writes_and_reads_keep_the_chain_gap_free_and_clean(
    runtime: Runtime, tenant_ctx: TenantContext
) -> None:
    customer = await tenant_ctx.customer()
    first = await tenant_ctx.document(customer)
    services = runtime.services()
    documents = await asyncio.gather(*(tenant_ctx.document(customer) for _ in range(10)))
    await asyncio.gather(
        *(services.documents.view(tenant_ctx.principal, d.id) for d in documents),
        *(
            services.documents.add_version(
                tenant_ctx.principal, first.id, NewContent("n.pdf", pdf_bytes(unique("n")))
            )
            for _ in range(5)
        ),
    )
    events = await chain_of(tenant_ctx.tenant.id)
    assert_gap_free(events, tenant_ctx.tenant.id)
    actions = [e.action for e in events]
    assert actions.count("document.create") == 11
    assert actions.count("document.view") == 10
    assert actions.count("document.version_add") == 5
    numbers = sorted(
        e.details["version"]["number"] for e in events if e.action == "document.version_add"
    )
    assert numbers == [2, 3, 4, 5, 6]
    report = await verify_archive(runtime, tenant_slug=tenant_ctx.tenant.slug)
    assert report.problems == []


async def test_concurrent_first_events_of_new_tenants_start_each_chain_once(
    runtime: Runtime,
) -> None:
    contexts = await asyncio.gather(*(make_tenant_context(runtime) for _ in range(3)))
    for ctx in contexts:
        assert_gap_free(await chain_of(ctx.tenant.id), ctx.tenant.id)


# -- tenants stay apart --------------------------------------------------------------------------


async def test_another_tenants_events_are_never_in_a_tenants_trail(
    runtime: Runtime, tenant_ctx: TenantContext
) -> None:
    other = await make_tenant_context(runtime)
    mine, theirs = await activity(tenant_ctx), await activity(other)
    trail = runtime.services().audit.trail
    everything = await trail(tenant_ctx.principal, limit=1000)
    assert everything
    assert {e.tenant_id for e in everything} == {tenant_ctx.tenant.id}
    assert len(everything) == await event_count(runtime, tenant_ctx.tenant.id)
    foreign_targets = [
        ("document", theirs["document"].id),
        ("customer", theirs["customer"].id),
        ("dossier", theirs["customer"].id),
        ("user", other.admin.id),
        ("tenant", other.tenant.id),
    ]
    for target in foreign_targets:
        assert await trail(tenant_ctx.principal, target=target) == [], target
    assert await trail(tenant_ctx.principal, actor_id=other.admin.id) == []
    # the same ids seen from their own tenant do have events
    assert await trail(other.principal, target=("dossier", theirs["customer"].id))
    assert await trail(tenant_ctx.principal, target=("dossier", mine["customer"].id))


# -- the database refuses to rewrite history -----------------------------------------------------


#: What the drivers raise when a trigger refuses a change.
REFUSED = (sqlite3.IntegrityError, asyncpg.exceptions.RestrictViolationError)
REFUSED_FOR_APP = (*REFUSED, asyncpg.exceptions.InsufficientPrivilegeError)


@pytest.mark.parametrize(
    ("table", "statement"),
    [
        ("audit_event", "UPDATE audit_event SET details = '[]' WHERE tenant = {}"),
        ("audit_event", "UPDATE audit_event SET seq = seq + 1000 WHERE tenant = {}"),
        ("audit_event", "DELETE FROM audit_event WHERE tenant = {}"),
        ("document_version", "UPDATE document_version SET filename = 'x.pdf' WHERE tenant = {}"),
        ("document_version", "DELETE FROM document_version WHERE tenant = {}"),
    ],
)
async def test_update_and_delete_are_refused_by_the_database(
    runtime: Runtime, tenant_ctx: TenantContext, table: str, statement: str
) -> None:
    customer = await tenant_ctx.customer()
    await tenant_ctx.document(customer)
    snapshot = f"SELECT * FROM {table} WHERE tenant = {{}} ORDER BY id"  # noqa: S608 (fixed names)
    before = await OwnerSql(runtime).fetch(snapshot, tenant_ctx.tenant.id)
    assert before
    # Even the tables' owner is refused by the triggers ...
    with pytest.raises(REFUSED, match=f"rows of {table} are append-only"):
        await OwnerSql(runtime).fetch(statement, tenant_ctx.tenant.id)

    # ... and the application, inside a write transaction as a service would try it: on
    # PostgreSQL its role is not even granted UPDATE or DELETE there.
    async def as_a_service() -> None:
        with tenant_scope(tenant_ctx.tenant.id):
            async with runtime.database.write():
                await runtime.database.fetch(statement, tenant_ctx.tenant.id)

    with pytest.raises(REFUSED_FOR_APP, match=r"append-only|permission denied"):
        await as_a_service()
    assert await OwnerSql(runtime).fetch(snapshot, tenant_ctx.tenant.id) == before
    report = await verify_archive(runtime, tenant_slug=tenant_ctx.tenant.slug)
    assert report.problems == []


@pytest.mark.postgres_only
@pytest.mark.parametrize("table", ["audit_event", "document_version"])
async def test_truncate_is_refused_on_postgres(
    runtime: Runtime, tenant_ctx: TenantContext, table: str
) -> None:
    await tenant_ctx.document(await tenant_ctx.customer())
    with pytest.raises(REFUSED, match=f"rows of {table} are append-only"):
        await OwnerSql(runtime).fetch(f"TRUNCATE {table} CASCADE")
    assert await event_count(runtime, tenant_ctx.tenant.id) > 0


async def test_principal_of_another_tenant_cannot_record_into_this_chain(
    runtime: Runtime, tenant_ctx: TenantContext
) -> None:
    """An event always lands in its actor's tenant: the chain a principal writes is its own."""
    other = await make_tenant_context(runtime)
    before = await chain_of(tenant_ctx.tenant.id)
    intruder: Principal = other.principal
    await runtime.services().audit.record(intruder, "test.ping", "tenant", tenant_ctx.tenant.id)
    assert await chain_of(tenant_ctx.tenant.id) == before
    assert (await chain_of(other.tenant.id))[-1].action == "test.ping"
