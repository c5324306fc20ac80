"""Making previews again: versions previewed before previews recorded their page sizes show one
page image and cannot load their later pages on demand. ``dossier repreview`` queues a new
``document.preview`` job for each of them; the job renders the first pages again and records every
page's size, so the app can page through the whole document.

Jobs go through the job table (the outbox), a batch of versions per write transaction; each job's
dedupe key names the version and the moment its preview was stored, so asking again before the
jobs ran queues nothing twice. The request is audited with the number of jobs queued.
"""

from __future__ import annotations

import datetime as dt

from backend.audit.service import Actor, AuditTrail
from backend.documents.ports import DocumentRepository
from backend.documents.previews import PREVIEW_JOB
from backend.documents.requeue import queue_per_version
from backend.jobs.models import NewJob
from backend.jobs.queue import JobQueue
from backend.ports import Transactions

__all__ = ["BATCH_SIZE", "RepreviewService", "repreview_job"]

BATCH_SIZE = 200


def repreview_job(tenant_id: str, version_id: str, preview_updated_at: dt.datetime) -> NewJob:
    """The preview job that makes ``version_id``'s preview again (once per stored preview)."""
    stamp = preview_updated_at.astimezone(dt.UTC).isoformat()
    return NewJob(
        tenant_id,
        PREVIEW_JOB,
        {"version": version_id},
        dedupe_key=f"repreview:{version_id}:{stamp}",
    )


class RepreviewService:
    def __init__(
        self,
        repo: DocumentRepository,
        audit: AuditTrail,
        tx: Transactions,
        jobs: JobQueue,
        *,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self._repo = repo
        self._audit = audit
        self._tx = tx
        self._jobs = jobs
        self._batch_size = batch_size

    async def without_page_sizes(self, tenant_id: str) -> int:
        """Queue new previews of the tenant's versions whose preview lacks page sizes (the
        operator's command: the system acts); the number of jobs queued."""
        queued = await queue_per_version(
            self._tx,
            self._jobs,
            lambda after: self._repo.previews_without_page_sizes(
                tenant_id, after, self._batch_size
            ),
            lambda version_id, moment: repreview_job(tenant_id, version_id, moment),
        )
        await self._audit.record(
            Actor(tenant_id, None, "cli"),
            "document.repreview",
            "tenant",
            tenant_id,
            {"missing": "page_sizes", "queued": queued},
        )
        return queued
