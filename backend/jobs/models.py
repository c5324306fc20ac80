"""Background jobs as plain data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["Job", "JobFailed", "JobState", "NewJob"]


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    DEAD = "dead"


@dataclass(frozen=True, slots=True)
class NewJob:
    """Work for later. ``dedupe_key`` makes enqueueing idempotent: a second job with the same
    tenant, kind and key is not added."""

    tenant_id: str
    kind: str
    payload: dict[str, Any]
    dedupe_key: str | None = None
    max_attempts: int = 5
    run_after: dt.datetime | None = None
    """Not before this moment (a digest at its hour); None: as soon as a worker is free."""


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    tenant_id: str
    kind: str
    payload: dict[str, Any]
    state: JobState
    attempts: int
    max_attempts: int
    run_after: dt.datetime
    lease_until: dt.datetime | None
    locked_by: str | None
    last_error: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None


class JobFailed(Exception):
    """A handler's expected failure. ``permanent``: retrying cannot help (a corrupt file), so the
    job goes dead at once with ``reason`` recorded; otherwise it is retried with backoff."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
