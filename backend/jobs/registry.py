"""Which handler does which kind of job: the one list every worker (embedded or ``dossier worker``)
runs with."""

from __future__ import annotations

from backend.access.policy import Principal
from backend.accounts.repository import PiccoloAccountRepository
from backend.accounts.service import principal_of
from backend.documents.extraction import EXTRACT_JOB, ExtractionService
from backend.documents.mail_extraction import MailExtraction, MailLimits
from backend.documents.office import find_soffice
from backend.documents.previews import PREVIEW_JOB, SCREEN_JOB, OfficeConversion, PreviewService
from backend.documents.repository import PiccoloDocumentRepository
from backend.documents.service import DocumentService
from backend.documents.text_extraction import ExtractionLimits
from backend.geo.jobs import GEOCODE_JOB
from backend.jobs.worker import Handler
from backend.notifications.wiring import notification_handlers
from backend.runtime import Runtime
from backend.search.jobs import SEARCH_INDEX_JOB, SearchIndexer
from backend.search.repository import PiccoloSearchRepository

__all__ = ["job_handlers"]


def job_handlers(runtime: Runtime) -> dict[str, Handler]:
    """Handlers by job kind, bound to ``runtime``."""
    settings = runtime.settings.previews
    jobs = runtime.services().jobs

    async def act_as(tenant_id: str, user_id: str) -> Principal | None:
        """A user as a job acting for them sees them: with their grants now."""
        user = await PiccoloAccountRepository().find_user(tenant_id, user_id)
        if user is None or not user.active:
            return None
        now = runtime.clock()
        grants = await runtime.services().access.effective_grants(tenant_id, user_id, now)
        return principal_of(user, via="job", device="worker", grants=grants, as_of=now)

    def documents() -> DocumentService:
        return runtime.services().documents

    mail = MailExtraction(
        PiccoloDocumentRepository(),
        documents,
        act_as,
        runtime.database,
        runtime.clock,
        jobs,
        MailLimits(
            max_bytes=settings.mail_max_bytes,
            max_attachments=settings.mail_max_attachments,
            max_attachment_bytes=runtime.settings.limits.max_upload_bytes,
        ),
    )
    previews = PreviewService(
        PiccoloDocumentRepository(),
        runtime.blobs,
        runtime.database,
        runtime.clock,
        jobs,
        mail,
        OfficeConversion(find_soffice(settings.soffice), settings.office_timeout_seconds),
        pdf_timeout_seconds=settings.pdf_timeout_seconds,
        pdf_pages=settings.pdf_preview_pages,
    )
    extracting = runtime.settings.extraction

    async def ocr_languages(tenant_id: str) -> str:
        # Fresh services per job: a changed setting applies to the next document.
        return await runtime.services().catalog.ocr_languages(tenant_id)

    extraction = ExtractionService(
        PiccoloDocumentRepository(),
        runtime.blobs,
        runtime.database,
        runtime.clock,
        jobs,
        ocr_languages,
        ExtractionLimits(
            max_text_bytes=extracting.max_text_bytes,
            max_ocr_pages=extracting.ocr_max_pages,
            ocr_timeout_seconds=extracting.ocr_page_timeout_seconds,
            pdf_timeout_seconds=settings.pdf_timeout_seconds,
        ),
    )
    search = SearchIndexer(PiccoloSearchRepository(), runtime.database)
    return {
        EXTRACT_JOB: extraction.handle,
        PREVIEW_JOB: previews.handle,
        SCREEN_JOB: previews.handle_screen,
        SEARCH_INDEX_JOB: search.handle,
        **notification_handlers(runtime),
        GEOCODE_JOB: runtime.services().geo.handle_geocode,
    }
