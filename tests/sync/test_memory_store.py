"""The shared store contract against the in-memory store."""

from __future__ import annotations

import pytest

from sync.memory import MemoryAccess, MemoryStore
from tests.sync.store_contract import C1, C2, SyncStoreContract


@pytest.fixture
def contract_store() -> MemoryStore:
    return MemoryStore(MemoryAccess(dossiers={"anna": {C1, C2}}))


class TestMemoryStore(SyncStoreContract):
    pass
