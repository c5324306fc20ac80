"""A process-wide cache of each tenant's register tree and document types.

Every dossier screen needs them, they change rarely, and several server processes may change them.
So the cache is keyed by the tenant's ``catalog_revision``: every catalog change bumps the revision
in its own transaction, and a request that reads the tenant row (which it needs anyway for the
cover schema) sees at once whether what this process holds is still current.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.documents.models import DocumentType
from backend.dossiers.models import Register

__all__ = ["CatalogCache", "CatalogEntry"]


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    revision: int
    registers: list[Register]
    document_types: list[DocumentType]


class CatalogCache:
    def __init__(self) -> None:
        self._entries: dict[str, CatalogEntry] = {}

    def get(self, tenant_id: str, revision: int) -> CatalogEntry | None:
        entry = self._entries.get(tenant_id)
        return entry if entry is not None and entry.revision == revision else None

    def put(self, tenant_id: str, entry: CatalogEntry) -> None:
        current = self._entries.get(tenant_id)
        if current is None or current.revision <= entry.revision:
            self._entries[tenant_id] = entry
