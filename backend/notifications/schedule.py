"""When a notification may go out: quiet hours and the daily digest, in the user's time zone.

Pure functions over aware datetimes; daylight-saving changes are handled by ``zoneinfo`` (a digest
hour that does not exist on a spring-forward day goes out at the first moment after it)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from backend.notifications.models import Preferences

__all__ = ["next_digest", "quiet_until"]


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def quiet_until(at: dt.datetime, preferences: Preferences | None) -> dt.datetime | None:
    """The end of the quiet hours ``at`` falls in (UTC), or None when it is not quiet then."""
    if preferences is None or preferences.quiet_start is None or preferences.quiet_end is None:
        return None
    start, end = preferences.quiet_start, preferences.quiet_end
    if start == end:
        return None
    zone = _zone(preferences.time_zone)
    local = at.astimezone(zone)
    now = local.time().replace(tzinfo=None)
    if start < end:
        quiet = start <= now < end
        end_day = local.date()
    else:  # across midnight: 22:00–07:00
        quiet = now >= start or now < end
        end_day = local.date() + dt.timedelta(days=1) if now >= start else local.date()
    if not quiet:
        return None
    return dt.datetime.combine(end_day, end, tzinfo=zone).astimezone(dt.UTC)


def next_digest(at: dt.datetime, time_zone: str, hour: int) -> dt.datetime:
    """The first ``hour``:00 in ``time_zone`` strictly after ``at``, in UTC."""
    zone = _zone(time_zone)
    local = at.astimezone(zone)
    day = local.date()
    for _ in range(3):
        candidate = dt.datetime.combine(day, dt.time(hour), tzinfo=zone)
        # Normalise through UTC: a wall time skipped by daylight saving moves forward.
        candidate_utc = candidate.astimezone(dt.UTC)
        if candidate_utc > at:
            return candidate_utc
        day += dt.timedelta(days=1)
    raise AssertionError("unreachable: a day has every hour")
