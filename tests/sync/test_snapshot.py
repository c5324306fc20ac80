"""A first pull (cursor 0, protocol 2) answers the dossier as it is now, in pages, and the feed
goes on from the cursor the snapshot was read at: nothing changed meanwhile is lost."""

from __future__ import annotations

from typing import Any

import pytest

from sync.entities import Entity, MutationKind
from sync.errors import Code, SyncRefused
from sync.memory import MemoryStore
from sync.protocol import ChangeOp, Choice, PullResponse, Resolution
from sync.pull import pull
from sync.push import push
from sync.store import Actor, Target
from tests.sync.world import (
    ANNA,
    BEN,
    CUSTOMER,
    DOCUMENT,
    DOCUMENT_FIELDS,
    NOW,
    OTHER_CUSTOMER,
    make_store,
    mutation,
    pull_request,
    push_request,
    update,
)

Replica = dict[tuple[str, str], dict[str, Any]]


class Device:
    """What a client keeps of one dossier, following the protocol's rules for snapshots."""

    def __init__(self, actor: Actor, customer: str = CUSTOMER) -> None:
        self.actor = actor
        self.customer = customer
        self.cursor = 0
        self.token: str | None = None
        self.replica: Replica = {}
        self.evicted = False

    async def pull_once(self, store: MemoryStore, limit: int) -> PullResponse:
        snapshots = {self.customer: self.token} if self.token is not None else None
        request = pull_request("x", {self.customer: self.cursor}, limit, snapshots=snapshots)
        answer = await pull(store, self.actor, request, NOW)
        if self.cursor == 0 and self.token is None:
            self.replica.clear()  # a snapshot starts: it is all of the dossier
        for change in answer.changes.get(self.customer, []):
            key = (change.entity.value, change.entity_id)
            if change.op is ChangeOp.EVICT and change.entity is Entity.CUSTOMER:
                self.replica.clear()
                self.evicted = True
            elif change.op is ChangeOp.PUT:
                self.replica[key] = dict(change.fields or {})
            else:
                self.replica.pop(key, None)
        self.cursor = answer.cursors.get(self.customer, 0)
        self.token = answer.snapshots.get(self.customer)
        return answer

    async def pull_all(self, store: MemoryStore, limit: int = 500) -> int:
        """Pull until nothing more waits; answers the number of rounds."""
        for rounds in range(1, 100):
            if not (await self.pull_once(store, limit)).has_more:
                return rounds
        raise AssertionError("the pull never ended")


def server_view(store: MemoryStore, customer: str = CUSTOMER) -> Replica:
    return {
        (entity.value, entity_id): dict(state.fields)
        for (entity, entity_id), state in store.entities().items()
        if state.target.customer_id == customer and not state.deleted
    }


async def write(store: MemoryStore, entity: Entity, entity_id: str, fields: dict[str, Any]) -> None:
    async with store.transaction() as tx:
        await tx.write(Target(entity, entity_id, CUSTOMER), fields)


async def delete(store: MemoryStore, entity: Entity, entity_id: str) -> None:
    async with store.transaction() as tx:
        await tx.delete(Target(entity, entity_id, CUSTOMER))


async def test_a_first_pull_sends_each_entity_once_as_it_is_now() -> None:
    store = await make_store()
    for n in range(1, 6):
        title = "Offer 17" if n == 1 else f"t{n - 1}"
        await push(
            store, ANNA, push_request("a1", update(n, {"title": title}, {"title": f"t{n}"})), NOW
        )
    answer = await pull(store, ANNA, pull_request("a1", {CUSTOMER: 0}), NOW)
    changes = answer.changes[CUSTOMER]
    assert [(c.op, c.entity, c.entity_id) for c in changes] == [
        (ChangeOp.PUT, Entity.CUSTOMER, CUSTOMER),
        (ChangeOp.PUT, Entity.DOCUMENT, DOCUMENT),
    ]
    assert changes[1].fields == {**DOCUMENT_FIELDS, "title": "t5"}
    assert changes[1].revision == 6
    head = 8  # two customers, a document, five edits
    assert {c.seq for c in changes} == {head}
    assert (answer.cursors, answer.snapshots, answer.has_more) == ({CUSTOMER: head}, {}, False)
    again = await pull(store, ANNA, pull_request("a1", answer.cursors), NOW)
    assert (again.changes, again.cursors) == ({}, {CUSTOMER: head})


async def test_deleted_documents_and_their_parts_are_not_in_it() -> None:
    store = await make_store()
    await write(store, Entity.DOCUMENT, "d-2", {"title": "Gone"})
    await write(store, Entity.REGISTER_ASSIGNMENT, "d-2/r-1", {"document_id": "d-2"})
    await write(store, Entity.ADDRESS, "a-1", {"city": "Gdańsk"})
    await delete(store, Entity.DOCUMENT, "d-2")
    await delete(store, Entity.REGISTER_ASSIGNMENT, "d-2/r-1")
    await delete(store, Entity.ADDRESS, "a-1")
    device = Device(ANNA)
    await device.pull_all(store)
    assert set(device.replica) == {("customer", CUSTOMER), ("document", DOCUMENT)}


async def test_pages_follow_the_token_and_changes_made_between_them_are_not_lost() -> None:
    store = await make_store()
    for n in range(2, 8):
        await write(store, Entity.DOCUMENT, f"d-{n}", {"title": f"Doc {n}"})
        await write(store, Entity.VERSION, f"v-{n}", {"document_id": f"d-{n}"})
    device = Device(ANNA)
    first = await device.pull_once(store, limit=4)
    assert first.has_more
    assert (first.cursors[CUSTOMER], len(first.changes[CUSTOMER])) == (0, 4)
    token = first.snapshots[CUSTOMER]
    assert token.startswith("15:")  # the feed head when the snapshot began
    # Meanwhile: an entity already sent changes, one already sent is deleted, a new one sorts
    # before the page's position, and one not sent yet is deleted.
    await write(store, Entity.DOCUMENT, DOCUMENT, {"title": "Changed"})
    await delete(store, Entity.DOCUMENT, "d-2")
    await write(store, Entity.DOCUMENT, "d-0", {"title": "New"})
    await delete(store, Entity.DOCUMENT, "d-7")
    rounds = await device.pull_all(store, limit=4)
    assert rounds >= 3
    assert device.token is None
    assert device.replica == server_view(store)
    assert device.replica[("document", DOCUMENT)]["title"] == "Changed"
    assert ("document", "d-0") in device.replica
    assert ("document", "d-2") not in device.replica


async def test_a_page_ending_on_the_limit_goes_on_with_the_feed_in_the_same_answer() -> None:
    store = await make_store()
    device = Device(ANNA)
    await device.pull_once(store, limit=1)  # the customer
    await write(store, Entity.DOCUMENT, "d-9", {"title": "Late"})
    answer = await device.pull_once(store, limit=10)
    entities = [(c.entity_id, c.seq) for c in answer.changes[CUSTOMER]]
    # The snapshot's documents (seq: its cursor; the new one is read as it is now), then the
    # feed from that cursor, which has the new document again: harmless, a put is whole.
    assert entities == [(DOCUMENT, 3), ("d-9", 3), ("d-9", 4)]
    assert (answer.cursors, answer.snapshots, answer.has_more) == ({CUSTOMER: 4}, {}, False)


async def test_a_snapshot_started_again_replaces_what_the_device_held() -> None:
    store = await make_store()
    device = Device(ANNA)
    await device.pull_once(store, limit=2)
    await delete(store, Entity.DOCUMENT, DOCUMENT)
    device.token = None  # the device lost its token (crash): it starts over
    await device.pull_all(store)
    assert device.replica == server_view(store)
    assert set(device.replica) == {("customer", CUSTOMER)}


async def test_access_removed_between_pages_evicts_the_dossier() -> None:
    store = await make_store()
    device = Device(BEN)
    first = await device.pull_once(store, limit=1)
    assert first.has_more
    store.access.dossiers["ben"] = set()
    answer = await device.pull_once(store, limit=1)
    assert [(c.op, c.entity) for c in answer.changes[CUSTOMER]] == [
        (ChangeOp.EVICT, Entity.CUSTOMER)
    ]
    assert (answer.cursors, answer.snapshots) == ({}, {})
    assert device.evicted
    assert device.replica == {}


async def test_documents_the_user_may_not_read_are_left_out() -> None:
    store = await make_store()
    await write(store, Entity.VERSION, "v-1", {"document_id": DOCUMENT})
    store.access.hidden_documents["ben"] = {DOCUMENT}
    device = Device(BEN)
    await device.pull_all(store)
    assert set(device.replica) == {("customer", CUSTOMER)}


async def test_only_open_conflicts_of_the_user_are_in_it() -> None:
    store = await make_store()
    await push(
        store, BEN, push_request("b1", update(1, {"title": "Offer 17"}, {"title": "Ben's"})), NOW
    )
    await push(
        store, ANNA, push_request("a1", update(1, {"title": "Offer 17"}, {"title": "Anna's"})), NOW
    )
    for actor, expected in ((ANNA, 1), (BEN, 0)):
        answer = await pull(store, actor, pull_request("x", {CUSTOMER: 0}), NOW)
        conflicts = [c for c in answer.changes[CUSTOMER] if c.entity is Entity.CONFLICT]
        assert len(conflicts) == expected
    [record] = store.conflicts().values()
    resolve = mutation(
        2,
        MutationKind.RESOLVE,
        Entity.CONFLICT,
        record.id,
        resolution=Resolution(choice=Choice.KEEP_THEIRS),
    )
    await push(store, ANNA, push_request("a1", resolve), NOW)
    answer = await pull(store, ANNA, pull_request("x", {CUSTOMER: 0}), NOW)
    assert [c for c in answer.changes[CUSTOMER] if c.entity is Entity.CONFLICT] == []


async def test_several_dossiers_share_the_limit() -> None:
    store = await make_store()
    cursors = {CUSTOMER: 0, OTHER_CUSTOMER: 0}
    answer = await pull(store, ANNA, pull_request("a1", cursors, limit=2), NOW)
    assert len(answer.changes[CUSTOMER]) == 2
    assert OTHER_CUSTOMER not in answer.changes
    # The first dossier's snapshot ended on the limit; the second's waits for the next round.
    assert answer.cursors == {CUSTOMER: 3, OTHER_CUSTOMER: 0}
    assert answer.has_more
    assert answer.snapshots == {}


@pytest.mark.parametrize(
    ("cursors", "snapshots"),
    [
        ({CUSTOMER: 0}, {CUSTOMER: "no-cursor"}),
        ({CUSTOMER: 0}, {CUSTOMER: "-1:5:x"}),
        ({CUSTOMER: 0}, {CUSTOMER: "٣:5:x"}),
        ({CUSTOMER: 3}, {CUSTOMER: "3:5:x"}),
        ({CUSTOMER: 0}, {OTHER_CUSTOMER: "3:5:x"}),
    ],
)
async def test_bad_snapshot_tokens_are_refused(
    cursors: dict[str, int], snapshots: dict[str, str]
) -> None:
    store = await make_store()
    with pytest.raises(SyncRefused) as refused:
        await pull(store, ANNA, pull_request("a1", cursors, snapshots=snapshots), NOW)
    assert refused.value.code is Code.INVALID
