"""Helpers for search tests: searching as someone, and giving a document extracted text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.access.policy import Principal
from backend.documents.models import Document, VersionText
from backend.documents.repository import PiccoloDocumentRepository
from backend.ids import new_id
from backend.jobs.models import Job, JobState
from backend.jobs.registry import job_handlers
from backend.search.criteria import SearchCriteria
from backend.search.jobs import SEARCH_INDEX_JOB
from backend.search.models import SearchResult
from tests.factories import TenantContext


async def search(
    ctx: TenantContext,
    text: str = "",
    *,
    principal: Principal | None = None,
    after: str | None = None,
    limit: int = 50,
    **criteria: Any,
) -> SearchResult:
    return await ctx.runtime.services().search.search(
        principal or ctx.principal, SearchCriteria(text=text, **criteria), after=after, limit=limit
    )


def titles(result: SearchResult) -> list[str]:
    return [hit.document.title for hit in result.hits]


def index_job(tenant_id: str, document_id: str) -> Job:
    now = dt.datetime.now(dt.UTC)
    return Job(
        id=new_id(),
        tenant_id=tenant_id,
        kind=SEARCH_INDEX_JOB,
        payload={"document": document_id},
        state=JobState.RUNNING,
        attempts=1,
        max_attempts=5,
        run_after=now,
        lease_until=None,
        locked_by=None,
        last_error=None,
        created_at=now,
        finished_at=None,
    )


async def extract(ctx: TenantContext, document: Document, text: str) -> None:
    """Store ``text`` as the latest version's extracted text, as the extraction job does, then
    run the ``search.index`` job it queues."""
    repo = PiccoloDocumentRepository()
    tenant_id = ctx.tenant.id
    latest = (await repo.versions_of(tenant_id, [document.id]))[document.id][-1]
    async with ctx.runtime.database.write():
        await repo.set_version_text(
            tenant_id,
            VersionText(latest.id, document.id, "ready", text, source="pdf"),
            dt.datetime.now(dt.UTC),
        )
    handler = job_handlers(ctx.runtime)[SEARCH_INDEX_JOB]
    await handler(index_job(tenant_id, document.id))
