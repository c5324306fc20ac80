"""A visit: a sales rep was at a customer (docs/adr/0029)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backend.geo.models import Point

__all__ = ["Visit", "VisitDraft", "VisitPage"]


@dataclass(frozen=True, slots=True)
class VisitDraft:
    """What a person records; ``visited_at`` None means now."""

    customer_id: str
    visited_at: dt.datetime | None = None
    note: str = ""
    point: Point | None = None


@dataclass(frozen=True, slots=True)
class Visit:
    id: str
    tenant_id: str
    customer_id: str
    user_id: str
    visited_at: dt.datetime
    """Always in UTC."""
    note: str
    point: Point | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class VisitPage:
    items: list[Visit]
    next_cursor: str | None
