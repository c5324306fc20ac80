"""The ``search.index`` job: rebuild one document's search entry, after its text was extracted.

Text extraction queues ``NewJob(tenant_id, "search.index", {"document": document_id})`` in the
transaction that stores the text. The handler rebuilds the entry from the rows as they are when it
runs, so it is idempotent and a late or repeated job does no harm (a deleted document ends up
with no entry).
"""

from __future__ import annotations

import uuid

from backend.jobs.models import Job, JobFailed, NewJob
from backend.ports import Transactions
from backend.search.ports import SearchRepository

__all__ = ["SEARCH_INDEX_JOB", "SearchIndexer", "search_index_job"]

SEARCH_INDEX_JOB = "search.index"


def search_index_job(tenant_id: str, document_id: str) -> NewJob:
    return NewJob(tenant_id, SEARCH_INDEX_JOB, {"document": document_id})


class SearchIndexer:
    def __init__(self, repo: SearchRepository, tx: Transactions) -> None:
        self._repo = repo
        self._tx = tx

    async def handle(self, job: Job) -> None:
        try:
            document_id = str(uuid.UUID(str(job.payload.get("document", ""))))
        except ValueError:
            raise JobFailed("invalid_payload", permanent=True) from None
        async with self._tx.write():
            await self._repo.refresh(job.tenant_id, [document_id])

    async def reindex(self, tenant_id: str) -> int:
        """Rebuild every entry of a tenant in one transaction; the number of entries."""
        async with self._tx.write():
            return await self._repo.reindex(tenant_id)

    async def tenant_ids(self) -> list[str]:
        return await self._repo.tenant_ids()
