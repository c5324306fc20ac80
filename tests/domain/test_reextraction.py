"""Reading texts again after the OCR languages changed (both engines): only texts OCR read are
queued, in batches, once per stored text, by administrators or the operator, audited."""

from __future__ import annotations

import pytest

from backend.audit.repository import PiccoloAuditRepository
from backend.audit.service import AuditTrail
from backend.documents.extraction import EXTRACT_JOB
from backend.documents.reextraction import ReextractionService
from backend.documents.repository import PiccoloDocumentRepository
from backend.errors import Forbidden, ValidationFailed
from backend.jobs.queue import JobQueue
from backend.jobs.registry import job_handlers
from backend.jobs.repository import PiccoloJobRepository
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from tests.domain.scans import GERMAN, encoded, scan
from tests.factories import TenantContext, make_tenant_context


async def _extract(runtime: Runtime) -> int:
    worker = runtime.worker({EXTRACT_JOB: job_handlers(runtime)[EXTRACT_JOB]})
    ran = 0
    while await worker.run_once() is not None:
        ran += 1
    return ran


async def _audited(ctx: TenantContext) -> list[str]:
    with tenant_scope(ctx.tenant.id):
        rows = await ctx.runtime.database.fetch(
            "SELECT details FROM audit_event WHERE tenant = {} AND action = {} ORDER BY seq",
            ctx.tenant.id,
            "document.reextract",
        )
    return [str(r["details"]) for r in rows]


def _service(runtime: Runtime, batch_size: int) -> ReextractionService:
    audit = AuditTrail(PiccoloAuditRepository(), runtime.database, runtime.clock)
    jobs = JobQueue(PiccoloJobRepository(), runtime.clock)
    return ReextractionService(
        PiccoloDocumentRepository(), audit, runtime.database, jobs, batch_size=batch_size
    )


async def test_texts_read_by_ocr_are_read_again_in_the_new_languages(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    services = runtime.services()
    customer = await ctx.customer()
    scans = [
        await ctx.document(customer, filename=f"s{i}.png", data=encoded(scan([GERMAN]), "PNG"))
        for i in range(2)
    ]
    await ctx.document(customer, filename="note.txt", data=b"Plain text, no OCR\n")
    await _extract(runtime)
    versions = [
        v.id for [v] in await services.documents.versions_of(ctx.principal, [d.id for d in scans])
    ]
    before = await services.documents.texts(ctx.principal, versions)
    assert [(t.source, t.language) for t in before] == [("ocr", "eng"), ("ocr", "eng")]

    await services.catalog.set_ocr_languages(ctx.principal, "deu+eng")
    reextraction = _service(runtime, batch_size=1)
    assert await reextraction.reextract(ctx.principal, "ocr") == 2, "both scans, not the text file"
    assert await reextraction.reextract(ctx.principal, "ocr") == 0, "already queued"
    assert await _extract(runtime) == 2
    after = await services.documents.texts(ctx.principal, versions)
    assert [(t.state, t.source, t.language) for t in after] == [("ready", "ocr", "deu+eng")] * 2
    assert all(t.text.split() == GERMAN.split() for t in after)
    assert await reextraction.reextract(ctx.principal) == 2, "new texts: may be read again"
    assert len(await _audited(ctx)) == 3


async def test_only_administrators_or_the_operator_ask_and_the_source_is_checked(
    runtime: Runtime,
) -> None:
    ctx = await make_tenant_context(runtime)
    reextraction = runtime.services().reextraction
    _, clerk = await ctx.user("clerk")
    with pytest.raises(Forbidden):
        await reextraction.reextract(clerk)
    with pytest.raises(ValidationFailed) as invalid:
        await reextraction.reextract(ctx.principal, "everything")
    assert [(i.field, i.code) for i in invalid.value.issues] == [("source", "invalid_value")]
    with pytest.raises(ValidationFailed):
        await reextraction.reextract_for_operator(ctx.tenant.id, "pdf")
    assert await _audited(ctx) == [], "refused requests leave no trace but the error"
    assert await reextraction.reextract_for_operator(ctx.tenant.id) == 0
    assert len(await _audited(ctx)) == 1
