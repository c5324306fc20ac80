"""The sync messages: what ``POST /sync/pull`` and ``POST /sync/push`` carry (docs/adr/0021).

Requests refuse unknown fields (a typo is an ``invalid`` answer, not a silently ignored edit);
responses may grow fields, which older clients ignore. In ``base``, ``patch`` and conflict values
a missing key and ``null`` are different things: missing means "absent", ``null`` is a value.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import msgspec

from sync.entities import Entity, MutationKind

__all__ = [
    "MAX_BATCH",
    "MAX_LEASE_SECONDS",
    "MAX_PULL_LIMIT",
    "MIN_LEASE_SECONDS",
    "MIN_SUPPORTED_VERSION",
    "PROTOCOL_VERSION",
    "SNAPSHOT_VERSION",
    "Change",
    "ChangeOp",
    "Choice",
    "ConflictRecord",
    "Mutation",
    "MutationResult",
    "Outcome",
    "PullRequest",
    "PullResponse",
    "PushRequest",
    "PushResponse",
    "Resolution",
    "SyncError",
]

# History (one line per bump):
# 1: pull per dossier with cursors, push with a per-client ledger, field merge, leases, views.
# 2: a pull from cursor 0 answers the dossier as it is now (a snapshot, paged with ``snapshots``
#    tokens) instead of replaying its whole feed; version 1 clients still get the feed.
PROTOCOL_VERSION = 2
#: Clients older than this get ``update_required`` (and keep their outbox).
MIN_SUPPORTED_VERSION = 1
#: The first version whose pulls from cursor 0 are answered with a snapshot.
SNAPSHOT_VERSION = 2

MAX_BATCH = 500
"""Most mutations in one push."""
MAX_PULL_LIMIT = 1000
"""Most changes in one pull answer."""
MIN_LEASE_SECONDS = 60
MAX_LEASE_SECONDS = 30 * 24 * 3600


class _Request(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class _Answer(msgspec.Struct, kw_only=True):
    pass


class Choice(StrEnum):
    KEEP_MINE = "keep_mine"
    KEEP_THEIRS = "keep_theirs"
    NEW_VALUE = "new_value"


class Resolution(_Request):
    choice: Choice
    value: Any | msgspec.UnsetType = msgspec.UNSET
    """Only with ``new_value`` (missing: remove the key of a per-key conflict)."""


class Mutation(_Request):
    """One change made on a device. ``id`` counts up by one per client, from 1."""

    id: int
    kind: MutationKind
    entity: Entity
    entity_id: str
    customer_id: str | None = None
    """The dossier: required to create (an address, contact, document, version or assignment)."""
    base: dict[str, Any] = msgspec.field(default_factory=dict)
    """The values the change was made on: every patched field (update; a field missing here was
    absent on the device), every field the device knew (delete)."""
    patch: dict[str, Any] = msgspec.field(default_factory=dict)
    """The new values (update), or all fields (create)."""
    device_time: dt.datetime | None = None
    """When it happened on the device; kept for the record, never used to order anything."""
    blob_sha256: str | None = None
    """The content of a new document or version, uploaded before through ``/sync/blobs``."""
    resolution: Resolution | None = None
    lease_seconds: int | None = None
    """How long a check-out or renew lasts."""


class PushRequest(_Request):
    client_id: str
    protocol_version: int
    mutations: list[Mutation]


class Outcome(StrEnum):
    APPLIED = "applied"
    """Applied as sent: nobody changed the fields since the base."""
    MERGED = "merged"
    """Applied together with changes made meanwhile on the server (or already the same there)."""
    CONFLICT = "conflict"
    """At least one field was changed differently on the server; the server value stays and a
    conflict record keeps mine. Fields without conflict were applied."""
    DUPLICATE = "duplicate"
    """Seen before (the id is not above the client's last applied one): not applied again."""
    REJECTED = "rejected"
    """Not applied; see ``code`` and ``retry``."""


class ConflictRecord(_Answer):
    """The same field changed to different values on both sides. ``field`` ``*`` is the whole
    entity (one side deleted it); ``key`` names the key of a per-key field (``index_values``)."""

    id: str
    customer_id: str
    entity: Entity
    entity_id: str
    field: str
    by: str
    """The user whose value lost (``mine``)."""
    by_name: str
    device: str
    at: dt.datetime
    """Server time of the push that found the conflict."""
    key: str | None = None
    base: Any | msgspec.UnsetType = msgspec.UNSET
    mine: Any | msgspec.UnsetType = msgspec.UNSET
    theirs: Any | msgspec.UnsetType = msgspec.UNSET
    device_time: dt.datetime | None = None
    resolution: Resolution | None = None
    resolved_by: str | None = None
    resolved_at: dt.datetime | None = None


class MutationResult(_Answer):
    id: int
    outcome: Outcome
    code: str | None = None
    message: str | None = None
    retry: bool = False
    """Rejected for now: keep the mutation and send it again (after the blob upload, in order)."""
    conflicts: list[ConflictRecord] = msgspec.field(default_factory=list)
    revision: int | None = None
    """The entity's server revision after this mutation."""


class PushResponse(_Answer):
    results: list[MutationResult]


class PullRequest(_Request):
    client_id: str
    protocol_version: int
    cursors: dict[str, int]
    """Per dossier (customer id): the last change seen; 0 for everything."""
    limit: int = 500
    snapshots: dict[str, str] = msgspec.field(default_factory=dict)
    """Per dossier whose snapshot is under way (its cursor is 0): the token the last answer gave,
    to get the next page of the snapshot (protocol 2)."""


class ChangeOp(StrEnum):
    PUT = "put"
    """The entity's whole current state."""
    DELETE = "delete"
    EVICT = "evict"
    """Drop it from the device: access was lost (entity ``customer``: the whole dossier) or this
    device's lease on the dossier ended."""


class Change(_Answer):
    op: ChangeOp
    entity: Entity
    entity_id: str
    seq: int
    revision: int = 0
    fields: dict[str, Any] | None = None


class PullResponse(_Answer):
    """A pull from cursor 0 by a protocol 2 client answers the dossier as it is now: one ``put``
    per entity that exists (no deletes, no history), in pages; while more pages wait, the dossier's
    cursor stays 0 and ``snapshots`` carries the token for the next page. The last page gives the
    cursor the snapshot was read at, and the feed goes on from there, so whatever changed while the
    snapshot was read arrives as changes. A client starting a snapshot (cursor 0, no token) drops
    what it holds of that dossier first: the snapshot is all of it."""

    changes: dict[str, list[Change]]
    """Per dossier, in server order."""
    cursors: dict[str, int]
    """The cursor to send next time, per dossier; an evicted dossier is not in it."""
    has_more: bool = False
    snapshots: dict[str, str] = msgspec.field(default_factory=dict)
    """Per dossier whose snapshot continues: the token to send back (with cursor 0)."""


class SyncError(_Answer):
    """A refused request (HTTP 4xx body)."""

    code: str
    message: str
    protocol_version: int = PROTOCOL_VERSION
    min_supported_version: int = MIN_SUPPORTED_VERSION
