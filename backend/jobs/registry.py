"""Which handler does which kind of job: the one list every worker (embedded or ``dossier worker``)
runs with."""

from __future__ import annotations

from backend.documents.previews import PREVIEW_JOB, SCREEN_JOB, PreviewService
from backend.documents.repository import PiccoloDocumentRepository
from backend.jobs.worker import Handler
from backend.notifications.wiring import notification_handlers
from backend.runtime import Runtime

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
    return {
        PREVIEW_JOB: previews.handle,
        SCREEN_JOB: previews.handle_screen,
        **notification_handlers(runtime),
    }
