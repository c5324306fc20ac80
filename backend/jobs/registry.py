"""Which handler does which kind of job: the one list every worker (embedded or ``dossier worker``)
runs with."""

from __future__ import annotations

from backend.jobs.worker import Handler
from backend.runtime import Runtime

__all__ = ["job_handlers"]


def job_handlers(runtime: Runtime) -> dict[str, Handler]:
    """Handlers by job kind, bound to ``runtime``."""
    return {}
