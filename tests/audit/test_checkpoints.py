"""Signed checkpoints: keys, signatures, the export file, and what they reveal about a chain."""

from __future__ import annotations

import base64
import dataclasses
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from backend.audit import checkpoints
from backend.audit.chain import verify_chain
from backend.audit.checkpoints import (
    CHECKPOINT_FORMAT,
    Checkpoint,
    SigningKey,
    check_checkpoint,
    checkpoint_from_json,
    checkpoint_to_json,
    compare_with_chain,
    key_id_of,
    sign_checkpoint,
    verify_checkpoint_signature,
)
from backend.audit.events import GENESIS_HASH, AuditEvent
from backend.audit.merkle import EMPTY_ROOT, inclusion_proof, merkle_root, verify_inclusion
from tests.audit import TENANT, make_chain, reseal

SEED = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"  # bytes 0..31
KEY = SigningKey.from_seed_b64(SEED)
SIGNED_AT = datetime(2024, 5, 17, 10, 0, tzinfo=UTC)
HEAD = "f3e3d677be87b1fb83666cdbd40336c32c4eb73760df9b5d163ef38d4a98494d"
ROOT = "86754e71ab90f305c4faa7eee57b41b89e49ebcdf03a745c855ee611e4597237"
# Ed25519 is deterministic, so the signature pins the signed-bytes format as a golden vector.
GOLDEN_SIGNATURE = (
    "LFgcGT55bVQZqU__udZQOlT-2HJ-dX9uaUF53XnBnyT2_DCgE43gWlLXBaqerJIk9N7BdRuXLB7MOaiZwzsaCA"
)


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def golden() -> Checkpoint:
    return sign_checkpoint(KEY, TENANT, 42, HEAD, ROOT, SIGNED_AT)


def checkpoint_of(chain: list[AuditEvent], seq: int, key: SigningKey = KEY) -> Checkpoint:
    head = chain[seq - 1].hash if seq else GENESIS_HASH
    root = merkle_root([e.hash for e in chain[:seq]])
    return sign_checkpoint(key, TENANT, seq, head, root, SIGNED_AT)


def problems_against(
    checkpoint: Checkpoint, chain: list[AuditEvent], public_key: str | None = None
) -> list[tuple[int | None, str]]:
    """What ``dossier verify`` would say about ``chain`` given ``checkpoint``."""
    seq = checkpoint.seq
    covered = len(chain) >= seq
    problems = check_checkpoint(
        checkpoint,
        public_key or KEY.public_key_b64(),
        tenant_id=TENANT,
        chain_length=len(chain),
        head_hash_at_seq=(chain[seq - 1].hash if seq else GENESIS_HASH) if covered else None,
        merkle_root_at_seq=merkle_root([e.hash for e in chain[:seq]]) if covered else None,
    )
    return [(p.seq, p.kind) for p in verify_chain(chain) + problems]


def test_all_names_everything_public_the_module_defines() -> None:
    defined = {
        name
        for name, value in vars(checkpoints).items()
        if not name.startswith("_") and getattr(value, "__module__", None) == checkpoints.__name__
    }
    assert defined <= set(checkpoints.__all__)
    assert all(hasattr(checkpoints, name) for name in checkpoints.__all__)


# --- keys -------------------------------------------------------------------------------------


def test_the_seed_is_a_standard_ed25519_seed() -> None:
    # RFC 8032 §7.1, test 1.
    secret = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    key = SigningKey.from_seed_b64(b64(secret))
    assert key.public_key_b64() == b64(public)
    assert key.sign(b"").hex() == (
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )


def test_keys_round_trip_and_have_a_short_id() -> None:
    key = SigningKey.generate()
    again = SigningKey.from_seed_b64(key.seed_b64())
    assert again.public_key_b64() == key.public_key_b64()
    assert len(key.seed_b64()) == len(key.public_key_b64()) == 43
    assert key.key_id == key_id_of(key.public_key_b64()) == again.key_id
    assert KEY.public_key_b64() == "A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg"
    assert KEY.key_id == "56475aa75463474c"
    assert SigningKey.from_seed_b64(f"  {SEED}\n").key_id == KEY.key_id  # as read from a file


def test_the_seed_never_shows_in_repr() -> None:
    assert repr(KEY) == "SigningKey(key_id='56475aa75463474c')"
    assert SEED not in repr(KEY)


@pytest.mark.parametrize(
    "seed",
    [
        "",
        "abc",
        SEED + "=",  # padded
        SEED + "A",  # 44 characters
        SEED[:-1],  # 42 characters
        "A" * 42 + "+",  # standard alphabet
        "A" * 42 + "/",
        "A" * 42 + " ",
        SEED[:-1] + "9",  # unused trailing bits set: a second spelling of the same seed
        b64(bytes(31)),
        b64(bytes(33)),
        "é" * 43,
    ],
)
def test_malformed_seeds_are_refused_without_echoing_them(seed: str) -> None:
    with pytest.raises(ValueError, match="audit signing key") as caught:
        SigningKey.from_seed_b64(seed)
    assert seed.strip() == "" or seed not in str(caught.value)


def test_a_seed_must_be_text() -> None:
    with pytest.raises(ValueError, match="must be text"):
        SigningKey.from_seed_b64(bytes(32))  # type: ignore[arg-type]


# --- signatures -------------------------------------------------------------------------------


def test_the_signature_is_pinned() -> None:
    checkpoint = golden()
    assert checkpoint == Checkpoint(
        TENANT, 42, HEAD, ROOT, SIGNED_AT, "56475aa75463474c", GOLDEN_SIGNATURE
    )
    assert verify_checkpoint_signature(checkpoint, KEY.public_key_b64())


def test_signed_at_is_kept_in_utc() -> None:
    berlin = SIGNED_AT.astimezone(timezone(timedelta(hours=2)))
    checkpoint = sign_checkpoint(KEY, TENANT, 42, HEAD, ROOT, berlin)
    assert checkpoint.signature == GOLDEN_SIGNATURE
    assert checkpoint.signed_at.utcoffset() == timedelta(0)


def test_another_key_does_not_verify() -> None:
    assert not verify_checkpoint_signature(golden(), SigningKey.generate().public_key_b64())
    forged = sign_checkpoint(SigningKey.generate(), TENANT, 42, HEAD, ROOT, SIGNED_AT)
    assert not verify_checkpoint_signature(forged, KEY.public_key_b64())
    relabelled = dataclasses.replace(forged, key_id=KEY.key_id)
    assert not verify_checkpoint_signature(relabelled, KEY.public_key_b64())


@pytest.mark.parametrize(
    "change",
    [
        {"tenant_id": "other-tenant"},
        {"seq": 41},
        {"seq": 43},
        {"head_hash": "0" + HEAD[1:]},
        {"merkle_root": ROOT[:-1] + "8"},
        {"signed_at": SIGNED_AT + timedelta(microseconds=1)},
        {"key_id": "0" * 16},
        {"signature": GOLDEN_SIGNATURE[:-1] + "B"},
        {"signature": "A" * 86},
        {"signature": "not base64"},
        {"signed_at": datetime(2024, 5, 17, 10, 0)},  # naive: cannot be encoded
    ],
    ids=lambda change: next(iter(change)),
)
def test_any_changed_field_breaks_the_signature(change: dict[str, Any]) -> None:
    assert not verify_checkpoint_signature(
        dataclasses.replace(golden(), **change), KEY.public_key_b64()
    )


@pytest.mark.parametrize("public_key", ["", "A" * 43 + "=", b64(bytes(31)), "not a key"])
def test_a_malformed_public_key_does_not_verify(public_key: str) -> None:
    assert not verify_checkpoint_signature(golden(), public_key)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((TENANT, -1, HEAD, ROOT, SIGNED_AT), "seq must be an integer >= 0"),
        ((TENANT, True, HEAD, ROOT, SIGNED_AT), "seq must be an integer >= 0"),
        (("", 1, HEAD, ROOT, SIGNED_AT), "tenant_id must be a non-empty string"),
        ((TENANT, 1, HEAD.upper(), ROOT, SIGNED_AT), "head_hash must be 64 lowercase hex"),
        ((TENANT, 1, HEAD, ROOT[:-2], SIGNED_AT), "merkle_root must be 64 lowercase hex"),
        ((TENANT, 1, HEAD, ROOT, datetime(2024, 5, 17)), "timezone-aware"),
    ],
)
def test_signing_refuses_malformed_fields(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sign_checkpoint(KEY, *args)


# --- the export file --------------------------------------------------------------------------


def test_the_file_round_trips_and_describes_itself() -> None:
    text = checkpoint_to_json(golden(), KEY.public_key_b64())
    assert text.endswith("}\n")
    document = json.loads(text)
    assert document["format"] == CHECKPOINT_FORMAT == "dossier-audit-checkpoint/1"
    assert document["public_key"] == KEY.public_key_b64()
    assert document["signed_at"] == "2024-05-17T10:00:00.000000Z"
    assert checkpoint_from_json(text) == (golden(), KEY.public_key_b64())
    assert len(text) < 600


def _file(**changes: Any) -> str:
    document: dict[str, Any] = json.loads(checkpoint_to_json(golden(), KEY.public_key_b64()))
    for name, value in changes.items():
        if value is ...:
            del document[name]
        else:
            document[name] = value
    return json.dumps(document)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "invalid JSON"),
        ("{", "invalid JSON"),
        ("[]", "expected a JSON object"),
        ('"checkpoint"', "expected a JSON object"),
        (_file(format=...), "format is None"),
        (_file(format="dossier-audit-checkpoint/2"), "format is 'dossier-audit-checkpoint/2'"),
        (_file(signature=...), "lacks signature"),
        (_file(seq=..., key_id=...), "lacks key_id, seq"),
        (_file(comment="hello"), "unknown fields: comment"),
        (_file(seq="42"), "seq must be an integer"),
        (_file(seq=42.0), "seq must be an integer"),
        (_file(seq=True), "seq must be an integer"),
        (_file(seq=-1), "seq must be an integer >= 0"),
        (_file(tenant_id=7), "tenant_id must be a non-empty string"),
        (_file(head_hash=HEAD.upper()), "head_hash must be 64 lowercase hex"),
        (_file(head_hash=HEAD[:-1]), "head_hash must be 64 lowercase hex"),
        (_file(merkle_root=None), "merkle_root must be 64 lowercase hex"),
        (_file(signed_at="2024-05-17T10:00:00Z"), "expected a UTC time"),
        (_file(signed_at="2024-05-17T10:00:00.000000+00:00"), "expected a UTC time"),
        (_file(signed_at=1715940000), "expected a UTC time"),
        (_file(key_id="56475AA75463474C"), "key_id must be 16 lowercase hex"),
        (_file(key_id="0" * 16), "key_id does not belong to public_key"),
        (_file(public_key="A" * 44), "public key must be 43 characters"),
        (_file(signature=GOLDEN_SIGNATURE + "A"), "signature must be 86 characters"),
        (_file(signature=GOLDEN_SIGNATURE[:-1] + "+"), "signature must be 86 characters"),
        (_file().replace('"seq": 42', '"seq": 42, "seq": 41'), "'seq' appears twice"),
        (_file().replace('"seq": 42', '"seq": NaN'), "NaN is not allowed"),
        (" " * 20_000, "at most 16384 characters"),
    ],
)
def test_malformed_files_are_refused_clearly(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        checkpoint_from_json(text)


@pytest.mark.parametrize(
    "change",
    [
        {"seq": 41},
        {"head_hash": "0" * 64},
        {"tenant_id": "other"},
        {"signed_at": "2030-01-01T00:00:00.000000Z"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_an_edited_but_well_formed_file_fails_its_signature(change: dict[str, Any]) -> None:
    checkpoint, public_key = checkpoint_from_json(_file(**change))
    assert not verify_checkpoint_signature(checkpoint, KEY.public_key_b64())
    problems = check_checkpoint(
        checkpoint,
        public_key,
        chain_length=42,
        head_hash_at_seq=checkpoint.head_hash,
        merkle_root_at_seq=checkpoint.merkle_root,
    )
    assert [p.kind for p in problems] == ["bad_signature"]


def test_the_key_in_the_file_only_names_the_signer() -> None:
    # A forger's file carries the forger's key and verifies with it; the verifier must use the
    # key it trusts, against which the forgery fails.
    forger = SigningKey.generate()
    text = checkpoint_to_json(
        sign_checkpoint(forger, TENANT, 42, HEAD, ROOT, SIGNED_AT), forger.public_key_b64()
    )
    checkpoint, embedded = checkpoint_from_json(text)
    assert verify_checkpoint_signature(checkpoint, embedded)
    assert not verify_checkpoint_signature(checkpoint, KEY.public_key_b64())


# --- checkpoints against the chain ------------------------------------------------------------


def test_an_untouched_chain_matches_its_checkpoints() -> None:
    chain = make_chain(40)
    for seq in (0, 1, 17, 40):
        assert problems_against(checkpoint_of(chain, seq), chain) == []
    assert checkpoint_of(chain, 0).merkle_root == EMPTY_ROOT
    assert problems_against(checkpoint_of(chain, 30), make_chain(45)) == []  # chain grew since


def test_a_truncated_tail_is_found_only_with_a_checkpoint() -> None:
    chain = make_chain(40)
    checkpoint = checkpoint_of(chain, 40)
    assert verify_chain(chain[:35]) == []
    assert problems_against(checkpoint, chain[:35]) == [(40, "truncated")]
    (problem,) = compare_with_chain(
        checkpoint, chain_length=35, head_hash_at_seq=None, merkle_root_at_seq=None
    )
    assert problem.detail == "the chain has 35 events, the checkpoint covers 40"


def test_a_forger_who_reseals_the_whole_chain_cannot_match_the_checkpoint() -> None:
    chain = make_chain(40)
    checkpoint = checkpoint_of(chain, 30)
    chain[9] = dataclasses.replace(chain[9], details={"rewritten": "history"})
    forged = reseal(chain, first=9)
    assert verify_chain(forged) == []  # the chain alone is consistent again
    assert problems_against(checkpoint, forged) == [
        (30, "checkpoint_head_mismatch"),
        (30, "checkpoint_root_mismatch"),
    ]
    # Nor can the forger sign a fitting checkpoint: without the key it does not verify.
    refitted = checkpoint_of(forged, 30, key=SigningKey.generate())
    assert problems_against(refitted, forged) == [(None, "bad_signature")]


def test_a_rewritten_tail_after_the_checkpoint_is_for_the_next_checkpoint() -> None:
    chain = make_chain(40)
    checkpoint = checkpoint_of(chain, 30)
    chain[34] = dataclasses.replace(chain[34], details={"rewritten": "later"})
    forged = reseal(chain, first=34)
    assert problems_against(checkpoint, forged) == []
    assert problems_against(checkpoint_of(make_chain(40), 40), forged) == [
        (40, "checkpoint_head_mismatch"),
        (40, "checkpoint_root_mismatch"),
    ]


def test_missing_values_are_mismatches_unless_the_chain_is_truncated() -> None:
    checkpoint = checkpoint_of(make_chain(10), 10)
    problems = compare_with_chain(
        checkpoint, chain_length=10, head_hash_at_seq=None, merkle_root_at_seq=None
    )
    assert [(p.kind, p.detail.split(",")[0]) for p in problems] == [
        ("checkpoint_head_mismatch", "the chain has no event here"),
        ("checkpoint_root_mismatch", "events 1–10 have no root"),
    ]


def test_all_checkpoint_problems_are_reported_together() -> None:
    checkpoint = checkpoint_of(make_chain(10), 10)
    problems = check_checkpoint(
        checkpoint,
        SigningKey.generate().public_key_b64(),
        tenant_id="other",
        chain_length=10,
        head_hash_at_seq="0" * 64,
        merkle_root_at_seq=checkpoint.merkle_root,
    )
    assert [p.kind for p in problems] == [
        "wrong_tenant",
        "bad_signature",
        "checkpoint_head_mismatch",
    ]


def test_an_event_is_proven_to_be_in_a_checkpoint() -> None:
    chain = make_chain(37)
    checkpoint = checkpoint_of(chain, 37)
    hashes = [e.hash for e in chain]
    for index in (0, 16, 36):
        proof = inclusion_proof(hashes, index)
        assert verify_inclusion(hashes[index], index, checkpoint.seq, proof, checkpoint.merkle_root)
    forged = reseal([dataclasses.replace(chain[0], device="forged"), *chain[1:]])
    assert not verify_inclusion(
        forged[16].hash,
        16,
        37,
        inclusion_proof([e.hash for e in forged], 16),
        checkpoint.merkle_root,
    )
