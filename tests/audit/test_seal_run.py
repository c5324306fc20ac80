"""Sealing a run of drafts at once (the buffered append of a unit of work) makes exactly the
events that sealing them one by one makes, and refuses what :func:`seal` refuses."""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.audit.events import GENESIS_HASH, EventDraft, plain_details, seal_run
from tests.audit import TENANT
from tests.audit.test_chain import ESCAPES_FIELDS, GOLDEN_FIELDS


def _draft(fields: dict[str, Any]) -> EventDraft:
    return EventDraft(**{k: v for k, v in fields.items() if k not in ("seq", "prev_hash")})


def _one_by_one(drafts: list[EventDraft], last_seq: int, head_hash: str) -> list[Any]:
    events = []
    for offset, draft in enumerate(drafts, start=1):
        events.append(draft.seal(last_seq + offset, head_hash))
        head_hash = events[-1].hash
    return events


def _drafts(seed: int, n: int) -> list[EventDraft]:
    rng = random.Random(seed)
    zones = [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-9, minutes=-30))]
    texts = ["Kündigung – Vertrag", 'a "quoted" \\ back\nslash', "ąęłńóśźż", "", "\x00\x1f", "🙂"]
    drafts = [_draft(GOLDEN_FIELDS), _draft(ESCAPES_FIELDS)]
    for i in range(n):
        details: dict[str, Any] = {
            "revision": rng.randrange(1, 10**12),
            "changes": [
                {"field": "title", "old": rng.choice(texts), "new": rng.choice(texts)},
                {"field": "amount", "old": rng.random() * 1e6, "new": None},
            ],
            "flag": rng.random() < 0.5,
            '"prev_hash":"': rng.choice(texts),
            "nested": {"a": [1, 2.5, {"b": (3, "x")}]},
        }
        drafts.append(
            EventDraft(
                tenant_id=TENANT,
                occurred_at=datetime(2026, 11, 29, 12, 0, tzinfo=rng.choice(zones))
                + timedelta(microseconds=rng.randrange(10**9)),
                actor_id=None if i % 7 == 0 else f"user-{i}",
                device=rng.choice(["web", "tablet", '"prev_hash":"' + "0" * 64 + '","seq":1']),
                action=rng.choice(["document.update", "sync.update"]),
                target_type="document",
                target_id=rng.choice(texts) or "x",
                details=details,
            )
        )
    return drafts


@pytest.mark.parametrize("seed", range(5))
def test_a_run_is_sealed_exactly_as_one_by_one(seed: int) -> None:
    drafts = _drafts(seed, 200)
    for last_seq, head in [(0, GENESIS_HASH), (41, "ab" * 32)]:
        assert seal_run(drafts, last_seq, head) == _one_by_one(drafts, last_seq, head)
        together = seal_run(drafts, last_seq, head)
        alone = _one_by_one(drafts, last_seq, head)
        assert [e.details for e in together] == [e.details for e in alone]
        assert all(e.hash == e.computed_hash() for e in together)


def test_a_run_keeps_plain_copies_of_the_details() -> None:
    details: dict[str, Any] = {"list": [1, 2], "tuple": (3, 4)}
    [event] = seal_run([_draft({**GOLDEN_FIELDS, "details": details})], 0, GENESIS_HASH)
    details["list"].append(3)
    assert event.details == {"list": [1, 2], "tuple": [3, 4]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"occurred_at": datetime(2024, 5, 17, 9, 30)}, "timezone-aware"),
        ({"details": {"x": float("nan")}}, r"details\.x is nan"),
        ({"details": {"x": {1: "a"}}}, "keys must be strings"),
        ({"details": {"s": "\ud800"}}, "lone surrogate"),
        ({"target_id": "\udfff"}, "lone surrogate"),
        ({"actor_id": 7}, "actor_id must be a string"),
        ({"action": ""}, "action must not be empty"),
        ({"device": ""}, "device must not be empty"),
    ],
)
def test_a_run_refuses_what_seal_refuses(change: dict[str, Any], message: str) -> None:
    good = _draft(GOLDEN_FIELDS)
    bad = dataclasses.replace(good, **change)
    with pytest.raises(ValueError, match=message):
        bad.seal(1, GENESIS_HASH)
    with pytest.raises(ValueError, match=message):
        seal_run([good, bad], 0, GENESIS_HASH)


@pytest.mark.parametrize(
    ("last_seq", "head", "message"),
    [
        (-1, GENESIS_HASH, "last_seq must be an integer"),
        (True, GENESIS_HASH, "last_seq must be an integer"),
        (0, "AB" * 32, "head_hash must be 64 lowercase hex"),
    ],
)
def test_a_run_needs_a_real_chain_head(last_seq: Any, head: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        seal_run([_draft(GOLDEN_FIELDS)], last_seq, head)


_JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
_JSON = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(details=st.dictionaries(st.text(), _JSON, max_size=5))
def test_details_text_is_the_canonical_encoding(details: dict[str, Any]) -> None:
    # Details without floats are written by a faster encoder; the text must not change.
    plain, text = plain_details(details)
    assert text == json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert plain == details


_FLOATLESS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(details=st.dictionaries(st.text(), _FLOATLESS, max_size=5))
def test_details_without_floats_are_the_canonical_encoding(details: dict[str, Any]) -> None:
    # Always the faster encoder's path (above, floats make many examples take the other one).
    plain, text = plain_details(details)
    assert text == json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert plain == details


@pytest.mark.parametrize("seed", range(3))
def test_drafts_carrying_their_details_text_seal_as_those_without(seed: int) -> None:
    bare = _drafts(seed, 100)
    bare += [  # details without floats take the faster encoder
        dataclasses.replace(d, details={"revision": i, "title": ["ąę", "\x00", "🙂"][i % 3]})
        for i, d in enumerate(bare[:30])
    ]
    carrying = [
        dataclasses.replace(d, details=plain, details_text=text)
        for d in bare
        for plain, text in [plain_details(d.details)]
    ]
    assert seal_run(carrying, 7, GENESIS_HASH) == seal_run(bare, 7, GENESIS_HASH)
    assert seal_run(carrying, 7, GENESIS_HASH) == _one_by_one(bare, 7, GENESIS_HASH)
