"""GraphQL for visits (docs/adr/0029): ``recordVisit``, and a customer's ``visits`` and
``lastVisitAt`` (on :class:`~backend.graphql.customers.CustomerNode`). Bad input answers a
ValidationError with per-field codes (``in_future``, ``time_zone_required``, ``too_long``,
``out_of_range``); unknown, hidden or malformed customer ids a NotFoundError."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Annotated

import strawberry

from backend.errors import DossierError, ValidationFailed
from backend.geo.models import Point
from backend.graphql.accounts import UserNode
from backend.graphql.context import Info
from backend.graphql.customers import CustomerNode, PageInfo
from backend.graphql.errors import NotFoundError, ValidationError, as_error
from backend.visits.models import Visit, VisitDraft

__all__ = ["VisitConnection", "VisitMutation", "visit_connection"]


@strawberry.type(name="Visit")
class VisitNode:
    id: strawberry.ID
    customer_id: strawberry.Private[str]
    user_id: strawberry.Private[str]
    visited_at: dt.datetime
    note: str
    latitude: float | None = strawberry.field(description="Where the device was, if it said.")
    longitude: float | None
    created_at: dt.datetime

    @classmethod
    def of(cls, v: Visit) -> VisitNode:
        return cls(
            id=strawberry.ID(v.id),
            customer_id=v.customer_id,
            user_id=v.user_id,
            visited_at=v.visited_at,
            note=v.note,
            latitude=None if v.point is None else v.point.latitude,
            longitude=None if v.point is None else v.point.longitude,
            created_at=v.created_at,
        )

    @strawberry.field(description="Who visited; null once the account is gone.")
    async def user(self, info: Info) -> UserNode | None:
        found = await info.context.loaders.users.load(self.user_id)
        return None if found is None else UserNode.of(found)

    @strawberry.field
    async def customer(self, info: Info) -> CustomerNode:
        found = await info.context.loaders.customers.load(self.customer_id)
        assert found is not None  # recorded or listed only when visible
        return CustomerNode.of(found)


@strawberry.type
class VisitConnection:
    items: list[VisitNode]
    page_info: PageInfo


async def visit_connection(
    info: Info, customer_id: str, first: int, after: str | None
) -> VisitConnection:
    ctx = info.context
    page = await ctx.services.visits.of_customer(ctx.principal, customer_id, first, after)
    return VisitConnection(
        items=[VisitNode.of(v) for v in page.items],
        page_info=PageInfo(has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor),
    )


@strawberry.input
class VisitInput:
    customer_id: strawberry.ID
    visited_at: dt.datetime | None = strawberry.field(
        default=None,
        description="When, with a time zone offset; left out: now. At most 5 minutes ahead of "
        "the server's clock.",
    )
    note: str = strawberry.field(default="", description="At most 2,000 characters.")
    latitude: float | None = strawberry.field(
        default=None, description="With longitude: where the device was."
    )
    longitude: float | None = None

    def to_domain(self) -> VisitDraft:
        point = None
        if self.latitude is not None and self.longitude is not None:
            point = Point(self.latitude, self.longitude)
        elif self.latitude is not None or self.longitude is not None:
            missing = "longitude" if self.longitude is None else "latitude"
            raise ValidationFailed.one(missing, "required", "give latitude and longitude together")
        return VisitDraft(str(self.customer_id), self.visited_at, self.note, point)


VisitResult = Annotated[
    VisitNode | ValidationError | NotFoundError, strawberry.union("VisitResult")
]


@strawberry.type
class VisitMutation:
    @strawberry.mutation(
        description="Record a visit at a customer the caller may read (a stop of the day's "
        'route marked visited, or the cover sheet\'s "Record visit"). Audited as '
        "customer.visit."
    )
    async def record_visit(self, info: Info, input: VisitInput) -> VisitResult:
        ctx = info.context
        try:
            visit = await ctx.services.visits.record(ctx.principal, input.to_domain())
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        # The answer's customer shows the new last visit.
        with contextlib.suppress(KeyError):  # strawberry's clear() of an uncached key raises
            ctx.loaders.last_visits.clear(visit.customer_id)
        return VisitNode.of(visit)
