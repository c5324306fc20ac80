"""Making previews again whose page sizes were never recorded (both engines): only those of live
documents (a deleted one has no preview left) are queued, in batches, once per stored preview, audited; the job records every page's
size, after which later pages render on demand."""

from __future__ import annotations

import datetime as dt
import json

from backend.audit.repository import PiccoloAuditRepository
from backend.audit.service import AuditTrail
from backend.documents.repository import PiccoloDocumentRepository
from backend.documents.repreview import RepreviewService
from backend.jobs.queue import JobQueue
from backend.jobs.repository import PiccoloJobRepository
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from tests.domain.test_pdf_preview import pdf as letter_pdf
from tests.domain.test_previews import _run_preview_jobs
from tests.factories import make_tenant_context


def _service(runtime: Runtime, batch_size: int) -> RepreviewService:
    audit = AuditTrail(PiccoloAuditRepository(), runtime.database, runtime.clock)
    jobs = JobQueue(PiccoloJobRepository(), runtime.clock)
    return RepreviewService(
        PiccoloDocumentRepository(), audit, runtime.database, jobs, batch_size=batch_size
    )


async def test_previews_without_page_sizes_are_made_again_once(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    services = runtime.services()
    customer = await ctx.customer()
    letters = [
        await ctx.document(
            customer, "letter", data=letter_pdf(5), document_date=dt.date(2001, 6, 1)
        )
        for _ in range(3)
    ]
    await _run_preview_jobs(runtime, ctx)
    versions = [
        v.id for [v] in await services.documents.versions_of(ctx.principal, [d.id for d in letters])
    ]
    old = versions[:2]  # as a preview made before page sizes were recorded looks
    with tenant_scope(ctx.tenant.id):
        for version_id in old:
            await runtime.database.fetch(
                "UPDATE version_preview SET page_sizes = NULL WHERE tenant = {} AND version = {}",
                ctx.tenant.id,
                version_id,
            )
    await services.archive.delete(ctx.principal, letters[1].id, "retention ended")
    [stale] = await services.documents.previews(ctx.principal, [old[0]])
    assert stale.page_sizes == ()

    repreview = _service(runtime, batch_size=1)
    assert await repreview.without_page_sizes(ctx.tenant.id) == 1  # the deleted one is not
    assert await repreview.without_page_sizes(ctx.tenant.id) == 0  # queued already
    await _run_preview_jobs(runtime, ctx)
    [fresh] = await services.documents.previews(ctx.principal, [old[0]])
    assert (fresh.state, len(fresh.page_sizes)) == ("ready", 5)
    fifth, _ = await services.pages.render(ctx.principal, old[0], 5)
    assert fifth.page == 5
    assert await repreview.without_page_sizes(ctx.tenant.id) == 0

    with tenant_scope(ctx.tenant.id):
        rows = await runtime.database.fetch(
            "SELECT actor, details FROM audit_event WHERE tenant = {} AND action = {} ORDER BY seq",
            ctx.tenant.id,
            "document.repreview",
        )
    assert [r["actor"] for r in rows] == [None] * 3
    assert [json.loads(str(r["details"]))["queued"] for r in rows] == [1, 0, 0]
