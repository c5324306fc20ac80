"""Text of versions, extracted by background jobs after upload, for search (docs/adr/0013).

A new version gets a ``pending`` text and a ``document.extract`` job in its upload's transaction
(:func:`extract_job`). The job reads the text (:func:`~backend.documents.text_extraction.
extract_text`: PDF text layer, OCR of scans and images in the tenant's OCR languages, text files)
in a worker thread, stores it as ``ready`` and, in the same transaction, queues a ``search.index``
job for the document. A file without text gets ``none`` with a stable reason. E-mails and office
documents are left alone: their preview job writes their text (body, converted PDF), and a second
writer could overwrite it. Any other type gets ``none`` / ``no_text_for_type``.

Idempotent: running the job again stores the same text. A deleted document's job fails for good
and writes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from backend.blobs.store import BlobStore
from backend.documents.mail import MAIL_TYPES
from backend.documents.models import Version, VersionText
from backend.documents.office import OFFICE_TYPES
from backend.documents.ports import DocumentRepository
from backend.documents.text_extraction import (
    EXTRACTABLE_TYPES,
    ExtractionLimits,
    NoText,
    extract_text,
)
from backend.jobs.models import Job, JobFailed, NewJob
from backend.jobs.queue import JobQueue
from backend.ports import Clock, Transactions

__all__ = [
    "EXTRACT_JOB",
    "NO_TEXT_FOR_TYPE",
    "SEARCH_INDEX_JOB",
    "ExtractionService",
    "extract_job",
    "search_index_job",
]

log = logging.getLogger("dossier.extraction")

EXTRACT_JOB = "document.extract"
SEARCH_INDEX_JOB = "search.index"
NO_TEXT_FOR_TYPE = "no_text_for_type"

LanguagesOf = Callable[[str], Awaitable[str]]
"""The OCR languages of a tenant (by id), e.g. ``deu+eng``."""


def extract_job(tenant_id: str, version_id: str) -> NewJob:
    """The job that extracts a version's text (one per version)."""
    return NewJob(tenant_id, EXTRACT_JOB, {"version": version_id}, dedupe_key=version_id)


def search_index_job(tenant_id: str, document_id: str) -> NewJob:
    """The job that (re)indexes a document for search. No dedupe key: the key is unique over
    every job ever queued, done ones included, and a document is indexed again after each change."""
    return NewJob(tenant_id, SEARCH_INDEX_JOB, {"document": document_id})


class ExtractionService:
    def __init__(
        self,
        repo: DocumentRepository,
        blobs: BlobStore,
        tx: Transactions,
        clock: Clock,
        jobs: JobQueue,
        languages_of: LanguagesOf,
        limits: ExtractionLimits | None = None,
    ) -> None:
        self._repo = repo
        self._blobs = blobs
        self._tx = tx
        self._clock = clock
        self._jobs = jobs
        self._languages_of = languages_of
        self._limits = limits or ExtractionLimits()

    async def handle(self, job: Job) -> None:
        """The ``document.extract`` job: extract, store, queue the search index (or none, with
        the reason; ``JobFailed`` permanent when retrying cannot help)."""
        tenant_id = job.tenant_id
        version_id = str(job.payload.get("version", ""))
        version = await self._repo.version(tenant_id, version_id)
        if version is None:
            raise JobFailed("version_missing", permanent=True)
        await self._check_live(version)
        if version.mime_type in MAIL_TYPES | OFFICE_TYPES:
            return  # the preview job reads these (backend.documents.mail, .office)
        if version.mime_type not in EXTRACTABLE_TYPES:
            await self._store(version, None, keep_ready=True)
            return
        data = await self._blobs.get(tenant_id, version.sha256)
        languages = await self._languages_of(tenant_id)
        started = time.perf_counter()
        try:
            extracted = await asyncio.to_thread(
                extract_text, data, version.mime_type, languages=languages, limits=self._limits
            )
        except NoText as no_text:
            await self._store(version, no_text)
            raise JobFailed(no_text.reason, permanent=no_text.permanent) from None
        log.info(
            "version %s: %d characters (%s), %d pages by OCR in %.1f s",
            version_id,
            len(extracted.text),
            extracted.source,
            extracted.ocr_pages,
            time.perf_counter() - started,
        )
        text = VersionText(
            version_id=version.id,
            document_id=version.document_id,
            state="ready",
            text=extracted.text,
            source=extracted.source,
            language=extracted.language,
            reason=extracted.note,
            page_count=extracted.page_count,
        )
        async with self._tx.write():
            await self._check_live(version)
            await self._repo.set_version_text(tenant_id, text, self._clock())
            await self._jobs.enqueue(search_index_job(tenant_id, version.document_id))

    async def _store(
        self, version: Version, no_text: NoText | None, keep_ready: bool = False
    ) -> None:
        """Mark the version's text ``none`` (``no_text_for_type`` without ``no_text``)."""
        tenant_id = version.tenant_id
        reason = no_text.reason if no_text is not None else NO_TEXT_FOR_TYPE
        async with self._tx.write():
            await self._check_live(version)
            if keep_ready:
                found = (await self._repo.texts_of(tenant_id, [version.id])).get(version.id)
                if found is not None and found.state == "ready":
                    return
            await self._repo.set_version_text(
                tenant_id,
                VersionText(version.id, version.document_id, "none", reason=reason),
                self._clock(),
            )

    async def _check_live(self, version: Version) -> None:
        [document] = await self._repo.documents_by_ids(version.tenant_id, [version.document_id])
        if document.status == "deleted":
            raise JobFailed("document_deleted", permanent=True)
