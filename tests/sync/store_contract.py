"""The contract every :class:`~sync.store.SyncStore` meets, as one test class to inherit.

A store's test module subclasses :class:`SyncStoreContract` and provides the ``contract_store``
fixture: a fresh, empty store of one tenant in which the user ``ANNA`` may read and write the
dossiers ``c-1`` and ``c-2`` (and nothing else is known). ``tests/sync/test_memory_store.py``
runs it against :class:`sync.memory.MemoryStore`; the backend runs it against its Piccolo store on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sync.entities import Entity
from sync.protocol import ChangeOp, ConflictRecord
from sync.store import Action, Actor, AuditEntry, SyncStore, Target

ANNA = Actor(user_id="anna", display_name="Anna", device="tablet")
NOW = dt.datetime(2026, 11, 29, 8, 10, tzinfo=dt.UTC)
C1, C2 = "c-1", "c-2"


class _Boom(Exception):
    pass


class SyncStoreContract:
    async def test_a_new_client_starts_at_zero_and_the_ledger_moves(
        self, contract_store: SyncStore
    ) -> None:
        async with contract_store.transaction() as tx:
            assert await tx.last_mutation_id("client-1") == 0
            await tx.record_mutation("client-1", 1)
        async with contract_store.transaction() as tx:
            assert await tx.last_mutation_id("client-1") == 1
            assert await tx.last_mutation_id("client-2") == 0

    async def test_a_failed_unit_of_work_leaves_nothing(self, contract_store: SyncStore) -> None:
        async def fail() -> None:
            async with contract_store.transaction() as tx:
                await tx.write(Target(Entity.CUSTOMER, C1, C1), {"name": "Acme"})
                await tx.record_mutation("client-1", 1)
                raise _Boom

        with pytest.raises(_Boom):
            await fail()
        async with contract_store.transaction() as tx:
            assert await tx.read(Entity.CUSTOMER, C1) is None
            assert await tx.last_mutation_id("client-1") == 0
            assert await tx.changes_since(C1, 0, 10) == []

    async def test_writes_count_revisions_and_deletes_leave_tombstones(
        self, contract_store: SyncStore
    ) -> None:
        target = Target(Entity.CONTACT, "k-1", C1)
        async with contract_store.transaction() as tx:
            created = await tx.write(target, {"name": "Eve", "phone": "1"})
            updated = await tx.write(target, {"phone": "2"})
            assert (created.revision, updated.revision) == (1, 2)
            assert dict(updated.fields) == {"name": "Eve", "phone": "2"}
            deleted = await tx.delete(target)
            assert (deleted.deleted, deleted.revision) == (True, 3)
        async with contract_store.transaction() as tx:
            state = await tx.read(Entity.CONTACT, "k-1")
            assert state is not None
            assert (state.deleted, state.target) == (True, target)
            assert dict(state.fields)["name"] == "Eve"

    async def test_the_feed_is_per_dossier_in_order_and_pages(
        self, contract_store: SyncStore
    ) -> None:
        async with contract_store.transaction() as tx:
            for n in range(5):
                await tx.write(Target(Entity.CONTACT, f"k-{n}", C1), {"name": f"n{n}"})
                await tx.write(Target(Entity.CONTACT, f"x-{n}", C2), {"name": f"x{n}"})
            await tx.delete(Target(Entity.CONTACT, "k-0", C1))
        async with contract_store.transaction() as tx:
            everything = await tx.changes_since(C1, 0, 100)
            assert [c.entity_id for c in everything] == [*(f"k-{n}" for n in range(5)), "k-0"]
            seqs = [c.seq for c in everything]
            assert seqs == sorted(seqs)
            assert len(set(seqs)) == len(seqs)
            assert everything[0].op is ChangeOp.PUT
            assert everything[0].fields == {"name": "n0"}
            assert (everything[-1].op, everything[-1].fields) == (ChangeOp.DELETE, None)
            page = await tx.changes_since(C1, seqs[1], 2)
            assert [c.seq for c in page] == seqs[2:4]
            assert await tx.changes_since(C1, seqs[-1], 10) == []
            assert all(c.entity_id.startswith("x-") for c in await tx.changes_since(C2, 0, 100))

    async def test_conflict_records_round_trip_and_reach_the_feed(
        self, contract_store: SyncStore
    ) -> None:
        record = ConflictRecord(
            id="5f0c6d1e-5d0b-4d38-9d2c-0d3c55f1a021",
            customer_id=C1,
            entity=Entity.DOCUMENT,
            entity_id="d-1",
            field="index_values",
            key="amount",
            base=1,
            mine=None,
            by="anna",
            by_name="Anna",
            device="tablet",
            at=NOW,
        )
        async with contract_store.transaction() as tx:
            await tx.put_conflict(record)
        async with contract_store.transaction() as tx:
            assert await tx.read_conflict(record.id) == record
            assert await tx.read_conflict("8f0c6d1e-5d0b-4d38-9d2c-0d3c55f1a021") is None
            [change] = await tx.changes_since(C1, 0, 10)
            assert (change.entity, change.entity_id, change.op) == (
                Entity.CONFLICT,
                record.id,
                ChangeOp.PUT,
            )
            assert change.fields is not None
            assert (change.fields["mine"], change.fields["by"]) == (None, "anna")
            assert "theirs" not in change.fields

    async def test_access_audit_and_blobs(self, contract_store: SyncStore) -> None:
        async with contract_store.transaction() as tx:
            assert await tx.can(ANNA, Action.READ, Target(Entity.CUSTOMER, C1, C1), NOW)
            assert not await tx.can(ANNA, Action.READ, Target(Entity.CUSTOMER, "c-9", "c-9"), NOW)
            assert not await tx.blob_complete("0" * 64)
            entry = AuditEntry("view", Target(Entity.DOCUMENT, "d-1", C1), {"mutation_id": 1})
            await tx.audit(ANNA, entry, NOW)
