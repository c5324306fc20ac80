"""Which handler does which kind of job: the one list every worker (embedded or ``dossier worker``)
runs with."""

from __future__ import annotations

from backend.documents.previews import PREVIEW_JOB, SCREEN_JOB, PreviewService
from backend.documents.repository import PiccoloDocumentRepository
from backend.jobs.worker import Handler
from backend.runtime import Runtime
from backend.search.jobs import SEARCH_INDEX_JOB, SearchIndexer
from backend.search.repository import PiccoloSearchRepository

__all__ = ["job_handlers"]


def job_handlers(runtime: Runtime) -> dict[str, Handler]:
    """Handlers by job kind, bound to ``runtime``."""
    previews = PreviewService(
        PiccoloDocumentRepository(),
        runtime.blobs,
        runtime.database,
        runtime.clock,
        runtime.services().jobs,
    )
    search = SearchIndexer(PiccoloSearchRepository(), runtime.database)
    return {
        PREVIEW_JOB: previews.handle,
        SCREEN_JOB: previews.handle_screen,
        SEARCH_INDEX_JOB: search.handle,
    }
