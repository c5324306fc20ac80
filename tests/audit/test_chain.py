"""Audit events: the canonical encoding (pinned), sealing, and chain verification."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import random
import unicodedata
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from backend.audit import events
from backend.audit.chain import ChainVerifier, verify_chain, verify_chain_async
from backend.audit.events import (
    GENESIS_HASH,
    MAX_DETAILS_DEPTH,
    AuditEvent,
    ChainProblem,
    EventDraft,
    canonical_bytes,
    event_hash,
    format_utc,
    parse_utc,
    seal,
)
from tests.audit import TENANT, event_fields, make_chain, reseal

# A golden vector: if this hash changes, every stored chain stops verifying.
GOLDEN_FIELDS: dict[str, Any] = {
    "tenant_id": TENANT,
    "seq": 42,
    "occurred_at": datetime(2024, 5, 17, 9, 30, 15, 123456, tzinfo=UTC),
    "actor_id": "0f8e2d4c-6b5a-4938-8271-605f4e3d2c1b",
    "device": "web",
    "action": "document.download",
    "target_type": "document",
    "target_id": "c4a1e7b2-9d3f-4e58-a6b0-1c2d3e4f5a6b",
    "details": {
        "version": 2,
        "filename": "Kündigung – Vertrag.pdf",
        "size": 48213,
        "sha256": "ab" * 32,
        "tags": ["Vertrag", "2024"],
        "ratio": 0.5,
        "note": None,
        "signed": True,
    },
    "prev_hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
}
GOLDEN_BYTES = (
    '{"action":"document.download","actor_id":"0f8e2d4c-6b5a-4938-8271-605f4e3d2c1b",'
    '"details":{"filename":"Kündigung – Vertrag.pdf","note":null,"ratio":0.5,'
    '"sha256":"abababababababababababababababababababababababababababababababab",'
    '"signed":true,"size":48213,"tags":["Vertrag","2024"],"version":2},"device":"web",'
    '"occurred_at":"2024-05-17T09:30:15.123456Z",'
    '"prev_hash":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","seq":42,'
    '"target_id":"c4a1e7b2-9d3f-4e58-a6b0-1c2d3e4f5a6b","target_type":"document",'
    '"tenant_id":"7d3c9a52-1f4e-4b8a-9c61-0a2b3c4d5e6f"}'
).encode()
GOLDEN_HASH = "f3e3d677be87b1fb83666cdbd40336c32c4eb73760df9b5d163ef38d4a98494d"

# A second vector for escapes, astral characters, big integers, -0.0 and a null actor.
ESCAPES_FIELDS: dict[str, Any] = {
    **GOLDEN_FIELDS,
    "seq": 1,
    "occurred_at": datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC),
    "actor_id": None,
    "device": "cli",
    "action": "auth.login_failed",
    "target_type": "user",
    "target_id": "anna@example.org",
    "details": {
        "reason": 'bad "password"\n\ttab',
        "emoji": "🗂️",
        "ctrl": "\x01\x7f",
        "rtl": "שלום",
        "big": 2**70,
        "neg": -0.0,
    },
    "prev_hash": GENESIS_HASH,
}
ESCAPES_BYTES = (
    '{"action":"auth.login_failed","actor_id":null,"details":{"big":1180591620717411303424,'
    '"ctrl":"\\u0001\x7f","emoji":"🗂️","neg":-0.0,"reason":"bad \\"password\\"\\n\\ttab",'
    '"rtl":"שלום"},"device":"cli","occurred_at":"1999-12-31T23:59:59.000000Z",'
    '"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","seq":1,'
    '"target_id":"anna@example.org","target_type":"user",'
    '"tenant_id":"7d3c9a52-1f4e-4b8a-9c61-0a2b3c4d5e6f"}'
).encode()
ESCAPES_HASH = "0abc01e5fe65426adf04cca095812ecfe4450da078bb3115dc186561772e4245"


def test_all_names_everything_public_the_module_defines() -> None:
    defined = {
        name
        for name, value in vars(events).items()
        if not name.startswith("_") and getattr(value, "__module__", None) == events.__name__
    }
    assert defined <= set(events.__all__)
    assert all(hasattr(events, name) for name in events.__all__)


@pytest.mark.parametrize(
    ("fields", "expected_bytes", "expected_hash"),
    [(GOLDEN_FIELDS, GOLDEN_BYTES, GOLDEN_HASH), (ESCAPES_FIELDS, ESCAPES_BYTES, ESCAPES_HASH)],
    ids=["golden", "escapes"],
)
def test_canonical_encoding_is_pinned(
    fields: dict[str, Any], expected_bytes: bytes, expected_hash: str
) -> None:
    assert canonical_bytes(**fields) == expected_bytes
    assert event_hash(**fields) == expected_hash
    assert seal(**fields).hash == expected_hash


def test_the_encoding_is_compact_sorted_json() -> None:
    document = json.loads(GOLDEN_BYTES)
    assert set(document) == {f.name for f in dataclasses.fields(AuditEvent)} - {"hash"}
    reencoded = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert reencoded.encode() == GOLDEN_BYTES


def test_seal_makes_an_event_that_hashes_to_itself() -> None:
    event = seal(**GOLDEN_FIELDS)
    assert event.computed_hash() == event.hash == GOLDEN_HASH
    assert {f.name: getattr(event, f.name) for f in dataclasses.fields(event)} == {
        **GOLDEN_FIELDS,
        "hash": GOLDEN_HASH,
    }
    hash(event)  # usable in sets although details is a dict


def test_seal_keeps_a_plain_copy_of_the_details() -> None:
    details: dict[str, Any] = {"tags": ("a", "b"), "nested": {"n": 1}}
    event = seal(**{**GOLDEN_FIELDS, "details": details})
    details["nested"]["n"] = 2
    assert event.details == {"tags": ["a", "b"], "nested": {"n": 1}}
    assert verify_chain([event], start_prev_hash=event.prev_hash, start_seq=event.seq) == []


# Deliberately not StrEnum: str() of this kind of enum is "Colour.RED", yet it must hash as "red".
class Colour(str, enum.Enum):  # noqa: UP042
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}),
        ({"tags": ("x", "y")}, {"tags": ["x", "y"]}),
        ({"colour": Colour.RED, "level": Level.HIGH}, {"colour": "red", "level": 3}),
        ({Colour.RED: 1}, {"red": 1}),
    ],
    ids=["key-order", "tuple-is-array", "enums-are-values", "enum-key"],
)
def test_equal_json_hashes_equally(left: dict[str, Any], right: dict[str, Any]) -> None:
    assert event_hash(**{**GOLDEN_FIELDS, "details": left}) == event_hash(
        **{**GOLDEN_FIELDS, "details": right}
    )


def test_any_zone_is_hashed_as_utc() -> None:
    berlin = GOLDEN_FIELDS["occurred_at"].astimezone(timezone(timedelta(hours=2)))
    event = seal(**{**GOLDEN_FIELDS, "occurred_at": berlin})
    assert event.hash == GOLDEN_HASH
    assert event.occurred_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text",
    [
        "Grüße",
        "Ærø ÅÖ",
        "日本語の書類",
        "مرحبا",
        "🗂️📄✅",
        "line\nbreak\ttab",
        "\u2028\u2029",
        "\x00",
    ],
)
def test_unicode_details_survive_a_round_trip_through_stored_text(text: str) -> None:
    event = seal(**{**GOLDEN_FIELDS, "details": {text: text, "list": [text]}})
    stored = json.dumps(event.details, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    loaded = dataclasses.replace(event, details=json.loads(stored))
    assert loaded.computed_hash() == event.hash


@pytest.mark.parametrize("text", ["Grüße", "日本語", "🗂️", "\u2028", "\x7f"])
def test_printable_unicode_is_written_as_literal_utf8(text: str) -> None:
    assert text.encode() in canonical_bytes(**{**GOLDEN_FIELDS, "details": {"t": text}})


def test_unicode_is_hashed_as_given_without_normalisation() -> None:
    composed = unicodedata.normalize("NFC", "Müller")
    decomposed = unicodedata.normalize("NFD", "Müller")
    assert composed != decomposed
    assert event_hash(**{**GOLDEN_FIELDS, "details": {"name": composed}}) != event_hash(
        **{**GOLDEN_FIELDS, "details": {"name": decomposed}}
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"occurred_at": datetime(2024, 5, 17, 9, 30)}, "timezone-aware"),
        ({"occurred_at": "2024-05-17T09:30:00Z"}, "expected a datetime"),
        ({"details": {"x": float("nan")}}, r"details\.x is nan"),
        ({"details": {"x": [1, float("inf")]}}, r"details\.x\[1\] is inf"),
        ({"details": {"x": {1: "a"}}}, "keys must be strings"),
        ({"details": {"when": datetime(2024, 1, 1, tzinfo=UTC)}}, r"details\.when is a datetime"),
        ({"details": {"raw": b"bytes"}}, "is a bytes"),
        ({"details": {"set": {1, 2}}}, "is a set"),
        ({"details": ["not", "a", "mapping"]}, "details must be a mapping"),
        ({"details": {"s": "\ud800"}}, "lone surrogate"),
        ({"target_id": "\udfff"}, "lone surrogate"),
        ({"seq": 0}, "seq must be an integer >= 1"),
        ({"seq": True}, "seq must be an integer >= 1"),
        ({"seq": "1"}, "seq must be an integer >= 1"),
        ({"prev_hash": "AB" * 32}, "prev_hash must be 64 lowercase hex"),
        ({"prev_hash": "ab" * 31}, "prev_hash must be 64 lowercase hex"),
        ({"actor_id": 7}, "actor_id must be a string"),
        ({"target_type": None}, "target_type must be a string"),
        ({"action": ""}, "action must not be empty"),
        ({"tenant_id": ""}, "tenant_id must not be empty"),
        ({"device": ""}, "device must not be empty"),
    ],
)
def test_seal_refuses_what_cannot_be_encoded_unambiguously(
    change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        seal(**{**GOLDEN_FIELDS, **change})


def test_details_nest_only_so_deep() -> None:
    deep: Any = "leaf"
    for _ in range(MAX_DETAILS_DEPTH):  # details itself is one of the levels
        deep = {"d": deep}
    seal(**{**GOLDEN_FIELDS, "details": deep})
    with pytest.raises(ValueError, match="nests deeper"):
        seal(**{**GOLDEN_FIELDS, "details": {"d": deep}})


def test_times_round_trip_in_one_exact_form() -> None:
    moment = datetime(7, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert format_utc(moment) == "0007-01-02T03:04:05.000006Z"
    assert parse_utc(format_utc(moment)) == moment
    for text in [
        "2024-05-17T09:30:15Z",
        "2024-05-17T09:30:15.123456+00:00",
        "2024-13-01T00:00:00.000000Z",
    ]:
        with pytest.raises(ValueError, match="time"):
            parse_utc(text)


# --- verification -----------------------------------------------------------------------------


def test_an_untouched_chain_of_1000_events_raises_no_alarm() -> None:
    chain = make_chain(1000)
    assert verify_chain(chain) == []
    assert verify_chain(iter(chain), tenant_id=TENANT) == []  # one pass over an iterator
    assert verify_chain([]) == []


def test_a_chain_verifies_from_the_middle() -> None:
    chain = make_chain(60)
    assert verify_chain(chain[40:], start_prev_hash=chain[39].hash, start_seq=41) == []
    problems = verify_chain(chain[40:], start_seq=41)
    assert [(p.seq, p.kind) for p in problems] == [(41, "broken_link")]


def test_the_verifier_reports_where_the_chain_ends() -> None:
    chain = make_chain(30)
    verifier = ChainVerifier()
    for event in chain:
        verifier.feed(event)
    assert (verifier.count, verifier.last_seq, verifier.head_hash) == (30, 30, chain[-1].hash)
    assert verifier.finish() == []


def _replace(index: int, **changes: Any) -> Callable[[list[AuditEvent]], list[AuditEvent]]:
    def tamper(chain: list[AuditEvent]) -> list[AuditEvent]:
        chain[index] = dataclasses.replace(chain[index], **changes)
        return chain

    return tamper


def _flip_a_byte_in_details(chain: list[AuditEvent]) -> list[AuditEvent]:
    stored = json.dumps(chain[9].details, sort_keys=True, separators=(",", ":")).encode()
    flipped = stored.replace(b"Vertrag", b"Vertrah", 1)
    assert len(flipped) == len(stored)
    assert flipped != stored
    chain[9] = dataclasses.replace(chain[9], details=json.loads(flipped))
    return chain


def _rehash(index: int, **changes: Any) -> Callable[[list[AuditEvent]], list[AuditEvent]]:
    """Change a row and store its recomputed hash too (but leave the next row as it was)."""

    def tamper(chain: list[AuditEvent]) -> list[AuditEvent]:
        changed = dataclasses.replace(chain[index], **changes)
        chain[index] = dataclasses.replace(changed, hash=changed.computed_hash())
        return chain

    return tamper


def _forge(index: int) -> Callable[[list[AuditEvent]], list[AuditEvent]]:
    """Replace a row with a properly sealed, different event at the same place."""

    def tamper(chain: list[AuditEvent]) -> list[AuditEvent]:
        fields = {**event_fields(index + 1), "details": {"forged": True}}
        chain[index] = seal(**fields, prev_hash=chain[index - 1].hash)
        return chain

    return tamper


def _delete(*indexes: int) -> Callable[[list[AuditEvent]], list[AuditEvent]]:
    return lambda chain: [e for i, e in enumerate(chain) if i not in indexes]


def _swap(i: int, j: int) -> Callable[[list[AuditEvent]], list[AuditEvent]]:
    def tamper(chain: list[AuditEvent]) -> list[AuditEvent]:
        chain[i], chain[j] = chain[j], chain[i]
        return chain

    return tamper


TAMPERINGS: dict[
    str, tuple[Callable[[list[AuditEvent]], list[AuditEvent]], list[tuple[int | None, str]]]
] = {
    "flip a byte in details": (_flip_a_byte_in_details, [(10, "hash_mismatch")]),
    "change the actor": (_replace(14, actor_id="intruder"), [(15, "hash_mismatch")]),
    "remove the actor": (_replace(13, actor_id=None), [(14, "hash_mismatch")]),
    "move the time by 1 µs": (
        _replace(3, occurred_at=make_chain(4)[3].occurred_at + timedelta(microseconds=1)),
        [(4, "hash_mismatch")],
    ),
    "change the action": (_replace(0, action="auth.login"), [(1, "hash_mismatch")]),
    "change the target": (_replace(29, target_id="doc-x"), [(30, "hash_mismatch")]),
    "change the stored hash": (
        _replace(7, hash="f" * 64),
        [(8, "hash_mismatch"), (9, "broken_link")],
    ),
    "change the prev_hash": (
        _replace(7, prev_hash="f" * 64),
        [(8, "hash_mismatch"), (8, "broken_link")],
    ),
    "change a row and its hash": (_rehash(12, device="cli-x"), [(14, "broken_link")]),
    "replace a row by a sealed forgery": (_forge(12), [(14, "broken_link")]),
    "store a value that cannot be encoded": (
        _replace(5, details={"x": float("nan")}),
        [(6, "hash_mismatch")],
    ),
    "delete a middle event": (_delete(16), [(17, "missing_events")]),
    "delete a run of events": (_delete(16, 17, 18), [(17, "missing_events")]),
    "delete the first event": (_delete(0), [(1, "missing_events")]),
    "reorder two neighbours": (_swap(4, 5), [(5, "out_of_order")]),
    "reorder two distant events": (_swap(2, 6), [(3, "out_of_order")]),
    "duplicate an event": (lambda c: [*c[:8], c[7], *c[8:]], [(8, "duplicate_seq")]),
    "append another tenant's event": (
        lambda c: [*c, make_chain(31, tenant_id="other")[30]],
        [(31, "wrong_tenant")],
    ),
    "renumber an event": (
        lambda c: sorted(_replace(20, seq=99)(c), key=lambda e: e.seq),  # read ORDER BY seq
        [(21, "missing_events"), (31, "missing_events"), (99, "hash_mismatch")],
    ),
    "truncate the tail (needs a checkpoint)": (lambda c: c[:25], []),
}


@pytest.mark.parametrize("name", TAMPERINGS)
def test_every_kind_of_tampering_is_reported_precisely(name: str) -> None:
    tamper, expected = TAMPERINGS[name]
    problems = verify_chain(tamper(make_chain(30)))
    assert [(p.seq, p.kind) for p in problems] == expected, problems


def test_problem_details_say_what_happened() -> None:
    chain = make_chain(30)
    moved = [chain[19], *chain[:19], *chain[20:]]
    assert [str(p) for p in verify_chain(moved)] == [
        "event 1: out_of_order: events 1–19 arrived after event 20"
    ]
    gap = verify_chain(_delete(16, 17, 18)(make_chain(30)))
    assert gap == [ChainProblem(17, "missing_events", "events 17–19 are missing (3)")]
    (dup,) = verify_chain([*chain[:8], chain[7], *chain[8:]])
    assert dup.detail == "event 8 occurs more than once"


def test_a_reversed_chain_is_out_of_order_but_every_link_is_checked() -> None:
    chain = make_chain(12)
    assert [(p.seq, p.kind) for p in verify_chain(reversed(chain))] == [(1, "out_of_order")]
    forged = _forge(5)(list(chain))
    assert [str(p) for p in verify_chain(reversed(forged))] == [
        "event 1: out_of_order: events 1–11 arrived after event 12",
        f"event 7: broken_link: prev_hash {chain[6].prev_hash!r} is not the hash of event 6, "
        f"{forged[5].hash[:12]}…",
    ]


def test_it_does_not_stop_at_the_first_problem() -> None:
    chain = make_chain(100)
    chain = _flip_a_byte_in_details(chain)
    chain = _replace(40, actor_id="intruder")(chain)
    chain = [*chain[:70], chain[69], *chain[70:]]
    chain = _delete(50)(chain)
    chain.append(make_chain(101, tenant_id="other")[100])
    assert [(p.seq, p.kind) for p in verify_chain(chain)] == [
        (10, "hash_mismatch"),
        (41, "hash_mismatch"),
        (51, "missing_events"),
        (70, "duplicate_seq"),
        (101, "wrong_tenant"),
    ]


def test_an_expected_tenant_is_checked_from_the_first_event() -> None:
    problems = verify_chain(make_chain(3), tenant_id="other")
    assert [(p.seq, p.kind) for p in problems] == [
        (1, "wrong_tenant"),
        (2, "wrong_tenant"),
        (3, "wrong_tenant"),
    ]


def test_a_consistently_resealed_chain_passes_verify_chain_alone() -> None:
    chain = make_chain(30)
    chain[9] = dataclasses.replace(chain[9], details={"rewritten": "history"})
    forged = reseal(chain, first=9)
    assert verify_chain(forged) == []  # why signed checkpoints exist: see test_checkpoints.py


def test_verification_is_a_single_pass_over_a_generator() -> None:
    chain = make_chain(50)
    seen: list[int] = []

    def stream() -> Iterator[AuditEvent]:
        for event in chain:
            seen.append(event.seq)
            yield event

    assert verify_chain(stream()) == []
    assert seen == list(range(1, 51))


async def test_the_async_variant_gives_the_same_answers() -> None:
    tampered = _delete(3)(_flip_a_byte_in_details(make_chain(30)))

    async def stream() -> AsyncIterator[AuditEvent]:
        for event in tampered:
            yield event

    assert await verify_chain_async(stream()) == verify_chain(tampered)


def test_a_distant_swap_is_described_as_one_run() -> None:
    (problem,) = verify_chain(_swap(2, 6)(make_chain(10)))
    assert str(problem) == "event 3: out_of_order: events 3–6 arrived after event 7"


def _is_valid_chain(stream: list[AuditEvent]) -> bool:
    """The definition, checked naively with the whole list at hand."""
    return all(
        event.seq == i + 1
        and event.computed_hash() == event.hash
        and event.prev_hash == (stream[i - 1].hash if i else GENESIS_HASH)
        for i, event in enumerate(stream)
    )


@pytest.mark.parametrize("seed", range(150))
def test_seeded_fuzz_only_an_untouched_prefix_passes(seed: int) -> None:
    """Random reorderings, deletions, duplicates and sealed forgeries of a chain: verification never
    raises, finds nothing exactly when a naive whole-list check finds nothing (an untouched prefix,
    or one whose last event was replaced: only a checkpoint tells), and a mere reordering is only
    ever reported as such."""
    rng = random.Random(seed)
    chain = make_chain(16)
    stream = list(chain)
    operations = rng.sample(["shuffle", "delete", "duplicate", "forge"], rng.randint(1, 2))
    for operation in operations:
        if operation == "shuffle":
            i, j = sorted(rng.sample(range(len(stream)), 2))
            middle = stream[i : j + 1]
            rng.shuffle(middle)
            stream[i : j + 1] = middle
        elif operation == "delete":
            del stream[rng.randrange(len(stream))]
        elif operation == "duplicate":
            stream.insert(rng.randrange(len(stream) + 1), rng.choice(stream))
        else:
            index = rng.randrange(len(stream))
            fields = {**event_fields(stream[index].seq), "details": {"forged": seed}}
            stream[index] = seal(**fields, prev_hash=stream[index].prev_hash)
    problems = verify_chain(stream)
    assert (problems == []) == _is_valid_chain(stream), (operations, problems)
    if stream == chain[: len(stream)]:
        assert problems == []
    if operations == ["shuffle"]:
        assert {p.kind for p in problems} <= {"out_of_order"}


@pytest.mark.parametrize(
    "details",
    [
        {},
        {"prev_hash": GENESIS_HASH, "seq": 1},
        {"nested": {"prev_hash": GENESIS_HASH, "seq": 1}, "ü": '"prev_hash":"', "n": 1e100},
        {"text": "Zażółć gęślą jaźń \u2028 \\ \n"},
    ],
)
def test_hash_parts_finish_to_the_same_hash_as_seal(details: dict[str, object]) -> None:
    """The database finishes an event's hash from these parts (one statement per append on
    PostgreSQL); they must give exactly the hash ``seal`` gives, even when the details contain
    the very text around the chain fields."""
    draft = EventDraft(
        tenant_id="t-1",
        occurred_at=dt.datetime(2030, 1, 15, 9, 0, tzinfo=dt.UTC),
        actor_id=None,
        device="web",
        action="document.update",
        target_type="document",
        target_id="d-1",
        details=details,  # type: ignore[arg-type]
    )
    parts = draft.hash_parts()
    for seq, prev_hash in ((1, GENESIS_HASH), (987654321, "ab" * 32)):
        assert parts.digest(prev_hash, seq) == draft.seal(seq, prev_hash).hash
