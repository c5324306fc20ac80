"""Saved virtual views as plain data: a named search with an audience and a placement.

A view keeps its criteria as written, relative dates included (``last 14 days``); they become
absolute days only when the view runs (:func:`backend.search.criteria.resolve`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from backend.search.criteria import SearchCriteria

__all__ = ["Audience", "AudienceKind", "Placement", "SavedView", "ViewDraft", "ViewPatch"]


class AudienceKind(StrEnum):
    PERSONAL = "personal"
    GROUP = "group"
    TENANT = "tenant"


class Placement(StrEnum):
    DOSSIER = "dossier"
    """A virtual register in every dossier: the criteria apply within the open customer."""
    GLOBAL = "global"
    """Across all customers the user may read."""


@dataclass(frozen=True, slots=True)
class Audience:
    """Who sees a view: its owner alone, the members of one group, or everyone of the tenant.
    ``group_id`` is set exactly for :attr:`AudienceKind.GROUP`."""

    kind: AudienceKind
    group_id: str | None = None

    @classmethod
    def personal(cls) -> Audience:
        return cls(AudienceKind.PERSONAL)

    @classmethod
    def group(cls, group_id: str) -> Audience:
        return cls(AudienceKind.GROUP, group_id)

    @classmethod
    def tenant(cls) -> Audience:
        return cls(AudienceKind.TENANT)


@dataclass(frozen=True, slots=True)
class SavedView:
    """A stored view. ``position`` orders it among the views of the same *shelf*: the same
    placement and audience (the same owner for personal views, the same group for group views)."""

    id: str
    tenant_id: str
    name: str
    description: str | None
    owner_id: str
    audience: Audience
    placement: Placement
    position: int
    criteria: SearchCriteria
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class ViewDraft:
    """What a user asks to create; checked by :class:`~backend.views.service.ViewService`."""

    name: str
    audience: Audience
    placement: Placement
    criteria: SearchCriteria
    description: str | None = None


@dataclass(frozen=True, slots=True)
class ViewPatch:
    """Fields to change; ``None`` means not sent (a description is cleared with ``""``)."""

    name: str | None = None
    description: str | None = None
    audience: Audience | None = None
    placement: Placement | None = None
    criteria: SearchCriteria | None = None
