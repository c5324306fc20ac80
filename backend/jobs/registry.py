"""Which handler does which kind of job: the one list every worker (embedded or ``dossier worker``)
runs with."""

from __future__ import annotations

from backend.documents.extraction import EXTRACT_JOB, ExtractionService
from backend.documents.previews import PREVIEW_JOB, SCREEN_JOB, PreviewService
from backend.documents.repository import PiccoloDocumentRepository
from backend.documents.text_extraction import ExtractionLimits
from backend.jobs.worker import Handler
from backend.runtime import Runtime

__all__ = ["job_handlers"]


def job_handlers(runtime: Runtime) -> dict[str, Handler]:
    """Handlers by job kind, bound to ``runtime``."""
    services = runtime.services()
    previews = PreviewService(
        PiccoloDocumentRepository(),
        runtime.blobs,
        runtime.database,
        runtime.clock,
        services.jobs,
    )
    settings = runtime.settings.extraction

    async def ocr_languages(tenant_id: str) -> str:
        # Fresh services per job: a changed setting applies to the next document.
        return await runtime.services().catalog.ocr_languages(tenant_id)

    extraction = ExtractionService(
        PiccoloDocumentRepository(),
        runtime.blobs,
        runtime.database,
        runtime.clock,
        services.jobs,
        ocr_languages,
        ExtractionLimits(
            max_text_bytes=settings.max_text_bytes,
            max_ocr_pages=settings.ocr_max_pages,
            ocr_timeout_seconds=settings.ocr_page_timeout_seconds,
        ),
    )
    return {
        PREVIEW_JOB: previews.handle,
        SCREEN_JOB: previews.handle_screen,
        EXTRACT_JOB: extraction.handle,
    }
