"""Periodic checkpoints: the server signs the audit chain of every tenant that grew.

Every ``DOSSIER_AUDIT_CHECKPOINT_MINUTES`` each server process looks at every tenant and signs the
chains with events no kept checkpoint covers. Several processes doing so at once is harmless: a
chain length is kept once. Files to keep elsewhere come from ``auditCheckpoints`` (GraphQL) or
``dossier checkpoint``.
"""

from __future__ import annotations

import asyncio
import logging

from backend.audit.keys import signing_key
from backend.persistence.scope import system_scope
from backend.runtime import Runtime

__all__ = ["checkpoint_grown_chains", "checkpoint_periodically"]

log = logging.getLogger("dossier.audit")


async def checkpoint_grown_chains(runtime: Runtime) -> int:
    """Sign every tenant's chain that grew since its last checkpoint; return how many."""
    key = signing_key(runtime.settings)
    services = runtime.services()
    signed = 0
    with system_scope():
        tenants = await services.catalog.list_tenants()
    for tenant in tenants:
        if await services.audit.checkpoint_if_grown(tenant.id, key) is not None:
            signed += 1
    return signed


async def checkpoint_periodically(runtime: Runtime, interval_seconds: float) -> None:
    """Run :func:`checkpoint_grown_chains` every ``interval_seconds`` until cancelled; a failed
    round is logged and the next one tried."""
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            signed = await checkpoint_grown_chains(runtime)
        except Exception:
            log.exception("periodic audit checkpoints failed; trying again next round")
        else:
            if signed:
                log.info("signed the audit chains of %d tenant(s)", signed)
