"""Signed checkpoints: an Ed25519 signature over a tenant's chain head and Merkle root.

A checkpoint says "the chain of tenant T had ``seq`` events, the last with hash H, and events 1..seq
have the Merkle root R" (:mod:`backend.audit.merkle`). Whoever rewrites rows and re-hashes the
whole chain gets a chain that verifies on its own, but without the private key cannot sign a
checkpoint for it; and a checkpoint kept elsewhere reveals a cut-off tail (``truncated``).

Signed bytes — a compatibility contract, like the event encoding::

    b"dossier-audit-checkpoint-v1\\n" + UTF-8 of the JSON object
    {"head_hash":…,"key_id":…,"merkle_root":…,"seq":…,"signed_at":…,"tenant_id":…}

in the canonical form of :mod:`backend.audit.events` (sorted keys, no whitespace, literal UTF-8,
``signed_at`` as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``). ``key_id`` is the first 16 hex digits of
SHA-256 of the raw 32-byte public key; the signature is base64url without padding. Seeds and
public keys are 32 raw bytes, also base64url without padding (43 characters).

The export file (:func:`checkpoint_to_json`) is a small JSON object with
``"format": "dossier-audit-checkpoint/1"``, the checkpoint's fields and the public key. The key in
the file only *names* the signer: trust comes from comparing it with the key the verifier was
configured with, which is why every verifying function takes the trusted public key separately.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from backend.audit.events import ChainProblem, format_utc, parse_utc

__all__ = [
    "CHECKPOINT_FORMAT",
    "SIGNATURE_CONTEXT",
    "Checkpoint",
    "SigningKey",
    "check_checkpoint",
    "checkpoint_from_json",
    "checkpoint_to_json",
    "compare_with_chain",
    "key_id_of",
    "sign_checkpoint",
    "verify_checkpoint_signature",
]

CHECKPOINT_FORMAT = "dossier-audit-checkpoint/1"
#: Prefixed to the signed bytes so that a checkpoint signature is never valid for anything else.
SIGNATURE_CONTEXT = b"dossier-audit-checkpoint-v1\n"

_HASH = re.compile(r"[0-9a-f]{64}")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_MAX_FILE_CHARS = 16_384


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: object, size: int, what: str) -> bytes:
    """Exactly ``size`` bytes from canonical unpadded base64url, else ``ValueError``."""
    length = (size * 4 + 2) // 3
    if not isinstance(text, str) or len(text) != length or not _B64URL.fullmatch(text):
        raise ValueError(f"{what} must be {length} characters of base64url without padding")
    raw = base64.urlsafe_b64decode(text + "=" * (-length % 4))
    if _b64encode(raw) != text:  # unused trailing bits set: a second spelling of the same bytes
        raise ValueError(f"{what} is not canonical base64url")
    return raw


def _key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


def key_id_of(public_key_b64: str) -> str:
    """The key id of a public key (first 16 hex digits of SHA-256 of its raw bytes)."""
    return _key_id(_b64decode(public_key_b64, 32, "the public key"))


class SigningKey:
    """An Ed25519 private key for checkpoints. Its ``repr`` shows the key id, never the seed."""

    __slots__ = ("_private", "_public_raw", "key_id")

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self._public_raw = private.public_key().public_bytes_raw()
        self.key_id: str = _key_id(self._public_raw)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed_b64(cls, text: str) -> SigningKey:
        """The key of a 32-byte seed in unpadded base64url; surrounding whitespace is ignored.
        A malformed seed raises ``ValueError`` (whose message never contains the seed)."""
        if not isinstance(text, str):
            raise ValueError(f"the audit signing key must be text, got {type(text).__name__}")
        seed = _b64decode(text.strip(), 32, "the audit signing key (an Ed25519 seed)")
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    def seed_b64(self) -> str:
        """The secret seed, for the settings or a key file."""
        return _b64encode(self._private.private_bytes_raw())

    def public_key_b64(self) -> str:
        return _b64encode(self._public_raw)

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data)

    def __repr__(self) -> str:
        return f"SigningKey(key_id={self.key_id!r})"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement about the first ``seq`` events of a tenant's chain."""

    tenant_id: str
    seq: int
    """How many events the checkpoint covers (0: the empty chain)."""
    head_hash: str
    """The hash of event ``seq`` (:data:`~backend.audit.events.GENESIS_HASH` for ``seq == 0``)."""
    merkle_root: str
    """The Merkle root over the hashes of events 1..seq."""
    signed_at: datetime
    key_id: str
    signature: str
    """Ed25519 over :data:`SIGNATURE_CONTEXT` and the other fields, base64url."""


def _check_fields(tenant_id: object, seq: object, head_hash: object, merkle_root: object) -> None:
    if not isinstance(tenant_id, str) or not tenant_id:
        raise ValueError("tenant_id must be a non-empty string")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise ValueError(f"seq must be an integer >= 0, got {seq!r}")
    for name, value in (("head_hash", head_hash), ("merkle_root", merkle_root)):
        if not isinstance(value, str) or not _HASH.fullmatch(value):
            raise ValueError(f"{name} must be 64 lowercase hex digits, got {value!r}")


def _signed_bytes(
    tenant_id: str, seq: int, head_hash: str, merkle_root: str, signed_at: datetime, key_id: str
) -> bytes:
    document = {
        "head_hash": head_hash,
        "key_id": key_id,
        "merkle_root": merkle_root,
        "seq": seq,
        "signed_at": format_utc(signed_at),
        "tenant_id": tenant_id,
    }
    return SIGNATURE_CONTEXT + _ENCODER.encode(document).encode("utf-8")


def sign_checkpoint(
    key: SigningKey,
    tenant_id: str,
    seq: int,
    head_hash: str,
    merkle_root: str,
    signed_at: datetime,
) -> Checkpoint:
    """Sign the statement; ``ValueError`` for malformed fields or a naive ``signed_at``."""
    _check_fields(tenant_id, seq, head_hash, merkle_root)
    signed_at = parse_utc(format_utc(signed_at))  # in UTC, as it will read back from a file
    payload = _signed_bytes(tenant_id, seq, head_hash, merkle_root, signed_at, key.key_id)
    signature = _b64encode(key.sign(payload))
    return Checkpoint(tenant_id, seq, head_hash, merkle_root, signed_at, key.key_id, signature)


def verify_checkpoint_signature(checkpoint: Checkpoint, public_key_b64: str) -> bool:
    """Whether ``checkpoint`` was signed by the key ``public_key_b64`` (which the caller
    trusts); a key id that does not belong to that key is a failure too. Never raises."""
    try:
        public_raw = _b64decode(public_key_b64, 32, "the public key")
        signature = _b64decode(checkpoint.signature, 64, "the signature")
        payload = _signed_bytes(
            checkpoint.tenant_id,
            checkpoint.seq,
            checkpoint.head_hash,
            checkpoint.merkle_root,
            checkpoint.signed_at,
            checkpoint.key_id,
        )
        if checkpoint.key_id != _key_id(public_raw):
            return False
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, payload)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def checkpoint_to_json(checkpoint: Checkpoint, public_key_b64: str) -> str:
    """The export file's text (ends with a newline)."""
    document = {
        "format": CHECKPOINT_FORMAT,
        "tenant_id": checkpoint.tenant_id,
        "seq": checkpoint.seq,
        "head_hash": checkpoint.head_hash,
        "merkle_root": checkpoint.merkle_root,
        "signed_at": format_utc(checkpoint.signed_at),
        "key_id": checkpoint.key_id,
        "public_key": public_key_b64,
        "signature": checkpoint.signature,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_FILE_FIELDS = frozenset(
    {"format", "tenant_id", "seq", "head_hash", "merkle_root", "signed_at", "key_id"}
    | {"public_key", "signature"}
)


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for name, value in pairs:
        if name in document:
            raise ValueError(f"the field {name!r} appears twice")
        document[name] = value
    return document


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a checkpoint file")


def checkpoint_from_json(text: str) -> tuple[Checkpoint, str]:
    """The checkpoint and public key of an export file, strictly checked: exactly the expected
    fields, each of the right type and form, and a key id that belongs to the public key.
    Anything else raises ``ValueError`` naming the problem. The signature is *not* checked
    here: call :func:`verify_checkpoint_signature` with the key you trust."""
    if not isinstance(text, str):
        raise ValueError(f"a checkpoint file is text, got {type(text).__name__}")
    if len(text) > _MAX_FILE_CHARS:
        raise ValueError(f"a checkpoint file has at most {_MAX_FILE_CHARS} characters")
    try:
        document = json.loads(
            text, object_pairs_hook=_object_without_duplicates, parse_constant=_refuse_constant
        )
    except json.JSONDecodeError as exc:
        raise ValueError(f"not a checkpoint file: invalid JSON ({exc})") from None
    if not isinstance(document, dict):
        raise ValueError("not a checkpoint file: expected a JSON object")
    if document.get("format") != CHECKPOINT_FORMAT:
        found = document.get("format")
        raise ValueError(f"not a checkpoint file: format is {found!r}, not {CHECKPOINT_FORMAT!r}")
    if missing := sorted(_FILE_FIELDS - document.keys()):
        raise ValueError(f"the checkpoint file lacks {', '.join(missing)}")
    if unknown := sorted(document.keys() - _FILE_FIELDS):
        raise ValueError(f"the checkpoint file has unknown fields: {', '.join(unknown)}")
    tenant_id, seq = document["tenant_id"], document["seq"]
    head_hash, merkle_root = document["head_hash"], document["merkle_root"]
    _check_fields(tenant_id, seq, head_hash, merkle_root)
    signed_at = parse_utc(document["signed_at"])
    key_id, public_key = document["key_id"], document["public_key"]
    if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
        raise ValueError(f"key_id must be 16 lowercase hex digits, got {key_id!r}")
    if key_id != key_id_of(public_key):
        raise ValueError("key_id does not belong to public_key")
    _b64decode(document["signature"], 64, "the signature")
    checkpoint = Checkpoint(
        tenant_id, seq, head_hash, merkle_root, signed_at, key_id, document["signature"]
    )
    return checkpoint, public_key


def compare_with_chain(
    checkpoint: Checkpoint,
    *,
    chain_length: int,
    head_hash_at_seq: str | None,
    merkle_root_at_seq: str | None,
) -> list[ChainProblem]:
    """What the chain as it is now says against ``checkpoint`` (whose signature the caller
    checks, or use :func:`check_checkpoint`).

    ``chain_length`` is the highest sequence number of the chain; ``head_hash_at_seq`` and
    ``merkle_root_at_seq`` are the stored hash of event ``checkpoint.seq`` and the Merkle root
    over events 1..seq, computed from the chain. ``None`` means the chain has no such value
    (the event is missing): that is a mismatch, unless the chain is ``truncated`` anyway."""
    if chain_length < checkpoint.seq:
        detail = f"the chain has {chain_length} events, the checkpoint covers {checkpoint.seq}"
        return [ChainProblem(checkpoint.seq, "truncated", detail)]
    problems = []
    if head_hash_at_seq != checkpoint.head_hash:
        found = "no event" if head_hash_at_seq is None else f"hash {head_hash_at_seq}"
        detail = f"the chain has {found} here, the checkpoint signed {checkpoint.head_hash}"
        problems.append(ChainProblem(checkpoint.seq, "checkpoint_head_mismatch", detail))
    if merkle_root_at_seq != checkpoint.merkle_root:
        found = "no root" if merkle_root_at_seq is None else f"root {merkle_root_at_seq}"
        detail = (
            f"events 1–{checkpoint.seq} have {found}, "
            f"the checkpoint signed {checkpoint.merkle_root}"
        )
        problems.append(ChainProblem(checkpoint.seq, "checkpoint_root_mismatch", detail))
    return problems


def check_checkpoint(
    checkpoint: Checkpoint,
    public_key_b64: str,
    *,
    chain_length: int,
    head_hash_at_seq: str | None,
    merkle_root_at_seq: str | None,
    tenant_id: str | None = None,
) -> list[ChainProblem]:
    """:func:`compare_with_chain`, plus ``bad_signature`` if ``checkpoint`` does not verify with
    the trusted ``public_key_b64``, plus ``wrong_tenant`` if it is not about ``tenant_id``
    (when given). All problems are reported, not just the first."""
    problems = []
    if tenant_id is not None and checkpoint.tenant_id != tenant_id:
        detail = f"the checkpoint is about tenant {checkpoint.tenant_id!r}, not {tenant_id!r}"
        problems.append(ChainProblem(None, "wrong_tenant", detail))
    if not verify_checkpoint_signature(checkpoint, public_key_b64):
        detail = f"the signature does not verify with the trusted key {_describe(public_key_b64)}"
        problems.append(ChainProblem(None, "bad_signature", detail))
    return problems + compare_with_chain(
        checkpoint,
        chain_length=chain_length,
        head_hash_at_seq=head_hash_at_seq,
        merkle_root_at_seq=merkle_root_at_seq,
    )


def _describe(public_key_b64: str) -> str:
    try:
        return f"(key id {key_id_of(public_key_b64)})"
    except ValueError:
        return "(which is malformed)"
