"""Identifiers: UUIDs everywhere, so offline clients can mint them.

A malformed id is treated exactly like an unknown one."""

from __future__ import annotations

import functools
import uuid

import uuid_utils

from backend.errors import NotFound

__all__ = ["canonical_uuid", "new_id", "new_row_id", "parse_id", "parse_ids"]


def new_id() -> str:
    return str(uuid.uuid4())


def new_row_id() -> str:
    """A time-ordered UUID (version 7) for rows that are only ever appended, many at a time
    (audit lines, history entries): each lands at the end of its primary key's index instead of
    on a random page of it, so a commit writes (and the WAL and checkpoints copy) a few pages, not
    one per row (docs/adr/0035)."""
    return str(uuid_utils.uuid7())


@functools.lru_cache(maxsize=4096)
def canonical_uuid(value: str) -> str | None:
    """The canonical form of a UUID, None if ``value`` is none. Remembered: a push names each
    entity several times (its read, its write, its audit line)."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def parse_id(kind: str, value: object) -> str:
    """Return the canonical form of ``value`` or raise NotFound, exactly as for an unknown id."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise NotFound(kind, value) from None


def parse_ids(kind: str, values: list[str]) -> list[str]:
    return [parse_id(kind, v) for v in values]
