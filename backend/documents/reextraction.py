"""Reading texts again: after a tenant changes its OCR languages, the versions whose text OCR read
get a new ``document.extract`` job, which reads them in the languages chosen now.

Nothing changes on its own when the languages change: re-reading costs OCR time for every scan,
so an administrator (``reextractTexts``, ``setOcrLanguages(reextract: true)``) or an operator
(``dossier reextract``) asks for it, and the request is audited with the number of jobs queued.

Jobs are queued through the job table (the outbox), a batch of versions per write transaction.
Each job's dedupe key names the version and the moment its current text was stored, so asking
again before the jobs have run queues nothing twice, and asking after they ran queues anew. An
interrupted request leaves whole batches queued; asking again completes it.
"""

from __future__ import annotations

import datetime as dt

from backend.access.policy import Action, Principal, can
from backend.audit.service import Actor, AuditTrail
from backend.documents.extraction import EXTRACT_JOB
from backend.documents.ports import DocumentRepository
from backend.documents.requeue import queue_per_version
from backend.errors import Forbidden, ValidationFailed
from backend.jobs.models import NewJob
from backend.jobs.queue import JobQueue
from backend.ports import Transactions

__all__ = ["BATCH_SIZE", "SOURCES", "ReextractionService", "reextract_job"]

SOURCES: dict[str, tuple[str, ...]] = {"ocr": ("ocr", "pdf_text+ocr")}
"""What a request may name → the text sources (``VersionText.source``) it re-reads."""
BATCH_SIZE = 200


def reextract_job(tenant_id: str, version_id: str, text_updated_at: dt.datetime) -> NewJob:
    """The extraction job that reads ``version_id`` again (once per stored text)."""
    stamp = text_updated_at.astimezone(dt.UTC).isoformat()
    return NewJob(
        tenant_id,
        EXTRACT_JOB,
        {"version": version_id},
        dedupe_key=f"reextract:{version_id}:{stamp}",
    )


class ReextractionService:
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

    async def reextract(self, principal: Principal, source: str = "ocr") -> int:
        """Queue re-extraction of the principal's tenant's texts read by ``source``
        (administrators only); the number of jobs queued."""
        if not can(principal, Action.ADMIN):
            raise Forbidden("only administrators have texts read again")
        return await self._queue(Actor.of(principal), _sources(source), source)

    async def reextract_for_operator(self, tenant_id: str, source: str = "ocr") -> int:
        """:meth:`reextract` for the operator's command line (the system acts)."""
        return await self._queue(Actor(tenant_id, None, "cli"), _sources(source), source)

    async def _queue(self, actor: Actor, sources: tuple[str, ...], source: str) -> int:
        tenant_id = actor.tenant_id
        queued = await queue_per_version(
            self._tx,
            self._jobs,
            lambda after: self._repo.texts_from(tenant_id, sources, after, self._batch_size),
            lambda version_id, moment: reextract_job(tenant_id, version_id, moment),
        )
        await self._audit.record(
            actor, "document.reextract", "tenant", tenant_id, {"source": source, "queued": queued}
        )
        return queued


def _sources(source: str) -> tuple[str, ...]:
    found = SOURCES.get(source)
    if found is None:
        raise ValidationFailed.one("source", "invalid_value", f"one of {', '.join(SOURCES)}")
    return found
