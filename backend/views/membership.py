"""Whether a document belongs to a saved view, for one user now (view subscriptions).

The view's own search answers it, narrowed to the one document: relative dates resolve on the
user's today, index conditions compare typed values, full text matches as the search index holds
it, and only a document the user may read is found, exactly as when the user opens the view.

One event reaches every subscriber of a view: for users who may read the document (the caller's
check) the search's answer depends only on the view and the user's time zone (the day relative
dates end on), so a ``Seen`` memo shared over one event runs each view's search once per zone;
whether the user still sees the view is asked per user.
"""

from __future__ import annotations

from backend.access.policy import Principal
from backend.documents.models import Document
from backend.errors import NotFound, ValidationFailed
from backend.search.service import SearchService
from backend.views.models import Placement, SavedView
from backend.views.running import criteria_for_run
from backend.views.service import ViewService

__all__ = ["Seen", "ViewMembership"]

Seen = dict[tuple[str, str | None], bool]
"""Answers of one event's view searches by (view id, time zone)."""


class ViewMembership:
    def __init__(self, views: ViewService, search: SearchService) -> None:
        self._views = views
        self._search = search

    async def visible(self, principal: Principal, view_id: str) -> bool:
        """Whether ``principal`` sees the view (its owner, group or tenant)."""
        try:
            await self._views.view(principal, view_id)
        except NotFound:
            return False
        return True

    async def contains(
        self, principal: Principal, view_id: str, document: Document, seen: Seen | None = None
    ) -> bool:
        """Whether the view, run by ``principal`` now, lists ``document``: a dossier view within
        the document's own dossier. False when the view is gone or no longer theirs to see.
        ``principal`` must be allowed to read ``document`` when ``seen`` is given (see the
        module)."""
        try:
            view = await self._views.view(principal, view_id)
        except NotFound:
            return False
        key = (view_id, principal.time_zone)
        if seen is not None and key in seen:
            return seen[key]
        found = await self._run(principal, view, document)
        if seen is not None:
            seen[key] = found
        return found

    async def _run(self, principal: Principal, view: SavedView, document: Document) -> bool:
        within = document.customer_id if view.placement is Placement.DOSSIER else None
        criteria = criteria_for_run(view, today=None, customer_id=within)
        if criteria is None:
            return False
        try:
            return await self._search.matches(principal, criteria, document.id)
        except ValidationFailed:
            return False  # criteria that no longer hold (a field removed from its type)
