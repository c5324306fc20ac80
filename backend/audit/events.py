"""Audit events and the per-tenant hash chain that makes them tamper-evident.

Every audited action of a tenant becomes one :class:`AuditEvent`. A tenant's events are numbered
``seq = 1, 2, 3, …`` without gaps, and each names its predecessor's hash in ``prev_hash`` (event 1
names :data:`GENESIS_HASH`). Changing, deleting, duplicating or reordering stored events therefore
shows where it happened, and :func:`verify_chain` finds every such place in one pass. Cutting off
the tail leaves a valid, shorter chain: only a signed checkpoint
(:mod:`backend.audit.checkpoints`) reveals that.

Canonical encoding — a compatibility contract: changing it breaks every existing chain
--------------------------------------------------------------------------------------
``hash = sha256(canonical_bytes(...)).hexdigest()`` (64 lowercase hex digits). The canonical bytes
are the UTF-8 encoding of one JSON object holding the ten fields other than ``hash``::

    {"action":…,"actor_id":…,"details":{…},"device":…,"occurred_at":…,"prev_hash":…,"seq":…,
     "target_id":…,"target_type":…,"tenant_id":…}

- Object members are sorted by key in code point order, at every depth (this is *not* RFC 8785,
  which sorts by UTF-16 code units and formats numbers differently).
- No whitespace: the separators are exactly ``,`` and ``:``.
- Strings are written as Python's :func:`json.dumps` writes them with ``ensure_ascii=False``: ``"``,
  ``\\`` and the control characters U+0000–U+001F are escaped (``\\n``, ``\\t`` … where a short
  escape exists, ``\\u00XX`` otherwise); every other character is literal UTF-8. Strings are hashed
  as given, without Unicode normalisation; lone surrogates are refused.
- ``occurred_at`` is converted to UTC and written ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (always six
  fraction digits); naive datetimes are refused.
- ``actor_id`` is a string or ``null``; ``seq`` is an integer ≥ 1 in decimal; ``prev_hash`` is
  64 lowercase hex digits.
- ``details`` is an object with string keys whose values are ``null``, ``true``/``false``,
  integers (decimal, any size), floats (Python ``repr``: shortest round-trip, e.g. ``1.0``,
  ``1e+100``, ``-0.0``), strings, arrays (list or tuple) and objects, nested at most
  :data:`MAX_DETAILS_DEPTH` deep. NaN, infinities and every other type are refused. Subclasses
  of ``str``/``int``/``float`` (enums) are written as their plain value.

Everything refused raises :class:`ValueError` saying what and where. Store ``details`` as the JSON
text that was hashed (not as PostgreSQL ``jsonb``, which rewrites numbers such as ``1e+100``).

Problem codes of :class:`ChainProblem` (stable; ``dossier verify`` prints them):

- ``hash_mismatch``: the event's content no longer hashes to its ``hash`` (a changed row).
- ``broken_link``: ``prev_hash`` is not the hash of event ``seq - 1`` (a replaced row).
- ``missing_events``: sequence numbers never seen (deleted rows); ``seq`` is the first missing.
- ``out_of_order``: events that arrived after a later one (reordered rows).
- ``duplicate_seq``: a sequence number seen more than once.
- ``wrong_tenant``: an event of another tenant inside this tenant's chain.
- ``truncated``: the chain is shorter than a signed checkpoint says (cut-off tail).
- ``checkpoint_head_mismatch``: event ``seq`` is not the one the checkpoint signed.
- ``checkpoint_root_mismatch``: events 1..seq lack the Merkle root the checkpoint signed.
- ``bad_signature``: the checkpoint's signature does not verify with the trusted key.

The last four come from :mod:`backend.audit.checkpoints`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, TypeAlias

import msgspec

__all__ = [
    "GENESIS_HASH",
    "MAX_DETAILS_DEPTH",
    "AuditEvent",
    "ChainProblem",
    "EventDraft",
    "HashParts",
    "JSONValue",
    "ProblemKind",
    "canonical_bytes",
    "event_hash",
    "format_utc",
    "parse_utc",
    "plain_details",
    "seal",
    "seal_run",
]

#: The ``prev_hash`` of every tenant's first event.
GENESIS_HASH = "0" * 64
#: How deeply ``details`` may nest (objects and arrays); deeper is refused.
MAX_DETAILS_DEPTH = 32

JSONValue: TypeAlias = (
    "str | int | float | bool | Sequence[JSONValue] | Mapping[str, JSONValue] | None"
)
ProblemKind: TypeAlias = Literal[
    "hash_mismatch",
    "broken_link",
    "missing_events",
    "out_of_order",
    "duplicate_seq",
    "wrong_tenant",
    "truncated",
    "checkpoint_head_mismatch",
    "checkpoint_root_mismatch",
    "bad_signature",
]

_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
#: Writes what ``_ENCODER`` writes for every plain value but a float (its floats lack Python's
#: ``e+``/``e-0`` exponent forms), in a tenth of the time; used only for details without floats.
_FLOATLESS_ENCODER = msgspec.json.Encoder(order="sorted")
#: How ``_ENCODER`` writes a string (``ensure_ascii=False``), for the members written by hand.
_string = json.encoder.encode_basestring
_HASH = re.compile(r"[0-9a-f]{64}")
_UTC_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One line of the audit trail, as sealed (:func:`seal`) or as loaded from storage.

    The constructor checks nothing, so that a tampered row can still be loaded and reported;
    :func:`seal` validates. ``details`` is not part of ``hash()`` (dicts are unhashable)."""

    tenant_id: str
    seq: int
    occurred_at: datetime
    actor_id: str | None
    device: str
    action: str
    target_type: str
    target_id: str
    details: Mapping[str, JSONValue] = field(hash=False)
    prev_hash: str
    hash: str

    def computed_hash(self) -> str:
        """The hash this event's content has now; ``ValueError`` if it cannot be encoded."""
        return event_hash(
            tenant_id=self.tenant_id,
            seq=self.seq,
            occurred_at=self.occurred_at,
            actor_id=self.actor_id,
            device=self.device,
            action=self.action,
            target_type=self.target_type,
            target_id=self.target_id,
            details=self.details,
            prev_hash=self.prev_hash,
        )


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """One discrepancy; ``seq`` is the event concerned, or ``None`` for the chain as a whole."""

    seq: int | None
    kind: ProblemKind
    detail: str

    def __str__(self) -> str:
        where = "chain" if self.seq is None else f"event {self.seq}"
        return f"{where}: {self.kind}: {self.detail}"


def format_utc(moment: datetime) -> str:
    """``moment`` in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``; naive datetimes are refused."""
    if not isinstance(moment, datetime):
        raise ValueError(f"expected a datetime, got {type(moment).__name__}")
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("audit times must be timezone-aware (UTC); got a naive datetime")
    if not offset:  # already UTC: isoformat() ends in "+00:00" (the fast path when verifying)
        return moment.isoformat(timespec="microseconds")[:-6] + "Z"
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_utc(text: str) -> datetime:
    """The inverse of :func:`format_utc`; anything but that exact form is refused."""
    if not isinstance(text, str) or not _UTC_TEXT.fullmatch(text):
        raise ValueError(f"expected a UTC time like 2024-01-31T12:00:00.000000Z, got {text!r}")
    try:
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"not a valid time: {text!r}") from None


def _text(name: str, value: object) -> str:
    if type(value) is str:
        return value
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    return str.__str__(value)  # a plain str, also for str-based enums


# Types written as they are; checked with ``type(x) in`` first because verifying a million events
# spends much of its time here.
_PLAIN = frozenset({str, int, bool, type(None)})


def _json(value: object, path: str, depth: int, floats: list[float] | None = None) -> JSONValue:
    """A plain copy of ``value`` (dict, list, str, int, float, bool, None) or ``ValueError``;
    the floats met are added to ``floats`` if given."""
    if type(value) in _PLAIN or value is True or value is False:
        return value  # type: ignore[return-value]  # one of the plain JSON scalars
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{path} is {value!r}; NaN and infinities are not JSON")
        if floats is not None:
            floats.append(value)
        return float(value)
    if depth >= MAX_DETAILS_DEPTH:
        raise ValueError(f"{path} nests deeper than {MAX_DETAILS_DEPTH} levels")
    if type(value) is dict or isinstance(value, Mapping):
        copy: dict[str, JSONValue] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{path} has the key {key!r}; JSON object keys must be strings")
            plain_key = key if type(key) is str else str.__str__(key)
            if type(item) in _PLAIN:
                copy[plain_key] = item
            else:
                copy[plain_key] = _json(item, f"{path}.{key}", depth + 1, floats)
        return copy
    if type(value) is list or isinstance(value, list | tuple):
        return [
            item if type(item) in _PLAIN else _json(item, f"{path}[{i}]", depth + 1, floats)
            for i, item in enumerate(value)
        ]
    raise ValueError(
        f"{path} is a {type(value).__name__}; details hold only str, int, float, bool, None, "
        "lists and dicts"
    )


def _details(details: object, floats: list[float] | None = None) -> dict[str, JSONValue]:
    if not isinstance(details, Mapping):
        raise ValueError(f"details must be a mapping, got {type(details).__name__}")
    copy = _json(details, "details", 0, floats)
    assert isinstance(copy, dict)
    return copy


def canonical_bytes(
    *,
    tenant_id: str,
    seq: int,
    occurred_at: datetime,
    actor_id: str | None,
    device: str,
    action: str,
    target_type: str,
    target_id: str,
    details: Mapping[str, JSONValue],
    prev_hash: str,
) -> bytes:
    """The bytes an event's hash is taken over (format in the module docstring)."""
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise ValueError(f"seq must be an integer >= 1, got {seq!r}")
    if not isinstance(prev_hash, str) or not _HASH.fullmatch(prev_hash):
        raise ValueError(f"prev_hash must be 64 lowercase hex digits, got {prev_hash!r}")
    text = _canonical_text(
        tenant_id=tenant_id,
        seq=seq,
        occurred_at=occurred_at,
        actor_id=actor_id,
        device=device,
        action=action,
        target_type=target_type,
        target_id=target_id,
        plain_details=_details(details),
        prev_hash=prev_hash,
    )
    return _utf8(text)


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("the event contains a lone surrogate, which UTF-8 cannot encode") from None


def _canonical_text(
    *,
    tenant_id: str,
    seq: int,
    occurred_at: datetime,
    actor_id: str | None,
    device: str,
    action: str,
    target_type: str,
    target_id: str,
    plain_details: dict[str, JSONValue],
    prev_hash: str,
) -> str:
    """The canonical JSON text; ``plain_details`` already checked and copied by
    :func:`_details`, ``seq`` and ``prev_hash`` already checked."""
    document = {
        "action": _text("action", action),
        "actor_id": None if actor_id is None else _text("actor_id", actor_id),
        "details": plain_details,
        "device": _text("device", device),
        "occurred_at": format_utc(occurred_at),
        "prev_hash": str.__str__(prev_hash),
        "seq": int(seq),
        "target_id": _text("target_id", target_id),
        "target_type": _text("target_type", target_type),
        "tenant_id": _text("tenant_id", tenant_id),
    }
    return _ENCODER.encode(document)


def event_hash(
    *,
    tenant_id: str,
    seq: int,
    occurred_at: datetime,
    actor_id: str | None,
    device: str,
    action: str,
    target_type: str,
    target_id: str,
    details: Mapping[str, JSONValue],
    prev_hash: str,
) -> str:
    """SHA-256 (lowercase hex) of :func:`canonical_bytes`."""
    return hashlib.sha256(
        canonical_bytes(
            tenant_id=tenant_id,
            seq=seq,
            occurred_at=occurred_at,
            actor_id=actor_id,
            device=device,
            action=action,
            target_type=target_type,
            target_id=target_id,
            details=details,
            prev_hash=prev_hash,
        )
    ).hexdigest()


@dataclass(frozen=True, slots=True)
class EventDraft:
    """An event before the chain numbers it: everything but ``seq``, ``prev_hash`` and ``hash``.

    ``details_text``, when given, is the canonical text of ``details`` (made together with the
    plain copy by :func:`plain_details`); sealing then writes it instead of encoding again."""

    tenant_id: str
    occurred_at: datetime
    actor_id: str | None
    device: str
    action: str
    target_type: str
    target_id: str
    details: Mapping[str, JSONValue]
    details_text: str | None = field(default=None, repr=False, compare=False)

    def _fields(self) -> dict[str, object]:
        return {
            "tenant_id": self.tenant_id,
            "occurred_at": self.occurred_at,
            "actor_id": self.actor_id,
            "device": self.device,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "details": self.details,
        }

    def seal(self, seq: int, prev_hash: str) -> AuditEvent:
        return seal(seq=seq, prev_hash=prev_hash, **self._fields())  # type: ignore[arg-type]

    def hash_parts(self) -> HashParts:
        """:class:`HashParts` of this event (refuses what :func:`seal` refuses)."""
        _check_names(self)
        prefix, suffix = _around_chain_fields(self, self._details_text())
        return HashParts(prefix=prefix, middle=_SEAM_MIDDLE, suffix=suffix)

    def _details_text(self) -> str:
        if self.details_text is not None:
            return self.details_text
        return _ENCODER.encode(_details(self.details))


@dataclass(frozen=True, slots=True)
class HashParts:
    """An event's canonical bytes around its two chain fields, so that whoever holds the head
    (the database, in one statement) can finish the hash:
    ``sha256(prefix + prev_hash + middle + str(seq) + suffix)`` equals :func:`event_hash`."""

    prefix: bytes
    middle: str
    suffix: bytes

    def digest(self, prev_hash: str, seq: int) -> str:
        return hashlib.sha256(
            self.prefix + f"{prev_hash}{self.middle}{seq}".encode() + self.suffix
        ).hexdigest()


_SEAM_MIDDLE = '","seq":'


def seal(
    *,
    tenant_id: str,
    seq: int,
    occurred_at: datetime,
    actor_id: str | None,
    device: str,
    action: str,
    target_type: str,
    target_id: str,
    details: Mapping[str, JSONValue],
    prev_hash: str,
) -> AuditEvent:
    """A new event with its hash. ``tenant_id``, ``device`` and ``action`` must not be empty.

    The event holds a plain deep copy of ``details`` and ``occurred_at`` in UTC, so what is stored
    is exactly what was hashed; anything the encoding refuses raises ``ValueError``."""
    for name, value in (("tenant_id", tenant_id), ("device", device), ("action", action)):
        if _text(name, value) == "":
            raise ValueError(f"{name} must not be empty")
    format_utc(occurred_at)  # refuses a naive datetime before astimezone() below assumes a zone
    plain = _details(details)
    digest = event_hash(
        tenant_id=tenant_id,
        seq=seq,
        occurred_at=occurred_at,
        actor_id=actor_id,
        device=device,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=plain,
        prev_hash=prev_hash,
    )
    return AuditEvent(
        tenant_id=str.__str__(tenant_id),
        seq=int(seq),
        occurred_at=occurred_at.astimezone(UTC),
        actor_id=None if actor_id is None else str.__str__(actor_id),
        device=str.__str__(device),
        action=str.__str__(action),
        target_type=str.__str__(target_type),
        target_id=str.__str__(target_id),
        details=plain,
        prev_hash=prev_hash,
        hash=digest,
    )


def plain_details(details: object) -> tuple[dict[str, JSONValue], str]:
    """A plain copy of ``details`` and its canonical text, as an event hashes and stores them;
    ``ValueError`` for what :func:`seal` refuses."""
    floats: list[float] = []
    plain = _details(details, floats)
    if not floats:
        try:
            return plain, _FLOATLESS_ENCODER.encode(plain).decode()
        except (ValueError, OverflowError, msgspec.EncodeError):
            pass  # a lone surrogate, say: refused below as it always was
    return plain, _ENCODER.encode(plain)


def _check_names(draft: EventDraft) -> None:
    for name, value in (
        ("tenant_id", draft.tenant_id),
        ("device", draft.device),
        ("action", draft.action),
    ):
        if _text(name, value) == "":
            raise ValueError(f"{name} must not be empty")


def _around_chain_fields(draft: EventDraft, details_text: str) -> tuple[bytes, bytes]:
    """The canonical bytes of ``draft`` before ``prev_hash``'s value and after ``seq``'s.

    The members are written in their sorted order (``action`` … ``tenant_id``) as the encoder
    writes them: strings by the same function it uses, ``details`` as its canonical text. A test
    holds this to :func:`canonical_bytes` on random events."""
    actor_id = draft.actor_id
    actor = "null" if actor_id is None else _string(_text("actor_id", actor_id))
    head = (
        f'{{"action":{_string(_text("action", draft.action))},"actor_id":{actor},'
        f'"details":{details_text},"device":{_string(_text("device", draft.device))},'
        f'"occurred_at":"{format_utc(draft.occurred_at)}","prev_hash":"'
    )
    tail = (
        f',"target_id":{_string(_text("target_id", draft.target_id))},'
        f'"target_type":{_string(_text("target_type", draft.target_type))},'
        f'"tenant_id":{_string(_text("tenant_id", draft.tenant_id))}}}'
    )
    return _utf8(head), _utf8(tail)


def seal_run(drafts: Sequence[EventDraft], last_seq: int, head_hash: str) -> list[AuditEvent]:
    """``drafts`` sealed in order as the events after ``last_seq`` (whose hash is
    ``head_hash``): exactly the events :meth:`EventDraft.seal` makes one by one, with the same
    checks, but each event's canonical bytes are made once around its two chain fields
    (a draft's ``details_text`` is used as it is), and only those are filled in along the
    chain."""
    if not isinstance(last_seq, int) or isinstance(last_seq, bool) or last_seq < 0:
        raise ValueError(f"last_seq must be an integer >= 0, got {last_seq!r}")
    if not isinstance(head_hash, str) or not _HASH.fullmatch(head_hash):
        raise ValueError(f"head_hash must be 64 lowercase hex digits, got {head_hash!r}")
    events: list[AuditEvent] = []
    seq = last_seq
    prev_hash = str.__str__(head_hash)
    sha256 = hashlib.sha256
    for draft in drafts:
        seq += 1
        _check_names(draft)
        plain: Mapping[str, JSONValue]
        if draft.details_text is None:
            plain, text = plain_details(draft.details)
        else:
            plain, text = draft.details, draft.details_text
        prefix, suffix = _around_chain_fields(draft, text)
        digest = sha256(prefix + f"{prev_hash}{_SEAM_MIDDLE}{seq}".encode() + suffix).hexdigest()
        actor_id = draft.actor_id
        events.append(
            AuditEvent(
                tenant_id=str.__str__(draft.tenant_id),
                seq=seq,
                occurred_at=draft.occurred_at.astimezone(UTC),
                actor_id=None if actor_id is None else str.__str__(actor_id),
                device=str.__str__(draft.device),
                action=str.__str__(draft.action),
                target_type=str.__str__(draft.target_type),
                target_id=str.__str__(draft.target_id),
                details=plain,
                prev_hash=prev_hash,
                hash=digest,
            )
        )
        prev_hash = digest
    return events
