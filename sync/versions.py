"""The protocol version check every request passes first."""

from __future__ import annotations

from sync.errors import Code, SyncRefused
from sync.protocol import MIN_SUPPORTED_VERSION, PROTOCOL_VERSION

__all__ = ["check_client"]

_MAX_CLIENT_ID = 200


def check_client(protocol_version: int, client_id: str) -> None:
    """Refuse an unsupported protocol version (``update_required`` for an older client) or a
    malformed client id."""
    if protocol_version < MIN_SUPPORTED_VERSION:
        raise SyncRefused(
            Code.UPDATE_REQUIRED,
            f"protocol {protocol_version} is no longer supported; update the app to "
            f"{MIN_SUPPORTED_VERSION} or later (your outbox is kept)",
        )
    if protocol_version > PROTOCOL_VERSION:
        raise SyncRefused(Code.INVALID, f"this server speaks protocol {PROTOCOL_VERSION} at most")
    if not 0 < len(client_id) <= _MAX_CLIENT_ID:
        raise SyncRefused(Code.INVALID, "client_id must be 1 to 200 characters")
