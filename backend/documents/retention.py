"""Retention arithmetic: until when a document must be kept.

A document type keeps its documents ``retention_years`` (0: no retention duty) counted either from
the document date or, GoBD style, from the end of the calendar year of the document date. The
returned date is the last day of the retention period: deletion is allowed from the day after.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

__all__ = ["RETENTION_STARTS", "RetentionStart", "deletable_on", "retention_until"]


class RetentionStart(StrEnum):
    DOCUMENT_DATE = "document_date"
    END_OF_YEAR = "end_of_year"


RETENTION_STARTS = tuple(s.value for s in RetentionStart)


def _add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def retention_until(
    document_date: dt.date, years: int, start: RetentionStart | str
) -> dt.date | None:
    """The last day the document must be kept, or ``None`` when its type has no retention."""
    if years < 0:
        raise ValueError("retention years must not be negative")
    if years == 0:
        return None
    if RetentionStart(start) is RetentionStart.END_OF_YEAR:
        return dt.date(document_date.year + years, 12, 31)
    return _add_years(document_date, years)


def deletable_on(until: dt.date | None, today: dt.date) -> bool:
    """True once the retention period (if any) has ended."""
    return until is None or today > until
