"""Previews of versions, made by background jobs after upload (docs/adr/0012, 0016).

A new version gets a ``pending`` preview and a ``document.preview`` job in its upload's
transaction. The job renders what it can (images: :mod:`backend.documents.imaging`; PDF, the
thumbnail of page one and screen images of the first pages, in a child process:
:mod:`backend.documents.pdf_process`; text: :mod:`backend.documents.text_preview`; e-mail:
:mod:`backend.documents.mail_extraction`, which also makes the attachments documents; office
documents: converted to PDF by :mod:`backend.documents.office`, the PDF kept as a rendition), keeps
the renditions content-addressed in the tenant's blob store and marks the preview ``ready``; a
file it cannot show gets ``none`` with a stable reason, which the apps show as "no preview" (the
file itself is archived as uploaded either way). Rendering runs in a worker thread or process; the
job is idempotent.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Final

from backend.blobs.store import BlobStore
from backend.documents.extraction import extract_job
from backend.documents.feed import record_renditions
from backend.documents.imaging import (
    IMAGE_TYPES,
    ImagePreview,
    PreviewRefused,
    RenditionKind,
    render_image,
)
from backend.documents.mail import MAIL_TYPES, mail_preview
from backend.documents.mail_extraction import MailExtraction, index_later
from backend.documents.models import Document, Preview, RenditionRef, Version, VersionText
from backend.documents.office import OFFICE_TYPES, convert_to_pdf
from backend.documents.pdf_preview import PDF_TYPES
from backend.documents.pdf_process import render_pdf_isolated
from backend.documents.pdf_text_process import read_pdf_text
from backend.documents.ports import DocumentRepository
from backend.documents.text_preview import TEXT_TYPES, render_text
from backend.ids import new_id
from backend.jobs.models import Job, JobFailed, NewJob
from backend.jobs.queue import JobQueue
from backend.ports import Clock, Transactions

__all__ = ["PREVIEW_JOB", "SCREEN_JOB", "OfficeConversion", "PreviewService", "preview_job"]

PREVIEW_JOB = "document.preview"
SCREEN_JOB = "document.preview.screen"
NO_RENDERER = "no_preview_for_type"
THUMBNAIL_ONLY: tuple[RenditionKind, ...] = ("thumbnail",)
SCREEN_ONLY: tuple[RenditionKind, ...] = ("screen",)
CONVERTER_UNAVAILABLE = "converter_unavailable"
#: Refusals of the isolated renderer that one page can cause.
BEYOND_LIMITS: Final = frozenset({"pdf_too_complex", "pdf_render_timeout"})


@dataclass(frozen=True, slots=True)
class OfficeConversion:
    soffice: str | None  # None: no LibreOffice, office documents get no preview
    timeout_seconds: float = 120.0


def preview_job(tenant_id: str, version_id: str) -> NewJob:
    """The job that makes a version's preview (one per version)."""
    return NewJob(tenant_id, PREVIEW_JOB, {"version": version_id}, dedupe_key=version_id)


#: Formats whose text this job writes (mail, office) or whose text job waits for it (PDF): when
#: the preview is refused, so is the text, for the same reason.
TEXT_SOURCES: Final = {
    **dict.fromkeys(MAIL_TYPES, "email"),
    **dict.fromkeys(OFFICE_TYPES, "office"),
    **dict.fromkeys(PDF_TYPES, "pdf_text"),
}


class PreviewService:
    def __init__(
        self,
        repo: DocumentRepository,
        blobs: BlobStore,
        tx: Transactions,
        clock: Clock,
        jobs: JobQueue,
        mail: MailExtraction,
        office: OfficeConversion,
        pdf_timeout_seconds: float = 30.0,
        pdf_pages: int = 3,
    ) -> None:
        self._mail = mail
        self._office = office
        self._pdf_timeout = pdf_timeout_seconds
        self._pdf_pages = pdf_pages
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
        known = IMAGE_TYPES | PDF_TYPES | TEXT_TYPES | MAIL_TYPES | OFFICE_TYPES
        if mime not in known:
            await self._mark(document, Preview(version_id, "none", NO_RENDERER))
            return
        if mime in OFFICE_TYPES and self._office.soffice is None:
            await self._mark(document, Preview(version_id, "none", CONVERTER_UNAVAILABLE), "office")
            return
        data = await self._blobs.get(tenant_id, version.sha256)
        extra: list[RenditionRef] = []
        try:
            if mime in PDF_TYPES:
                image = await self._render_pdf(data)
            elif mime in TEXT_TYPES:
                image = render_text(data)
            elif mime in MAIL_TYPES:
                image = mail_preview(await self._mail.extract(version, document, data))
            elif mime in OFFICE_TYPES:
                image, pdf = await self._office_preview(version, document, data)
                extra.append(pdf)
            else:
                # The thumbnail first (a third of the work): lists show it at once; the screen
                # image follows in a job of its own.
                image = await asyncio.to_thread(render_image, data, mime, kinds=THUMBNAIL_ONLY)
        except PreviewRefused as refused:
            source = TEXT_SOURCES.get(mime)
            await self._mark(document, Preview(version_id, "none", refused.reason), source)
            raise JobFailed(refused.reason, permanent=True) from None
        renditions = await self._store(tenant_id, version_id, image) + extra
        now = self._clock()
        async with self._tx.write():
            await self._repo.save_renditions(tenant_id, renditions, now)
            record_renditions(document, version_id, now)
            await self._repo.set_preview(
                tenant_id,
                Preview(
                    version_id,
                    "ready",
                    page_count=image.page_count,
                    width=image.width,
                    height=image.height,
                    page_sizes=image.page_sizes,
                ),
                now,
            )
            if mime in IMAGE_TYPES:
                await self._jobs.enqueue(
                    NewJob(tenant_id, SCREEN_JOB, {"version": version_id}, dedupe_key=version_id)
                )
            if mime in PDF_TYPES:
                # Its text now that PDFium could open it (read in child processes too).
                await self._jobs.enqueue(extract_job(tenant_id, version_id))

    async def _office_preview(
        self, version: Version, document: Document, data: bytes
    ) -> tuple[ImagePreview, RenditionRef]:
        """Convert to PDF, keep the PDF as a rendition and its text as the version's, and render
        its first pages like any PDF."""
        assert self._office.soffice is not None
        pdf = await convert_to_pdf(
            data, version.mime_type, self._office.soffice, time_limit=self._office.timeout_seconds
        )
        image = await self._render_pdf(pdf)
        text, pages = await asyncio.to_thread(read_pdf_text, pdf, time_limit=self._pdf_timeout)
        tenant_id = version.tenant_id
        rendition = RenditionRef(
            id=new_id(),
            version_id=version.id,
            kind="pdf",
            sha256=await self._blobs.put(tenant_id, pdf),
            mime_type="application/pdf",
            size=len(pdf),
            width=0,
            height=0,
        )
        now = self._clock()
        extracted = VersionText(
            version.id, document.id, "ready", text=text, source="office", page_count=pages
        )
        async with self._tx.write():
            await self._repo.set_version_text(tenant_id, extracted, now)
            await index_later(self._jobs, tenant_id, document.id)
        return image, rendition

    async def _render_pdf(self, data: bytes) -> ImagePreview:
        """The first pages in the isolated renderer; when one of them is beyond its limits, page
        one alone (the others then fail on demand with their reason)."""
        try:
            return await render_pdf_isolated(
                data, pages=self._pdf_pages, time_limit=self._pdf_timeout
            )
        except PreviewRefused as refused:
            if self._pdf_pages == 1 or refused.reason not in BEYOND_LIMITS:
                raise
        return await render_pdf_isolated(data, pages=1, time_limit=self._pdf_timeout)

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
        [document] = await self._repo.documents_by_ids(tenant_id, [version.document_id])
        now = self._clock()
        async with self._tx.write():
            await self._repo.save_renditions(tenant_id, renditions, now)
            record_renditions(document, version_id, now)

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
                page=r.page,
            )
            for r in image.renditions
        ]

    async def _mark(
        self, document: Document, preview: Preview, text_source: str | None = None
    ) -> None:
        """Record the preview state; for formats whose text comes from this job or waits for it
        (``text_source`` email, office or pdf_text), the text is then ``none`` for the same
        reason."""
        now, tenant_id, document_id = self._clock(), document.tenant_id, document.id
        async with self._tx.write():
            await self._repo.set_preview(tenant_id, preview, now)
            record_renditions(document, preview.version_id, now)
            if text_source is not None:
                await self._repo.set_version_text(
                    tenant_id,
                    VersionText(
                        preview.version_id,
                        document_id,
                        "none",
                        source=text_source,
                        reason=preview.reason,
                    ),
                    now,
                )
