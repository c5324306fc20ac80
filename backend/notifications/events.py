"""The outbox side: which job a document change queues, in the change's transaction."""

from __future__ import annotations

from typing import Any

from backend.jobs.models import NewJob
from backend.notifications.models import DocumentEvent, Event

__all__ = ["DELIVER_JOB", "DIGEST_JOB", "DOCUMENT_JOB", "SEND_JOB", "document_job", "event_of"]

DOCUMENT_JOB = "notify.document"
DELIVER_JOB = "notify.deliver"
DIGEST_JOB = "notify.digest"
SEND_JOB = "notify.send"


def document_job(tenant_id: str, event: DocumentEvent) -> NewJob:
    """One job per event (deduplicated by the event's key); its handler fans out."""
    payload: dict[str, Any] = {"event": event.event.value, "document": event.document_id}
    if event.version_id is not None:
        payload["version"] = event.version_id
    if event.revision is not None:
        payload["revision"] = event.revision
    if event.actor_id is not None:
        payload["actor"] = event.actor_id
    return NewJob(tenant_id, DOCUMENT_JOB, payload, dedupe_key=event.key)


def event_of(payload: dict[str, Any]) -> DocumentEvent:
    revision = payload.get("revision")
    return DocumentEvent(
        event=Event(str(payload["event"])),
        document_id=str(payload["document"]),
        version_id=None if payload.get("version") is None else str(payload["version"]),
        revision=None if revision is None else int(revision),
        actor_id=None if payload.get("actor") is None else str(payload["actor"]),
    )
