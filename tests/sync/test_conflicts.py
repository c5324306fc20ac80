"""Deletes against offline edits, and resolving conflict records."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from sync.entities import WHOLE_ENTITY, Entity, MutationKind
from sync.errors import Code
from sync.memory import MemoryStore
from sync.protocol import Choice, ConflictRecord, Outcome, Resolution
from sync.push import push
from tests.sync.world import (
    ANNA,
    BEN,
    DOCUMENT,
    DOCUMENT_FIELDS,
    NOW,
    make_store,
    mutation,
    push_request,
    update,
)


def _delete(id: int, base: dict[str, Any]) -> Any:
    return mutation(id, MutationKind.DELETE, Entity.DOCUMENT, DOCUMENT, base=base)


def _resolve(id: int, conflict: ConflictRecord, choice: Choice, value: Any = msgspec.UNSET) -> Any:
    return mutation(
        id,
        MutationKind.RESOLVE,
        Entity.CONFLICT,
        conflict.id,
        resolution=Resolution(choice=choice, value=value),
    )


def _deleted(store: MemoryStore) -> bool:
    return store.entities()[(Entity.DOCUMENT, DOCUMENT)].deleted


async def test_deleting_a_document_as_seen_deletes_it() -> None:
    store = await make_store()
    answer = await push(store, ANNA, push_request("a1", _delete(1, DOCUMENT_FIELDS)), NOW)
    assert answer.results[0].outcome is Outcome.APPLIED
    assert _deleted(store)


async def test_deleting_a_document_someone_edited_is_a_conflict_and_it_stays() -> None:
    store = await make_store()
    await push(
        store, BEN, push_request("b1", update(1, {"title": "Offer 17"}, {"title": "Ben's"})), NOW
    )
    answer = await push(store, ANNA, push_request("a1", _delete(1, DOCUMENT_FIELDS)), NOW)
    [result] = answer.results
    assert result.outcome is Outcome.CONFLICT
    [record] = result.conflicts
    assert (record.field, record.mine, record.base) == (
        WHOLE_ENTITY,
        msgspec.UNSET,
        DOCUMENT_FIELDS,
    )
    assert record.theirs == {**DOCUMENT_FIELDS, "title": "Ben's"}
    assert not _deleted(store)
    # Anna keeps her delete: the document is still as she was shown it in the conflict.
    answer = await push(store, ANNA, push_request("a1", _resolve(2, record, Choice.KEEP_MINE)), NOW)
    assert answer.results[0].outcome is Outcome.APPLIED
    assert _deleted(store)
    assert store.conflicts()[record.id].resolution == Resolution(choice=Choice.KEEP_MINE)


async def test_editing_a_document_deleted_meanwhile_is_a_conflict_never_a_resurrection() -> None:
    store = await make_store()
    await push(store, BEN, push_request("b1", _delete(1, DOCUMENT_FIELDS)), NOW)
    answer = await push(
        store, ANNA, push_request("a1", update(1, {"title": "Offer 17"}, {"title": "Anna's"})), NOW
    )
    [result] = answer.results
    assert result.outcome is Outcome.CONFLICT
    [record] = result.conflicts
    assert (record.field, record.mine, record.theirs) == (
        WHOLE_ENTITY,
        {"title": "Anna's"},
        msgspec.UNSET,
    )
    assert _deleted(store)
    answer = await push(store, ANNA, push_request("a1", _resolve(2, record, Choice.KEEP_MINE)), NOW)
    assert answer.results[0].code is Code.GONE
    assert _deleted(store)
    answer = await push(
        store, ANNA, push_request("a1", _resolve(3, record, Choice.KEEP_THEIRS)), NOW
    )
    assert answer.results[0].outcome is Outcome.APPLIED
    recreate = mutation(
        4,
        MutationKind.CREATE,
        Entity.DOCUMENT,
        DOCUMENT,
        customer_id="c-1",
        patch={"title": "x"},
        blob_sha256="a" * 64,
    )
    store.blobs.add("a" * 64)
    answer = await push(store, ANNA, push_request("a1", recreate), NOW)
    assert answer.results[0].code is Code.GONE


async def _title_conflict(store: MemoryStore) -> ConflictRecord:
    await push(
        store, BEN, push_request("b1", update(1, {"title": "Offer 17"}, {"title": "Ben's"})), NOW
    )
    answer = await push(
        store, ANNA, push_request("a1", update(1, {"title": "Offer 17"}, {"title": "Anna's"})), NOW
    )
    [record] = answer.results[0].conflicts
    return record


@pytest.mark.parametrize(
    ("choice", "value", "title"),
    [
        (Choice.KEEP_MINE, msgspec.UNSET, "Anna's"),
        (Choice.KEEP_THEIRS, msgspec.UNSET, "Ben's"),
        (Choice.NEW_VALUE, "Both", "Both"),
    ],
)
async def test_a_resolution_is_a_mutation(choice: Choice, value: Any, title: str) -> None:
    store = await make_store()
    record = await _title_conflict(store)
    answer = await push(store, ANNA, push_request("a1", _resolve(2, record, choice, value)), NOW)
    assert answer.results[0].outcome is Outcome.APPLIED
    assert store.entities()[(Entity.DOCUMENT, DOCUMENT)].fields["title"] == title
    resolved = store.conflicts()[record.id]
    assert (resolved.resolved_by, resolved.resolved_at) == ("anna", NOW)
    again = await push(store, BEN, push_request("b1", _resolve(2, record, Choice.KEEP_THEIRS)), NOW)
    assert again.results[0].code is Code.ALREADY_RESOLVED


async def test_a_resolution_after_the_server_moved_on_conflicts_again() -> None:
    store = await make_store()
    record = await _title_conflict(store)
    await push(
        store, BEN, push_request("b1", update(2, {"title": "Ben's"}, {"title": "Ben's 2"})), NOW
    )
    answer = await push(store, ANNA, push_request("a1", _resolve(2, record, Choice.KEEP_MINE)), NOW)
    [result] = answer.results
    assert result.outcome is Outcome.CONFLICT
    assert [(c.mine, c.theirs) for c in result.conflicts] == [("Anna's", "Ben's 2")]
    assert store.entities()[(Entity.DOCUMENT, DOCUMENT)].fields["title"] == "Ben's 2"


async def test_a_per_key_conflict_resolves_that_key_only() -> None:
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
        push_request("a1", update(1, base, {"index_values": {"project": "north"}})),
        NOW,
    )
    [record] = answer.results[0].conflicts
    assert (record.key, record.mine, record.theirs) == ("amount", msgspec.UNSET, 150)
    await push(
        store,
        BEN,
        push_request(
            "b1",
            update(
                2,
                {"index_values": {"amount": 150, "project": "north"}},
                {"index_values": {"amount": 150, "project": "west"}},
            ),
        ),
        NOW,
    )
    # The key is still as Anna saw it; Ben's other key stays.
    answer = await push(store, ANNA, push_request("a1", _resolve(2, record, Choice.KEEP_MINE)), NOW)
    assert answer.results[0].outcome is Outcome.APPLIED
    assert store.entities()[(Entity.DOCUMENT, DOCUMENT)].fields["index_values"] == {
        "project": "west"
    }
