"""Push over the in-memory store: outcomes, codes, the ledger and the audit hook."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec
import pytest

from sync.entities import Entity, MutationKind
from sync.errors import Code, MutationRejected, SyncRefused
from sync.memory import MemoryStore, StoreCrash
from sync.protocol import Outcome, PushRequest
from sync.push import push
from sync.store import EntityState, SyncTransaction, Target
from tests.sync.world import (
    ANNA,
    BEN,
    CUSTOMER,
    DOCUMENT,
    DOCUMENT_FIELDS,
    NOW,
    OTHER_CUSTOMER,
    SHA,
    make_store,
    mutation,
    push_request,
    update,
)


async def _document(store: MemoryStore, document_id: str = DOCUMENT) -> dict[str, object]:
    state = store.entities()[(Entity.DOCUMENT, document_id)]
    return dict(state.fields)


async def test_an_update_on_an_unchanged_base_is_applied_and_audited() -> None:
    store = await make_store()
    answer = await push(
        store,
        ANNA,
        push_request("a1", update(1, {"title": "Offer 17"}, {"title": "Offer 18"})),
        NOW,
    )
    [result] = answer.results
    assert (result.outcome, result.revision) == (Outcome.APPLIED, 2)
    assert (await _document(store))["title"] == "Offer 18"
    assert store.ledger("a1") == 1
    [line] = store.audit_lines()
    assert line.entry.action == "update"
    assert line.entry.target == Target(Entity.DOCUMENT, DOCUMENT, CUSTOMER)
    assert line.entry.details == {"client_id": "a1", "mutation_id": 1, "outcome": "applied"}


async def test_a_retried_batch_is_answered_duplicate_and_not_applied_again() -> None:
    store = await make_store()
    request = push_request("a1", update(1, {"title": "Offer 17"}, {"title": "Offer 18"}))
    await push(store, ANNA, request, NOW)
    again = await push(store, ANNA, request, NOW)
    assert [r.outcome for r in again.results] == [Outcome.DUPLICATE]
    assert len(store.audit_lines()) == 1
    assert store.entities()[(Entity.DOCUMENT, DOCUMENT)].revision == 2


async def test_changes_of_different_fields_merge() -> None:
    store = await make_store()
    await push(
        store, BEN, push_request("b1", update(1, {"status": "open"}, {"status": "done"})), NOW
    )
    answer = await push(
        store,
        ANNA,
        push_request(
            "a1", update(1, {"title": "Offer 17", "status": "open"}, {"title": "Offer 18"})
        ),
        NOW,
    )
    assert answer.results[0].outcome is Outcome.MERGED
    fields = await _document(store)
    assert (fields["title"], fields["status"]) == ("Offer 18", "done")


async def test_the_same_field_changed_twice_keeps_the_server_value_and_a_conflict_record() -> None:
    store = await make_store()
    await push(
        store, BEN, push_request("b1", update(1, {"title": "Offer 17"}, {"title": "Ben's"})), NOW
    )
    late = NOW + dt.timedelta(hours=1)
    answer = await push(
        store,
        ANNA,
        push_request(
            "a1",
            update(
                1,
                {"title": "Offer 17", "status": "open"},
                {"title": "Anna's", "status": "won"},
                device_time=NOW,
            ),
        ),
        late,
    )
    [result] = answer.results
    assert result.outcome is Outcome.CONFLICT
    [record] = result.conflicts
    assert (record.field, record.base, record.mine, record.theirs) == (
        "title",
        "Offer 17",
        "Anna's",
        "Ben's",
    )
    assert (record.by, record.by_name, record.device, record.at, record.device_time) == (
        "anna",
        "Anna",
        "tablet",
        late,
        NOW,
    )
    fields = await _document(store)
    assert (fields["title"], fields["status"]) == ("Ben's", "won")
    assert store.conflicts() == {record.id: record}


async def test_index_values_merge_per_key_and_conflict_per_key() -> None:
    store = await make_store()
    base = {"index_values": {"amount": 100, "project": "north"}}
    await push(
        store,
        BEN,
        push_request("b1", update(1, base, {"index_values": {"amount": 150, "project": "north"}})),
        NOW,
    )
    answer = await push(
        store,
        ANNA,
        push_request("a1", update(1, base, {"index_values": {"amount": 200, "project": "south"}})),
        NOW,
    )
    [result] = answer.results
    assert result.outcome is Outcome.CONFLICT
    assert [(c.field, c.key, c.mine, c.theirs) for c in result.conflicts] == [
        ("index_values", "amount", 200, 150)
    ]
    assert (await _document(store))["index_values"] == {"amount": 150, "project": "south"}


async def test_ids_must_follow_on_and_a_gap_blocks_the_rest() -> None:
    store = await make_store()
    answer = await push(
        store,
        ANNA,
        push_request(
            "a1",
            update(2, {"title": "Offer 17"}, {"title": "x"}),
            update(3, {"title": "x"}, {"title": "y"}),
        ),
        NOW,
    )
    assert [(r.outcome, r.code, r.retry) for r in answer.results] == [
        (Outcome.REJECTED, Code.OUT_OF_ORDER, True),
        (Outcome.REJECTED, Code.BLOCKED, True),
    ]
    assert store.ledger("a1") == 0
    assert (await _document(store))["title"] == "Offer 17"


def _create_document(id: int, document_id: str, sha: str = SHA) -> object:
    return mutation(
        id,
        MutationKind.CREATE,
        Entity.DOCUMENT,
        document_id,
        customer_id=CUSTOMER,
        patch={"title": "Signed order", "file_name": "order.jpg", "media_type": "image/jpeg"},
        blob_sha256=sha,
    )


async def test_a_document_waits_for_its_blob_and_blocks_what_follows() -> None:
    store = await make_store()
    request = push_request(
        "a1",
        _create_document(1, "d-new"),  # type: ignore[arg-type]
        update(2, {"title": "Offer 17"}, {"title": "x"}),
    )
    answer = await push(store, ANNA, request, NOW)
    assert [(r.code, r.retry) for r in answer.results] == [
        (Code.MISSING_BLOB, True),
        (Code.BLOCKED, True),
    ]
    assert store.ledger("a1") == 0
    assert store.audit_lines() == []
    store.blobs.add(SHA)
    answer = await push(store, ANNA, request, NOW)
    assert [r.outcome for r in answer.results] == [Outcome.APPLIED, Outcome.APPLIED]
    assert (await _document(store, "d-new"))["blob_sha256"] == SHA


@pytest.mark.parametrize(
    ("request_mutation", "code"),
    [
        (update(1, {"title": "Offer 17"}, {"colour": "red"}), Code.INVALID),
        (update(1, {}, {}), Code.INVALID),
        (
            mutation(
                1,
                MutationKind.UPDATE,
                Entity.DOCUMENT,
                "nope",
                base={"title": "a"},
                patch={"title": "b"},
            ),
            Code.UNKNOWN_ENTITY,
        ),
        (
            mutation(1, MutationKind.CREATE, Entity.CUSTOMER, "c-9", patch={"name": "x"}),
            Code.INVALID,
        ),
        (
            mutation(
                1,
                MutationKind.CREATE,
                Entity.DOCUMENT,
                "d-9",
                customer_id=CUSTOMER,
                patch={"title": "x"},
                blob_sha256="xyz",
            ),
            Code.INVALID,
        ),
        (
            mutation(1, MutationKind.CREATE, Entity.ADDRESS, "a-9", patch={"city": "x"}),
            Code.INVALID,
        ),
        (mutation(1, MutationKind.CHECKOUT, Entity.CUSTOMER, CUSTOMER), Code.INVALID),
        (
            mutation(1, MutationKind.CHECKOUT, Entity.CUSTOMER, CUSTOMER, lease_seconds=10),
            Code.INVALID,
        ),
        (
            mutation(1, MutationKind.RENEW, Entity.CUSTOMER, CUSTOMER, lease_seconds=3600),
            Code.NO_LEASE,
        ),
        (mutation(1, MutationKind.CHECKIN, Entity.CUSTOMER, CUSTOMER), Code.NO_LEASE),
        (mutation(1, MutationKind.RESOLVE, Entity.CONFLICT, "nope"), Code.INVALID),
        (mutation(1, MutationKind.VIEW, Entity.DOCUMENT, "nope"), Code.UNKNOWN_ENTITY),
        (mutation(1, MutationKind.UPDATE, Entity.DOCUMENT, ""), Code.INVALID),
    ],
)
async def test_bad_mutations_are_rejected_for_good_with_a_stable_code(
    request_mutation: object, code: Code
) -> None:
    store = await make_store()
    before = store.entities()
    answer = await push(store, ANNA, push_request("a1", request_mutation), NOW)  # type: ignore[arg-type]
    [result] = answer.results
    assert (result.outcome, result.code, result.retry) == (Outcome.REJECTED, code, False)
    assert store.entities() == before
    assert store.ledger("a1") == 1
    [line] = store.audit_lines()
    assert line.entry.details["code"] == code.value


async def test_a_user_without_access_is_forbidden() -> None:
    store = await make_store()
    create = mutation(
        1,
        MutationKind.CREATE,
        Entity.CONTACT,
        "k-1",
        customer_id=OTHER_CUSTOMER,
        patch={"name": "Eve"},
    )
    answer = await push(store, BEN, push_request("b1", create), NOW)
    assert answer.results[0].code is Code.FORBIDDEN
    assert (Entity.CONTACT, "k-1") not in store.entities()


@pytest.mark.parametrize(
    ("version", "code"),
    [(0, Code.UPDATE_REQUIRED), (99, Code.INVALID)],
)
async def test_an_unsupported_protocol_version_is_refused_whole(version: int, code: Code) -> None:
    store = await make_store()
    request = PushRequest(
        client_id="a1",
        protocol_version=version,
        mutations=[update(1, {"title": "Offer 17"}, {"title": "x"})],
    )
    with pytest.raises(SyncRefused) as refused:
        await push(store, ANNA, request, NOW)
    assert refused.value.code is code
    assert store.ledger("a1") == 0


async def test_a_crash_before_commit_keeps_nothing_and_the_retry_applies_once() -> None:
    store = await make_store()
    request = push_request("a1", update(1, {"title": "Offer 17"}, {"title": "Offer 18"}))
    store.fail_commits = 1
    with pytest.raises(StoreCrash):
        await push(store, ANNA, request, NOW)
    assert (store.ledger("a1"), store.audit_lines()) == (0, [])
    answer = await push(store, ANNA, request, NOW)
    assert answer.results[0].outcome is Outcome.APPLIED
    assert len(store.audit_lines()) == 1


async def test_new_versions_never_conflict_and_keep_server_order() -> None:
    store = await make_store()
    store.blobs.update({"b" * 64, "c" * 64})
    for client, actor, sha in (("b1", BEN, "b" * 64), ("a1", ANNA, "c" * 64)):
        version = mutation(
            1,
            MutationKind.CREATE,
            Entity.VERSION,
            f"v-{client}",
            customer_id=CUSTOMER,
            patch={"document_id": DOCUMENT},
            blob_sha256=sha,
        )
        answer = await push(store, actor, push_request(client, version), NOW)
        assert answer.results[0].outcome is Outcome.APPLIED
    numbers = {
        key[1]: state.fields["number"]
        for key, state in store.entities().items()
        if key[0] is Entity.VERSION
    }
    assert numbers == {"v-b1": 1, "v-a1": 2}


async def test_a_document_view_is_an_audit_line_with_the_device_time() -> None:
    store = await make_store()
    view = mutation(
        1, MutationKind.VIEW, Entity.DOCUMENT, DOCUMENT, device_time=NOW - dt.timedelta(hours=3)
    )
    answer = await push(store, ANNA, push_request("a1", view), NOW)
    assert answer.results[0].outcome is Outcome.APPLIED
    [line] = store.audit_lines()
    assert (line.entry.action, line.entry.device_time, line.at) == (
        "view",
        NOW - dt.timedelta(hours=3),
        NOW,
    )


async def test_the_same_register_assignment_from_two_devices_merges() -> None:
    store = await make_store()
    for client, actor in (("a1", ANNA), ("b1", BEN)):
        assign = mutation(
            1,
            MutationKind.CREATE,
            Entity.REGISTER_ASSIGNMENT,
            f"{DOCUMENT}/orders",
            customer_id=CUSTOMER,
            patch={"document_id": DOCUMENT, "register_id": "orders"},
        )
        answer = await push(store, actor, push_request(client, assign), NOW)
        assert answer.results[0].outcome is (Outcome.APPLIED if client == "a1" else Outcome.MERGED)


def test_requests_refuse_unknown_fields() -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(
            b'{"client_id":"a","protocol_version":1,"mutations":[],"extra":1}', type=PushRequest
        )


class _RetentionStore:
    """The memory store, except that documents are under retention (as the backend refuses)."""

    def __init__(self, inner: MemoryStore) -> None:
        self.inner = inner

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SyncTransaction]:
        async with self.inner.transaction() as tx:
            yield _Retained(tx)


class _Retained:
    def __init__(self, tx: SyncTransaction) -> None:
        self._tx = tx

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tx, name)

    async def delete(self, target: Target) -> EntityState:
        raise MutationRejected("retention_active", "kept until 2036")


async def test_a_store_refusal_is_a_final_rejection_with_the_store_code() -> None:
    store = await make_store()
    delete = mutation(1, MutationKind.DELETE, Entity.DOCUMENT, DOCUMENT, base=DOCUMENT_FIELDS)
    answer = await push(_RetentionStore(store), ANNA, push_request("a1", delete), NOW)  # type: ignore[arg-type]
    [result] = answer.results
    assert (result.outcome, result.code, result.retry) == (
        Outcome.REJECTED,
        "retention_active",
        False,
    )
    assert not store.entities()[(Entity.DOCUMENT, DOCUMENT)].deleted
    assert store.audit_lines()[0].entry.details["code"] == "retention_active"
