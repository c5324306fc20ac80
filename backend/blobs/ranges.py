"""The ``Content-Range`` of a chunk of a resumable upload (RFC 9110 §14.4, byte ranges only)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.errors import InvalidRange

__all__ = ["Chunk", "parse_chunk"]

_RANGE = re.compile(r"^bytes (\d{1,15})-(\d{1,15})/(\d{1,15})$")


@dataclass(frozen=True, slots=True)
class Chunk:
    """Bytes ``start`` up to (not including) ``end`` of an upload of ``total`` bytes."""

    start: int
    end: int
    total: int
    data: bytes

    @property
    def whole(self) -> bool:
        return self.start == 0 and self.end == self.total


def parse_chunk(content_range: str | None, data: bytes) -> Chunk:
    """The chunk a request carries: its ``Content-Range``, or the whole upload without one.
    Raise :class:`InvalidRange` when the header is malformed or disagrees with the body."""
    if content_range is None:
        if not data:
            raise InvalidRange("an upload without Content-Range must carry the whole content")
        return Chunk(0, len(data), len(data), data)
    found = _RANGE.match(content_range.strip())
    if found is None:
        raise InvalidRange("Content-Range must read 'bytes FIRST-LAST/TOTAL'")
    first, last, total = (int(g) for g in found.groups())
    if last < first or last >= total:
        raise InvalidRange("Content-Range needs FIRST ≤ LAST < TOTAL")
    if last - first + 1 != len(data):
        raise InvalidRange(
            f"Content-Range names {last - first + 1} bytes, the body has {len(data)}"
        )
    return Chunk(first, last + 1, total, data)
