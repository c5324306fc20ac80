"""Quiet hours and digest times in the user's time zone, across midnight and daylight saving."""

from __future__ import annotations

import datetime as dt

from backend.notifications.models import Preferences
from backend.notifications.schedule import next_digest, quiet_until
from backend.time_zones import is_time_zone

UTC = dt.UTC


def _at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_quiet_hours_across_midnight_end_on_the_right_day() -> None:
    p = Preferences("t", "u", "Europe/Berlin", dt.time(22), dt.time(7))
    # 21:30 UTC = 22:30 Berlin (winter): quiet until 07:00 Berlin next day = 06:00 UTC.
    assert quiet_until(_at(2030, 1, 15, 21, 30), p) == _at(2030, 1, 16, 6, 0)
    # 03:00 UTC = 04:00 Berlin: quiet until 06:00 UTC the same day.
    assert quiet_until(_at(2030, 1, 16, 3, 0), p) == _at(2030, 1, 16, 6, 0)
    assert quiet_until(_at(2030, 1, 16, 6, 0), p) is None, "the end is not quiet"
    assert quiet_until(_at(2030, 1, 16, 12, 0), p) is None


def test_quiet_hours_within_a_day_and_none() -> None:
    p = Preferences("t", "u", "UTC", dt.time(12), dt.time(13))
    assert quiet_until(_at(2030, 1, 1, 12, 30), p) == _at(2030, 1, 1, 13, 0)
    assert quiet_until(_at(2030, 1, 1, 13, 30), p) is None
    assert quiet_until(_at(2030, 1, 1, 12, 30), Preferences("t", "u")) is None
    assert quiet_until(_at(2030, 1, 1, 12, 30), None) is None


def test_the_digest_hour_follows_the_zone_and_daylight_saving() -> None:
    # Warsaw is UTC+1 in winter, UTC+2 in summer.
    assert next_digest(_at(2030, 1, 15, 5, 0), "Europe/Warsaw", 7) == _at(2030, 1, 15, 6, 0)
    assert next_digest(_at(2030, 1, 15, 6, 0), "Europe/Warsaw", 7) == _at(2030, 1, 16, 6, 0)
    assert next_digest(_at(2030, 7, 15, 4, 0), "Europe/Warsaw", 7) == _at(2030, 7, 15, 5, 0)
    # 2030-03-31: clocks go from 02:00 to 03:00 in Warsaw; a 2 o'clock digest comes at 03:00.
    assert next_digest(_at(2030, 3, 30, 23, 0), "Europe/Warsaw", 2) == _at(2030, 3, 31, 1, 0)


def test_time_zone_names() -> None:
    assert is_time_zone("UTC")
    assert is_time_zone("America/New_York")
    assert not is_time_zone("Mars/Olympus")
    assert not is_time_zone("../etc/passwd")
