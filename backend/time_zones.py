"""IANA time zones as users choose them: checked names, and the zone a name stands for.

A user's zone decides on which calendar day "last 14 days" ends; without one it is UTC.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from backend.errors import ValidationFailed

__all__ = ["DEFAULT_TIME_ZONE", "checked_time_zone", "is_time_zone", "zone_of"]

DEFAULT_TIME_ZONE = "UTC"


@cache
def _known() -> frozenset[str]:
    return frozenset(available_timezones()) | {DEFAULT_TIME_ZONE}


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is exactly an IANA zone that ``zoneinfo`` can load."""
    if name not in _known():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def checked_time_zone(name: str, field: str = "timeZone") -> str:
    """``name`` stripped, when it is an IANA zone that ``zoneinfo`` can load; raises
    :class:`ValidationFailed` with ``unknown_time_zone`` otherwise."""
    name = name.strip()
    if is_time_zone(name):
        return name
    raise ValidationFailed.one(
        field, "unknown_time_zone", "an IANA time zone such as Europe/Warsaw"
    )


def zone_of(name: str | None) -> dt.tzinfo:
    """The zone ``name`` stands for; UTC when None (or no longer known to this system)."""
    if name is None:
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC
