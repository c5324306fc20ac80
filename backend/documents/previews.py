"""Previews of versions, made by background jobs after upload (docs/adr/0012).

A new version gets a ``pending`` preview and a ``document.preview`` job in its upload's
transaction. The job renders what it can (images: :mod:`backend.documents.imaging`; PDF, page one:
:mod:`backend.documents.pdf_preview`), keeps the renditions content-addressed in the tenant's blob
store and marks the preview ``ready``; a file it cannot show gets ``none`` with a stable reason,
which the apps show as "no preview" (the file itself is archived as uploaded either way).
Rendering runs in a worker thread; the job is idempotent.
"""

from __future__ import annotations

import asyncio

from backend.blobs.store import BlobStore
from backend.documents.imaging import (
    IMAGE_TYPES,
    ImagePreview,
    PreviewRefused,
    RenditionKind,
    render_image,
)
from backend.documents.models import Preview, RenditionRef
from backend.documents.pdf_preview import PDF_TYPES, render_pdf
from backend.documents.ports import DocumentRepository
from backend.documents.text_preview import TEXT_TYPES, render_text
from backend.ids import new_id
from backend.jobs.models import Job, JobFailed, NewJob
from backend.jobs.queue import JobQueue
from backend.ports import Clock, Transactions

__all__ = ["PREVIEW_JOB", "SCREEN_JOB", "PreviewService", "preview_job"]

PREVIEW_JOB = "document.preview"
SCREEN_JOB = "document.preview.screen"
NO_RENDERER = "no_preview_for_type"
THUMBNAIL_ONLY: tuple[RenditionKind, ...] = ("thumbnail",)
SCREEN_ONLY: tuple[RenditionKind, ...] = ("screen",)


def preview_job(tenant_id: str, version_id: str) -> NewJob:
    """The job that makes a version's preview (one per version)."""
    return NewJob(tenant_id, PREVIEW_JOB, {"version": version_id}, dedupe_key=version_id)


class PreviewService:
    def __init__(
        self,
        repo: DocumentRepository,
        blobs: BlobStore,
        tx: Transactions,
        clock: Clock,
        jobs: JobQueue,
    ) -> None:
        self._repo = repo
        self._jobs = jobs
        self._blobs = blobs
        self._tx = tx
        self._clock = clock

    async def handle(self, job: Job) -> None:
        """The ``document.preview`` job: render, store, mark ready (or none, with the reason)."""
        tenant_id = job.tenant_id
        version_id = str(job.payload.get("version", ""))
        version = await self._repo.version(tenant_id, version_id)
        if version is None:
            raise JobFailed("version_missing", permanent=True)
        [document] = await self._repo.documents_by_ids(tenant_id, [version.document_id])
        if document.status == "deleted":
            raise JobFailed("document_deleted", permanent=True)
        mime = version.mime_type
        if mime not in IMAGE_TYPES and mime not in PDF_TYPES and mime not in TEXT_TYPES:
            await self._mark(tenant_id, Preview(version_id, "none", NO_RENDERER))
            return
        data = await self._blobs.get(tenant_id, version.sha256)
        try:
            if mime in PDF_TYPES:
                image = await asyncio.to_thread(render_pdf, data)
            elif mime in TEXT_TYPES:
                image = render_text(data)
            else:
                # The thumbnail first (a third of the work): lists show it at once; the screen
                # image follows in a job of its own.
                image = await asyncio.to_thread(render_image, data, mime, kinds=THUMBNAIL_ONLY)
        except PreviewRefused as refused:
            await self._mark(tenant_id, Preview(version_id, "none", refused.reason))
            raise JobFailed(refused.reason, permanent=True) from None
        renditions = await self._store(tenant_id, version_id, image)
        now = self._clock()
        async with self._tx.write():
            await self._repo.save_renditions(tenant_id, renditions, now)
            await self._repo.set_preview(
                tenant_id,
                Preview(
                    version_id,
                    "ready",
                    page_count=image.page_count,
                    width=image.width,
                    height=image.height,
                ),
                now,
            )
            if mime in IMAGE_TYPES:
                await self._jobs.enqueue(
                    NewJob(tenant_id, SCREEN_JOB, {"version": version_id}, dedupe_key=version_id)
                )

    async def handle_screen(self, job: Job) -> None:
        """The ``document.preview.screen`` job: the screen-sized image of a previewed photo."""
        tenant_id = job.tenant_id
        version_id = str(job.payload.get("version", ""))
        version = await self._repo.version(tenant_id, version_id)
        if version is None:
            raise JobFailed("version_missing", permanent=True)
        data = await self._blobs.get(tenant_id, version.sha256)
        try:
            image = await asyncio.to_thread(
                render_image, data, version.mime_type, kinds=SCREEN_ONLY
            )
        except PreviewRefused as refused:
            raise JobFailed(refused.reason, permanent=True) from None
        renditions = await self._store(tenant_id, version_id, image)
        async with self._tx.write():
            await self._repo.save_renditions(tenant_id, renditions, self._clock())

    async def _store(
        self, tenant_id: str, version_id: str, image: ImagePreview
    ) -> list[RenditionRef]:
        return [
            RenditionRef(
                id=new_id(),
                version_id=version_id,
                kind=r.kind,
                sha256=await self._blobs.put(tenant_id, r.data),
                mime_type=r.mime_type,
                size=len(r.data),
                width=r.width,
                height=r.height,
            )
            for r in image.renditions
        ]

    async def _mark(self, tenant_id: str, preview: Preview) -> None:
        async with self._tx.write():
            await self._repo.set_preview(tenant_id, preview, self._clock())
