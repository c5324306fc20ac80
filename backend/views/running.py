"""What a view asks the search for on one day: its criteria with relative dates made absolute on
the runner's calendar day, narrowed to the open customer for a ``dossier`` view.

"Last 14 days" ends with the runner's today, in their time zone: at 23:30 in Warsaw on the 31st it
is already the 1st in Tokyo and still the 31st in New York. A client may name its zone (IANA, e.g.
``Europe/Warsaw``); without one the relative dates stay relative and the search resolves them on
the user's day, as it does for every search.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from backend.errors import ValidationFailed
from backend.search.criteria import SearchCriteria, resolve
from backend.time_zones import checked_time_zone, zone_of
from backend.views.models import Placement, SavedView

__all__ = ["criteria_for_run", "today_in"]


def today_in(time_zone: str | None, now: dt.datetime) -> dt.date:
    """The calendar day ``now`` falls on in ``time_zone`` (UTC when None); a name that is no
    IANA zone is refused with ``unknown_time_zone``, as everywhere a zone is chosen."""
    if time_zone is None:
        return now.astimezone(dt.UTC).date()
    return now.astimezone(zone_of(checked_time_zone(time_zone))).date()


def criteria_for_run(
    view: SavedView, *, today: dt.date | None, customer_id: str | None
) -> SearchCriteria | None:
    """The criteria of ``view``, absolute on ``today`` (relative when None), within the customer
    ``customer_id`` (already checked readable) when given: a ``dossier`` view needs it, a
    ``global`` view may take it to be shown inside a dossier. None when nothing can match (a
    global view naming other customers)."""
    criteria = view.criteria if today is None else resolve(view.criteria, today)
    if customer_id is None:
        if view.placement is Placement.DOSSIER:
            raise ValidationFailed.one(
                "customerId", "required", "a dossier view runs within one customer"
            )
        return criteria
    if criteria.customer_ids and customer_id not in criteria.customer_ids:
        return None
    return replace(criteria, customer_ids=(customer_id,))
