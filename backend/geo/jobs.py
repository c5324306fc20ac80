"""The geocoding job, queued in the transaction that adds or changes an address."""

from __future__ import annotations

from backend.jobs.models import NewJob

__all__ = ["GEOCODE_JOB", "geocode_job"]

GEOCODE_JOB = "geo.geocode"


def geocode_job(tenant_id: str, address_id: str) -> NewJob:
    """No dedupe key: an address is geocoded again whenever its text changes, and a job key stays
    taken until the done job is pruned. A second job for the same text finds the cache and sends
    no request."""
    return NewJob(tenant_id, GEOCODE_JOB, {"address": address_id}, max_attempts=6)
