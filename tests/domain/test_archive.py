"""The revision-safe archive: retention arithmetic, legal hold, deletion after retention."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from backend.audit.verification import verify_archive
from backend.documents.models import DocumentDraft, DocumentFilter, DocumentSort, NewContent
from backend.documents.retention import deletable_on, retention_until
from backend.errors import (
    Conflict,
    DocumentDeleted,
    Forbidden,
    LegalHoldActive,
    NotFound,
    RetentionActive,
    ValidationFailed,
)
from backend.runtime import Runtime, Services
from tests.factories import FakeClock, TenantContext, make_tenant_context, pdf_bytes, runtime_with
from tests.owner import OwnerSql

DOC_DATE = dt.date(2030, 1, 15)  # FakeClock's default day; the test types keep 10 years
KEPT_UNTIL = dt.date(2040, 12, 31)

# -- retention arithmetic (pure) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("document_date", "years", "start", "expected"),
    [
        (dt.date(2020, 3, 15), 10, "end_of_year", dt.date(2030, 12, 31)),
        (dt.date(2020, 12, 31), 6, "end_of_year", dt.date(2026, 12, 31)),
        (dt.date(2020, 1, 1), 1, "end_of_year", dt.date(2021, 12, 31)),
        (dt.date(2020, 3, 15), 10, "document_date", dt.date(2030, 3, 15)),
        (dt.date(2024, 2, 29), 1, "document_date", dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), 4, "document_date", dt.date(2028, 2, 29)),
        (dt.date(2024, 2, 29), 10, "end_of_year", dt.date(2034, 12, 31)),
        (dt.date(2020, 3, 15), 0, "document_date", None),
        (dt.date(2020, 3, 15), 0, "end_of_year", None),
    ],
)
def test_retention_until(
    document_date: dt.date, years: int, start: str, expected: dt.date | None
) -> None:
    assert retention_until(document_date, years, start) == expected


def test_retention_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="negative"):
        retention_until(dt.date(2020, 1, 1), -1, "end_of_year")
    with pytest.raises(ValueError, match="whenever"):
        retention_until(dt.date(2020, 1, 1), 1, "whenever")


def test_deletable_from_the_day_after_the_retention_date() -> None:
    until = dt.date(2030, 12, 31)
    assert not deletable_on(until, dt.date(2030, 12, 31))
    assert deletable_on(until, dt.date(2031, 1, 1))
    assert deletable_on(None, dt.date(2000, 1, 1))


# -- the service -----------------------------------------------------------------------------


class Archive:
    """A tenant whose services run on a clock the test moves."""

    def __init__(self, ctx: TenantContext, runtime: Runtime) -> None:
        self.ctx = ctx
        self.clock = FakeClock()
        self.runtime = runtime_with(runtime, clock=self.clock)
        self.services: Services = self.runtime.services()

    async def document(self, customer_id: str, data: bytes | None = None) -> str:
        document = await self.ctx.document(
            customer_id, "letter", document_date=DOC_DATE, data=data, services=self.services
        )
        return document.id

    def after_retention(self) -> None:
        self.clock.now = dt.datetime(2041, 1, 1, 8, 0, tzinfo=dt.UTC)

    async def actions(self, document_id: str) -> list[str]:
        events = await self.services.audit.trail(
            self.ctx.principal, target=("document", document_id), limit=100
        )
        return [e.action for e in reversed(events)]


@pytest.fixture
async def archive(tenant_ctx: TenantContext, runtime: Runtime) -> Archive:
    return Archive(tenant_ctx, runtime)


async def test_delete_before_retention_is_refused_and_changes_nothing(archive: Archive) -> None:
    ctx, docs = archive.ctx, archive.services.documents
    customer = await ctx.customer()
    document_id = await archive.document(customer.id)
    archive.clock.now = dt.datetime(2040, 12, 31, 23, 0, tzinfo=dt.UTC)
    before = {t: await ctx.count(t) for t in ("document_register", "blob", "document_tombstone")}
    files = ctx.blob_files()

    with pytest.raises(RetentionActive) as refused:
        await archive.services.archive.delete(ctx.principal, document_id, "no longer needed")
    assert refused.value.code == "retention_active"
    assert refused.value.retention_until == KEPT_UNTIL
    assert "2040-12-31" in refused.value.message

    assert (await docs.get(ctx.principal, document_id)).status == "active"
    assert {t: await ctx.count(t) for t in before} == before
    assert ctx.blob_files() == files
    assert "document.delete" not in await archive.actions(document_id)


async def test_delete_after_retention_leaves_a_tombstone_and_an_audit_line(
    archive: Archive,
) -> None:
    ctx, docs = archive.ctx, archive.services.documents
    customer = await ctx.customer()
    document_id = await archive.document(customer.id)
    [[version]] = await docs.versions_of(ctx.principal, [document_id])
    archive.after_retention()

    tombstone = await archive.services.archive.delete(
        ctx.principal, document_id, "  retention ended  "
    )
    assert tombstone.reason == "retention ended"
    assert tombstone.deleted_by == ctx.principal.user_id
    assert tombstone.deleted_at == archive.clock.now
    assert await archive.services.documents._repo.tombstone(ctx.tenant.id, document_id) == (
        tombstone
    )

    with pytest.raises(DocumentDeleted) as gone:
        await docs.get(ctx.principal, document_id)
    assert gone.value.code == "document_deleted"
    assert isinstance(gone.value, NotFound)
    with pytest.raises(DocumentDeleted):
        await docs.content(ctx.principal, version.id)
    with pytest.raises(DocumentDeleted):
        await docs.add_version(ctx.principal, document_id, NewContent("x.pdf", pdf_bytes("x")))
    with pytest.raises(DocumentDeleted):
        await archive.services.archive.delete(ctx.principal, document_id, "again")

    assert await ctx.count("document_version") == 1  # versions are append-only and stay
    assert await ctx.count("document_tombstone") == 1
    assert await ctx.count("blob") == 0
    assert ctx.blob_files() == []

    actions = await archive.actions(document_id)
    assert actions[-1] == "document.delete"
    [event] = [
        e
        for e in await archive.services.audit.trail(ctx.principal, target=("document", document_id))
        if e.action == "document.delete"
    ]
    assert event.details["reason"] == "retention ended"
    assert event.details["retention_until"] == "2040-12-31"
    assert event.details["blobs_removed"] == [version.sha256]

    report = await verify_archive(archive.runtime, tenant_slug=ctx.tenant.slug)
    assert report.clean, report.problems


async def test_verify_still_reports_a_missing_blob_of_a_live_document(archive: Archive) -> None:
    ctx, docs = archive.ctx, archive.services.documents
    customer = await ctx.customer()
    live_id = await archive.document(customer.id)
    deleted_id = await archive.document(customer.id)
    archive.after_retention()
    await archive.services.archive.delete(ctx.principal, deleted_id, "retention ended")
    [[live]] = await docs.versions_of(ctx.principal, [live_id])
    [path] = ctx.blob_files()
    path.unlink()
    report = await verify_archive(archive.runtime, tenant_slug=ctx.tenant.slug)
    assert [(p.kind, p.where) for p in report.problems] == [("blob_missing", f"blob {live.sha256}")]


async def test_a_blob_shared_with_a_live_document_stays(archive: Archive) -> None:
    ctx, docs = archive.ctx, archive.services.documents
    customer = await ctx.customer()
    shared = pdf_bytes("shared")
    doomed = await archive.document(customer.id, data=shared)
    survivor = await archive.document(customer.id, data=shared)
    archive.after_retention()

    await archive.services.archive.delete(ctx.principal, doomed, "retention ended")
    assert await ctx.count("blob") == 1
    assert len(ctx.blob_files()) == 1
    [[version]] = await docs.versions_of(ctx.principal, [survivor])
    _, data = await docs.content(ctx.principal, version.id)
    assert data == shared

    await archive.services.archive.delete(ctx.principal, survivor, "retention ended")
    assert await ctx.count("blob") == 0
    assert ctx.blob_files() == []
    assert (await verify_archive(archive.runtime, tenant_slug=ctx.tenant.slug)).clean


async def test_legal_hold_blocks_deletion_even_after_retention(archive: Archive) -> None:
    ctx, docs = archive.ctx, archive.services.documents
    customer = await ctx.customer()
    document_id = await archive.document(customer.id)

    held = await archive.services.archive.set_legal_hold(
        ctx.principal, document_id, "tax audit 2041"
    )
    assert held.legal_hold is not None
    assert held.legal_hold.reason == "tax audit 2041"
    assert held.legal_hold.set_by == ctx.principal.user_id
    assert (await docs.get(ctx.principal, document_id)).legal_hold == held.legal_hold
    with pytest.raises(Conflict):
        await archive.services.archive.set_legal_hold(ctx.principal, document_id, "twice")

    archive.after_retention()
    with pytest.raises(LegalHoldActive) as refused:
        await archive.services.archive.delete(ctx.principal, document_id, "retention ended")
    assert refused.value.code == "legal_hold"
    assert await ctx.count("document_tombstone") == 0
    assert len(ctx.blob_files()) == 1

    lifted = await archive.services.archive.lift_legal_hold(
        ctx.principal, document_id, "audit closed"
    )
    assert lifted.legal_hold is None
    with pytest.raises(Conflict):
        await archive.services.archive.lift_legal_hold(ctx.principal, document_id, "twice")
    await archive.services.archive.delete(ctx.principal, document_id, "retention ended")

    assert await archive.actions(document_id) == [
        "document.create",
        "document.legal_hold_set",
        "document.legal_hold_lifted",
        "document.delete",
    ]
    events = await archive.services.audit.trail(ctx.principal, target=("document", document_id))
    lifted_event = next(e for e in events if e.action == "document.legal_hold_lifted")
    assert lifted_event.details["reason"] == "audit closed"
    assert lifted_event.details["hold_reason"] == "tax audit 2041"


async def test_lists_and_counts_exclude_deleted_documents(archive: Archive) -> None:
    ctx, docs = archive.ctx, archive.services.documents
    customer = await ctx.customer()
    kept = await archive.document(customer.id)
    deleted = await archive.document(customer.id)
    correspondence = ctx.registers["correspondence"].id
    assert await docs.document_count(ctx.principal, customer.id) == 2
    assert (await docs.register_counts(ctx.principal, customer.id))[correspondence] == 2

    archive.after_retention()
    await archive.services.archive.delete(ctx.principal, deleted, "retention ended")

    page = await docs.list(ctx.principal, customer.id, DocumentFilter(), DocumentSort(), 50, None)
    assert [d.id for d in page.items] == [kept]
    filtered = await docs.list(
        ctx.principal,
        customer.id,
        DocumentFilter(register_id=correspondence),
        DocumentSort(),
        50,
        None,
    )
    assert [d.id for d in filtered.items] == [kept]
    assert await docs.document_count(ctx.principal, customer.id) == 1
    assert (await docs.register_counts(ctx.principal, customer.id))[correspondence] == 1


async def test_a_type_without_retention_can_be_deleted_at_once(archive: Archive) -> None:
    ctx, services = archive.ctx, archive.services
    note_type = await services.catalog.add_document_type(
        ctx.tenant.id, "note", "Note", retention_years=0
    )
    customer = await ctx.customer()
    note = await services.documents.upload(
        ctx.principal,
        DocumentDraft(
            customer_id=customer.id,
            document_type_id=note_type.id,
            title="scratch",
            document_date=None,
            index_values={},
            register_ids=None,
            content=NewContent("note.pdf", pdf_bytes("note")),
        ),
    )
    assert await services.archive.retention_until(ctx.principal, note) is None
    await services.archive.delete(ctx.principal, note.id, "made by mistake")
    assert await ctx.count("document_tombstone") == 1


async def test_retention_from_the_document_date(archive: Archive) -> None:
    ctx, services = archive.ctx, archive.services
    contract = await services.catalog.add_document_type(
        ctx.tenant.id, "contract", "Contract", retention_years=6, retention_from="document_date"
    )
    assert contract.retention_from == "document_date"
    [stored] = [
        t for t in await services.catalog.document_types(ctx.tenant.id) if t.key == "contract"
    ]
    assert stored.retention_from == "document_date"
    with pytest.raises(ValidationFailed) as bad:
        await services.catalog.add_document_type(
            ctx.tenant.id, "other", "Other", retention_from="someday"
        )
    assert bad.value.issues[0].field == "retentionFrom"


async def test_bad_inputs(archive: Archive, runtime: Runtime) -> None:
    ctx, docs = archive.ctx, archive.services.documents
    customer = await ctx.customer()
    document_id = await archive.document(customer.id)
    archive.after_retention()

    for reason in ("", "   ", "x" * 2001):
        with pytest.raises(ValidationFailed) as invalid:
            await archive.services.archive.delete(ctx.principal, document_id, reason)
        assert invalid.value.code == "invalid"
        assert invalid.value.issues[0].field == "reason"
        with pytest.raises(ValidationFailed):
            await archive.services.archive.set_legal_hold(ctx.principal, document_id, reason)
    for unknown in ("not-an-id", "00000000-0000-4000-8000-000000000000"):
        with pytest.raises(NotFound):
            await archive.services.archive.delete(ctx.principal, unknown, "retention ended")

    _, clerk = await ctx.user("clerk")
    with pytest.raises(Forbidden):
        await archive.services.archive.delete(clerk, document_id, "retention ended")
    with pytest.raises(Forbidden):
        await archive.services.archive.set_legal_hold(clerk, document_id, "hold")
    with pytest.raises(Forbidden):
        await archive.services.archive.lift_legal_hold(clerk, document_id, "lift")

    other = await make_tenant_context(runtime)
    with pytest.raises(NotFound):
        await archive.services.archive.delete(other.principal, document_id, "retention ended")

    assert await ctx.count("document_tombstone") == 0
    assert (await docs.get(ctx.principal, document_id)).legal_hold is None
    assert await archive.actions(document_id) == ["document.create"]


async def test_a_tombstone_the_audit_trail_does_not_vouch_for_releases_nothing(
    archive: Archive,
) -> None:
    """Someone with database access inserts a tombstone to pass off removed content as deleted."""
    ctx, docs = archive.ctx, archive.services.documents
    customer = await ctx.customer()
    document_id = await archive.document(customer.id)
    [[version]] = await docs.versions_of(ctx.principal, [document_id])
    await OwnerSql(archive.runtime).fetch(
        "INSERT INTO document_tombstone (id, tenant, document, deleted_at, deleted_by, reason) "
        "VALUES ({}, {}, {}, {}, {}, {}) RETURNING id",
        str(uuid.uuid4()),
        ctx.tenant.id,
        document_id,
        archive.clock(),
        None,
        "forged",
    )
    [path] = ctx.blob_files()
    path.unlink()
    report = await verify_archive(archive.runtime, tenant_slug=ctx.tenant.slug)
    assert {(p.kind, p.where) for p in report.problems} == {
        ("unrecorded_deletion", f"document {document_id}"),
        ("blob_missing", f"blob {version.sha256}"),
    }
