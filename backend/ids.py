"""Identifiers: UUIDs everywhere, so offline clients can mint them.

A malformed id is treated exactly like an unknown one."""

from __future__ import annotations

import uuid

from backend.errors import NotFound

__all__ = ["new_id", "parse_id", "parse_ids"]


def new_id() -> str:
    return str(uuid.uuid4())


def parse_id(kind: str, value: object) -> str:
    """Return the canonical form of ``value`` or raise NotFound, exactly as for an unknown id."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise NotFound(kind, value) from None


def parse_ids(kind: str, values: list[str]) -> list[str]:
    return [parse_id(kind, v) for v in values]
