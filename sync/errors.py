"""Stable codes of sync answers, and the two exceptions of the engine.

    SyncRefused          a whole request is refused (update_required, invalid); nothing happened
    MutationRejected     a store refuses one mutation's values before writing anything

A rejected mutation is *final* (the ledger moves past it and the client drops it, showing the
error) unless its code is in :data:`RETRY_CODES`: then the ledger stays where it was, the rest of
the batch is answered ``blocked``, and the client keeps the mutation and sends it again later.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["RETRY_CODES", "Code", "MutationRejected", "SyncRefused"]


class Code(StrEnum):
    UPDATE_REQUIRED = "update_required"
    """The client speaks a protocol older than the server's minimum: update, keep the outbox."""
    INVALID = "invalid"
    """Malformed request or mutation: unknown field, wrong kind for the entity, bad value."""
    FORBIDDEN = "forbidden"
    """The access decision said no, now."""
    UNKNOWN_ENTITY = "unknown_entity"
    """The mutation names an entity the server does not have (or the user may not see)."""
    GONE = "gone"
    """The entity was deleted and cannot come back under the same id."""
    MISSING_BLOB = "missing_blob"
    """The blob the mutation refers to is not (yet) completely uploaded. Retry after the upload."""
    OUT_OF_ORDER = "out_of_order"
    """The mutation id is not the next one the server expects from this client. Retry in order."""
    BLOCKED = "blocked"
    """An earlier mutation of the batch was not applied, so this one was not tried. Retry."""
    NO_LEASE = "no_lease"
    """A renew or check-in without an open lease of this user and device."""
    ALREADY_RESOLVED = "already_resolved"
    """The conflict record was resolved before (by another device or person)."""


#: Codes after which the client keeps the mutation and sends it again.
RETRY_CODES = frozenset({Code.MISSING_BLOB, Code.OUT_OF_ORDER, Code.BLOCKED})


class SyncRefused(Exception):
    """The whole request is refused; nothing was read or written."""

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class MutationRejected(Exception):
    """Raised by a store (before it writes anything) when a mutation's values are not acceptable,
    e.g. an index value of the wrong type, or a delete under retention. The engine answers the
    mutation ``rejected`` with ``code``: one of :class:`Code` or the backend's own stable code
    (``retention_active``, ``legal_hold`` …)."""

    def __init__(self, code: Code | str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
