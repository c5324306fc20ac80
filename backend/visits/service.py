"""Visits at customers (docs/adr/0029): recorded by a sales rep from the day's route or a cover
sheet, listed per customer, and the last one of each customer for the map's filter.

Only customers the person may read (``visibility(principal, READ)``, as for the cover sheet) can
be visited or have their visits listed; an unknown, hidden or malformed id is ``not_found``. A
visit is audited as ``customer.visit`` in the transaction that writes it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from backend.access.policy import Action, Principal, visibility
from backend.audit.service import AuditTrail
from backend.cursors import cursor_id, decode_cursor, encode_cursor
from backend.errors import FieldIssue, NotFound, ValidationFailed
from backend.geo.models import Point
from backend.ids import parse_id
from backend.ports import Clock, Transactions
from backend.visits.models import Visit, VisitDraft, VisitPage
from backend.visits.ports import VisitRepository

__all__ = ["CLOCK_SKEW", "MAX_NOTE", "MAX_PAGE", "VisitService"]

CLOCK_SKEW = dt.timedelta(minutes=5)
"""A visit may lie this far in the future: phones' clocks run a little ahead."""
MAX_NOTE = 2000
"""Characters; a longer report belongs in the dossier as a document."""
MAX_PAGE = 100


def _issues(draft: VisitDraft, now: dt.datetime) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    at = draft.visited_at
    if at is not None:
        if at.tzinfo is None or at.utcoffset() is None:
            issues.append(FieldIssue("visitedAt", "time_zone_required", "give a time zone offset"))
        elif at > now + CLOCK_SKEW:
            issues.append(FieldIssue("visitedAt", "in_future", "a visit cannot lie in the future"))
    if len(draft.note) > MAX_NOTE:
        issues.append(FieldIssue("note", "too_long", f"at most {MAX_NOTE} characters"))
    if draft.point is not None:
        p = draft.point
        if not -90 <= p.latitude <= 90:
            issues.append(FieldIssue("latitude", "out_of_range", "between -90 and 90"))
        if not -180 <= p.longitude <= 180:
            issues.append(FieldIssue("longitude", "out_of_range", "between -180 and 180"))
    return issues


class VisitService:
    def __init__(
        self, repo: VisitRepository, audit: AuditTrail, tx: Transactions, clock: Clock
    ) -> None:
        self._repo = repo
        self._audit = audit
        self._tx = tx
        self._clock = clock

    async def _readable(self, principal: Principal, customer_id: str) -> str:
        customer_id = parse_id("customer", customer_id)
        visible = visibility(principal, Action.READ)
        if visible.nothing or not await self._repo.customer_visible(
            principal.tenant_id, customer_id, visible
        ):
            raise NotFound("customer", customer_id)
        return customer_id

    async def record(self, principal: Principal, draft: VisitDraft) -> Visit:
        """Record that ``principal`` visited the customer (now, unless ``visited_at`` says when)."""
        now = self._clock()
        issues = _issues(draft, now)
        customer_id = await self._readable(principal, draft.customer_id)
        if issues:
            raise ValidationFailed(issues)
        at = (draft.visited_at or now).astimezone(dt.UTC)
        visit = Visit(
            id=str(uuid.uuid4()),
            tenant_id=principal.tenant_id,
            customer_id=customer_id,
            user_id=principal.user_id,
            visited_at=at,
            note=draft.note.strip(),
            point=None
            if draft.point is None
            else Point(draft.point.latitude, draft.point.longitude),
            created_at=now,
        )
        async with self._tx.write():
            await self._repo.add(visit)
            await self._audit.record(
                principal,
                "customer.visit",
                "customer",
                customer_id,
                {
                    "visit": visit.id,
                    "visited_at": at.isoformat(),
                    "note": bool(visit.note),
                    "position": None
                    if visit.point is None
                    else [visit.point.latitude, visit.point.longitude],
                },
            )
        return visit

    async def of_customer(
        self, principal: Principal, customer_id: str, first: int, after: str | None
    ) -> VisitPage:
        """The customer's visits, latest first, ``first`` (1–100) at a time."""
        if not 1 <= first <= MAX_PAGE:
            raise ValidationFailed.one("first", "out_of_range", f"between 1 and {MAX_PAGE}")
        start: tuple[dt.datetime, str] | None = None
        if after is not None:
            at, ident = decode_cursor(after, 2)
            try:
                when = dt.datetime.fromisoformat(str(at))
            except ValueError:
                raise ValidationFailed.one(
                    "after", "invalid_cursor", "not a cursor from this API"
                ) from None
            start = (when, cursor_id(ident))
        customer_id = await self._readable(principal, customer_id)
        rows = await self._repo.of_customer(principal.tenant_id, customer_id, start, first + 1)
        items = rows[:first]
        more = len(rows) > first
        last = items[-1] if items else None
        return VisitPage(
            items=items,
            next_cursor=encode_cursor(last.visited_at.isoformat(), last.id)
            if more and last
            else None,
        )

    async def last_visits(
        self, principal: Principal, customer_ids: Sequence[str]
    ) -> list[dt.datetime | None]:
        """The last visit of each customer, in the order given (DataLoader shape). The ids come
        from customers already shown to ``principal``, so visibility was decided."""
        found = await self._repo.last_visits(principal.tenant_id, list(dict.fromkeys(customer_ids)))
        return [found.get(c) for c in customer_ids]
