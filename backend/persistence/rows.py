"""Small helpers for turning database rows into domain values, the same on both engines."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

__all__ = ["as_date", "as_datetime", "load_json", "opt_datetime", "opt_str"]


def load_json(value: Any) -> Any:
    """Piccolo hands JSON columns back as text unless asked; accept both."""
    return json.loads(value) if isinstance(value, str) else value


def opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def as_date(value: Any) -> dt.date:
    """Raw SQL on SQLite returns dates as text."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def as_datetime(value: Any) -> dt.datetime:
    """Raw SQL on SQLite returns timestamps as text; Piccolo's own queries convert them."""
    if isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return value  # type: ignore[no-any-return]


def opt_datetime(value: Any) -> dt.datetime | None:
    return None if value is None else as_datetime(value)
