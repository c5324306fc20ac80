"""Pull over the in-memory store: cursors, paging, visibility and evictions. The feed's own
behaviour from cursor 0 is that of a protocol 1 client (``FEED_VERSION``); snapshots are in
``test_snapshot.py``."""

from __future__ import annotations

import datetime as dt

import pytest

from sync.entities import Entity, MutationKind, lease_id
from sync.errors import Code, SyncRefused
from sync.protocol import ChangeOp, PullRequest
from sync.pull import pull
from sync.push import push
from tests.sync.world import (
    ANNA,
    BEN,
    CUSTOMER,
    DOCUMENT,
    DOCUMENT_FIELDS,
    FEED_VERSION,
    NOW,
    OTHER_CUSTOMER,
    make_store,
    mutation,
    pull_request,
    push_request,
    update,
)


async def test_a_first_pull_brings_each_dossier_and_a_cursor() -> None:
    store = await make_store()
    cursors = {CUSTOMER: 0, OTHER_CUSTOMER: 0}
    answer = await pull(store, ANNA, pull_request("a1", cursors, version=FEED_VERSION), NOW)
    assert [(c.op, c.entity, c.entity_id) for c in answer.changes[CUSTOMER]] == [
        (ChangeOp.PUT, Entity.CUSTOMER, CUSTOMER),
        (ChangeOp.PUT, Entity.DOCUMENT, DOCUMENT),
    ]
    assert answer.changes[CUSTOMER][1].fields == DOCUMENT_FIELDS
    assert answer.cursors == {CUSTOMER: 3, OTHER_CUSTOMER: 2}
    assert not answer.has_more
    again = await pull(store, ANNA, pull_request("a1", answer.cursors), NOW)
    assert (again.changes, again.cursors) == ({}, answer.cursors)


async def test_pages_end_with_has_more_and_continue_from_the_cursors() -> None:
    store = await make_store()
    for n in range(1, 6):
        title = "Offer 17" if n == 1 else f"t{n - 1}"
        await push(
            store, ANNA, push_request("a1", update(n, {"title": title}, {"title": f"t{n}"})), NOW
        )
    cursors = {CUSTOMER: 0, OTHER_CUSTOMER: 0}
    seen: list[int] = []
    for _ in range(10):
        request = pull_request("a1", cursors, limit=3, version=FEED_VERSION)
        answer = await pull(store, ANNA, request, NOW)
        seen += [c.seq for changes in answer.changes.values() for c in changes]
        assert sum(len(c) for c in answer.changes.values()) <= 3
        cursors = answer.cursors
        if not answer.has_more:
            break
    assert sorted(seen) == list(range(1, 9))
    assert len(seen) == len(set(seen))


async def test_a_dossier_the_user_may_no_longer_read_is_evicted() -> None:
    store = await make_store()
    answer = await pull(store, BEN, pull_request("b1", {CUSTOMER: 0, OTHER_CUSTOMER: 4}), NOW)
    assert [(c.op, c.entity_id) for c in answer.changes[OTHER_CUSTOMER]] == [
        (ChangeOp.EVICT, OTHER_CUSTOMER)
    ]
    assert OTHER_CUSTOMER not in answer.cursors
    store.access.dossiers["ben"] = set()
    answer = await pull(store, BEN, pull_request("b1", {CUSTOMER: 3}), NOW)
    assert [c.op for c in answer.changes[CUSTOMER]] == [ChangeOp.EVICT]


async def test_a_hidden_document_comes_as_an_eviction_of_that_document() -> None:
    store = await make_store()
    store.access.hidden_documents["ben"] = {DOCUMENT}
    answer = await pull(store, BEN, pull_request("b1", {CUSTOMER: 0}, version=FEED_VERSION), NOW)
    assert [(c.op, c.entity) for c in answer.changes[CUSTOMER]] == [
        (ChangeOp.PUT, Entity.CUSTOMER),
        (ChangeOp.EVICT, Entity.DOCUMENT),
    ]
    assert answer.changes[CUSTOMER][1].fields is None


async def test_conflict_records_reach_only_the_user_whose_value_they_keep() -> None:
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
    answer = await pull(store, ANNA, pull_request("x", {CUSTOMER: 0}), NOW)
    [conflict] = [c for c in answer.changes[CUSTOMER] if c.entity is Entity.CONFLICT]
    assert conflict.fields is not None
    assert (conflict.fields["mine"], conflict.fields["theirs"], conflict.fields["by_name"]) == (
        "Anna's",
        "Ben's",
        "Anna",
    )


async def test_a_lease_is_visible_to_colleagues_and_its_end_evicts_the_device() -> None:
    store = await make_store()
    checkout = mutation(1, MutationKind.CHECKOUT, Entity.CUSTOMER, CUSTOMER, lease_seconds=3600)
    answer = await push(store, ANNA, push_request("a1", checkout), NOW)
    assert answer.results[0].outcome.value == "applied"
    seen_by_ben = await pull(store, BEN, pull_request("b1", {CUSTOMER: 3}), NOW)
    [lease] = seen_by_ben.changes[CUSTOMER]
    assert lease.entity_id == lease_id(CUSTOMER, "anna", "tablet")
    assert lease.fields is not None
    assert (lease.fields["user_name"], lease.fields["device"], lease.fields["since"]) == (
        "Anna",
        "tablet",
        NOW.isoformat(),
    )
    later = NOW + dt.timedelta(minutes=59)
    renew = mutation(2, MutationKind.RENEW, Entity.CUSTOMER, CUSTOMER, lease_seconds=3600)
    await push(store, ANNA, push_request("a1", renew), later)
    in_time = await pull(
        store, ANNA, pull_request("a1", {CUSTOMER: 0}), NOW + dt.timedelta(minutes=90)
    )
    assert CUSTOMER in in_time.cursors
    too_late = await pull(
        store, ANNA, pull_request("a1", {CUSTOMER: 0}), NOW + dt.timedelta(hours=3)
    )
    assert [c.op for c in too_late.changes[CUSTOMER]] == [ChangeOp.EVICT]
    # Another device of the same user, or a colleague, keeps it.
    colleague = await pull(
        store, BEN, pull_request("b1", {CUSTOMER: 0}), NOW + dt.timedelta(hours=3)
    )
    assert CUSTOMER in colleague.cursors
    checkin = mutation(3, MutationKind.CHECKIN, Entity.CUSTOMER, CUSTOMER)
    answer = await push(store, ANNA, push_request("a1", checkin), NOW + dt.timedelta(hours=3))
    assert answer.results[0].outcome.value == "applied"
    after = await pull(store, ANNA, pull_request("a1", {CUSTOMER: 0}), NOW + dt.timedelta(hours=3))
    assert CUSTOMER in after.cursors


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (PullRequest(client_id="a1", protocol_version=0, cursors={}), Code.UPDATE_REQUIRED),
        (PullRequest(client_id="", protocol_version=1, cursors={}), Code.INVALID),
        (PullRequest(client_id="a1", protocol_version=1, cursors={}, limit=0), Code.INVALID),
        (PullRequest(client_id="a1", protocol_version=1, cursors={CUSTOMER: -1}), Code.INVALID),
    ],
)
async def test_bad_pulls_are_refused(request_: PullRequest, code: Code) -> None:
    store = await make_store()
    with pytest.raises(SyncRefused) as refused:
        await pull(store, ANNA, request_, NOW)
    assert refused.value.code is code
