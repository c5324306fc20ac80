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


def _canonical(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


_remembered = functools.lru_cache(maxsize=4096)(_canonical)
_REMEMBERED_LENGTH = len("urn:uuid:") + 36
"""The longest id text remembered (an id as ``uuid.UUID`` is usually written); longer text is
read each time, so that no caller can fill the cache with large strings."""


def canonical_uuid(value: str) -> str | None:
    """The canonical form of a UUID, None if ``value`` is none. Remembered: a push names each
    entity several times (its read, its write, its audit line)."""
    return _remembered(value) if len(value) <= _REMEMBERED_LENGTH else _canonical(value)


def parse_id(kind: str, value: object) -> str:
    """Return the canonical form of ``value`` or raise NotFound, exactly as for an unknown id."""
    canonical = canonical_uuid(str(value))
    if canonical is None:
        raise NotFound(kind, value)
    return canonical


def parse_ids(kind: str, values: list[str]) -> list[str]:
    return [parse_id(kind, v) for v in values]
