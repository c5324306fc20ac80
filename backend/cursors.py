"""Opaque pagination cursors: the sort key and id of the last item of a page."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from typing import Any

from backend.errors import ValidationFailed

__all__ = ["cursor_id", "decode_cursor", "encode_cursor"]


_NOT_OURS = "not a cursor from this API"


def encode_cursor(*values: Any) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationFailed.one(
            "after", "invalid_cursor", "not a cursor from this API"
        ) from None
    if not isinstance(values, list) or len(values) != arity:
        raise ValidationFailed.one("after", "invalid_cursor", "not a cursor from this API")
    return values


def cursor_id(value: object) -> str:
    """The id part of a cursor; a tampered one is an invalid cursor, never a database error."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise ValidationFailed.one("after", "invalid_cursor", _NOT_OURS) from None
