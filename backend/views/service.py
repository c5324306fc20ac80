"""Saved virtual views: who may keep, share, change and see them.

Personal views belong to their owner: anyone who may read something keeps their own. Group views
are managed by members of the group who may write somewhere, and by administrators; tenant-wide
views by administrators alone (the tenant-wide ``admin`` action). A user sees their own personal
views, the views of the groups they belong to and the tenant's views; any other view answers
``not_found``, one they see but may not change ``forbidden``. Every change is an audit event in
its transaction (``view.create|update|move|delete``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from backend.access.policy import Action, Principal, can, can_somewhere
from backend.audit.service import AuditTrail
from backend.errors import FieldIssue, Forbidden, NotFound, ValidationFailed
from backend.ids import new_id, parse_id
from backend.ports import Clock, Transactions
from backend.search.criteria import SearchCriteria
from backend.search.limits import check_limits
from backend.tenancy.service import CatalogService
from backend.views.codec import criteria_to_json
from backend.views.models import (
    Audience,
    AudienceKind,
    Placement,
    SavedView,
    ViewDraft,
    ViewPatch,
)
from backend.views.ports import ViewRepository
from backend.views.references import ViewCatalog, check_references, normalise
from backend.views.running import criteria_for_run, today_in

__all__ = ["MAX_DESCRIPTION", "MAX_NAME", "ViewService", "view_json"]

MAX_NAME = 120
MAX_DESCRIPTION = 1000

GroupsOf = Callable[[str, str], Awaitable[list[str]]]
GroupNames = Callable[[str, list[str]], Awaitable[dict[str, str]]]
ReadableCustomers = Callable[[Principal, list[str]], Awaitable[set[str]]]


def _audience_json(audience: Audience) -> dict[str, Any]:
    return {"kind": audience.kind.value, "group": audience.group_id}


def view_json(view: SavedView) -> dict[str, Any]:
    """What the audit trail keeps of a view."""
    return {
        "name": view.name,
        "description": view.description,
        "owner": view.owner_id,
        "audience": _audience_json(view.audience),
        "placement": view.placement.value,
        "position": view.position,
        "criteria": criteria_to_json(view.criteria),
    }


def _changes(old: SavedView, new: SavedView) -> dict[str, Any]:
    before, after = view_json(old), view_json(new)
    changed = [k for k in after if k != "position" and before[k] != after[k]]
    return {"old": {k: before[k] for k in changed}, "new": {k: after[k] for k in changed}}


class ViewService:
    def __init__(
        self,
        repo: ViewRepository,
        catalog: CatalogService,
        readable_customers: ReadableCustomers,
        groups_of: GroupsOf,
        group_names: GroupNames,
        audit: AuditTrail,
        tx: Transactions,
        clock: Clock,
    ) -> None:
        self._repo = repo
        self._catalog = catalog
        self._readable_customers = readable_customers
        self._groups_of = groups_of
        self._group_names_of = group_names
        self._audit = audit
        self._tx = tx
        self._clock = clock
        self._groups: dict[str, list[str]] = {}
        self._group_names: dict[str, str] = {}

    # -- who may do what -------------------------------------------------------------------

    @staticmethod
    def _require_reader(principal: Principal) -> None:
        if not can_somewhere(principal, Action.READ):
            raise Forbidden("views are for users who may read documents")

    async def _my_groups(self, principal: Principal) -> list[str]:
        key = f"{principal.tenant_id}:{principal.user_id}"
        if key not in self._groups:
            self._groups[key] = await self._groups_of(principal.tenant_id, principal.user_id)
        return self._groups[key]

    async def _sees(self, principal: Principal, audience: Audience, owner_id: str) -> bool:
        if audience.kind is AudienceKind.PERSONAL:
            return owner_id == principal.user_id
        if audience.kind is AudienceKind.GROUP:
            return audience.group_id in await self._my_groups(principal)
        return True

    async def _manages(self, principal: Principal, audience: Audience, owner_id: str) -> bool:
        if audience.kind is AudienceKind.PERSONAL:
            return owner_id == principal.user_id
        if can(principal, Action.ADMIN):
            return True
        if audience.kind is AudienceKind.GROUP:
            return audience.group_id in await self._my_groups(principal) and can_somewhere(
                principal, Action.WRITE
            )
        return False

    async def _require_manage(self, principal: Principal, audience: Audience) -> None:
        if not await self._manages(principal, audience, principal.user_id):
            if audience.kind is AudienceKind.TENANT:
                raise Forbidden("only administrators share views with the whole tenant")
            raise Forbidden(
                "only members of the group who may write, and administrators, "
                "share views with a group"
            )

    async def _load_group_names(self, principal: Principal, ids: list[str]) -> dict[str, str]:
        missing = [i for i in dict.fromkeys(ids) if i not in self._group_names]
        if missing:
            self._group_names |= await self._group_names_of(principal.tenant_id, missing)
        return {i: self._group_names[i] for i in ids if i in self._group_names}

    async def group_name(self, principal: Principal, view: SavedView) -> str | None:
        """The name of the group ``view`` is shared with (listings load them together)."""
        group_id = view.audience.group_id
        if group_id is None:
            return None
        return (await self._load_group_names(principal, [group_id])).get(group_id)

    async def may_change(self, principal: Principal, view: SavedView) -> bool:
        """Whether ``principal`` may change, move and delete ``view``."""
        return await self._manages(principal, view.audience, view.owner_id)

    async def _find(self, principal: Principal, view_id: str) -> SavedView:
        """The view if ``principal`` sees or manages it; else not found, like an unknown id."""
        view = await self._repo.get(principal.tenant_id, parse_id("view", view_id))
        if view is None or not (
            await self._sees(principal, view.audience, view.owner_id)
            or await self._manages(principal, view.audience, view.owner_id)
        ):
            raise NotFound("view", view_id)
        return view

    async def _find_to_change(self, principal: Principal, view_id: str) -> SavedView:
        view = await self._find(principal, view_id)
        if not await self._manages(principal, view.audience, view.owner_id):
            raise Forbidden("you may see this view but not change it")
        return view

    # -- checking input --------------------------------------------------------------------

    @staticmethod
    def _check_texts(name: str, description: str | None, issues: list[FieldIssue]) -> None:
        if not name:
            issues.append(FieldIssue("name", "required", "is required"))
        elif len(name) > MAX_NAME:
            issues.append(FieldIssue("name", "too_long", f"at most {MAX_NAME} characters"))
        if description is not None and len(description) > MAX_DESCRIPTION:
            issues.append(
                FieldIssue("description", "too_long", f"at most {MAX_DESCRIPTION} characters")
            )

    async def _check_audience(self, principal: Principal, audience: Audience) -> Audience:
        """The audience with its group id canonical; refuses what the principal may not share
        (``forbidden``) before saying a group does not exist (``unknown_group``)."""
        if audience.kind is not AudienceKind.GROUP:
            if audience.group_id is not None:
                raise ValidationFailed.one(
                    "audience.groupId", "invalid_value", "only group views name a group"
                )
            await self._require_manage(principal, audience)
            return audience
        if not audience.group_id:
            raise ValidationFailed.one("audience.groupId", "required", "which group?")
        try:
            group_id = parse_id("group", audience.group_id)
        except NotFound:
            group_id = ""
        audience = Audience.group(group_id)
        await self._require_manage(principal, audience)
        if not group_id or not await self._load_group_names(principal, [group_id]):
            raise ValidationFailed.one("audience.groupId", "unknown_group", "no such group")
        return audience

    async def _checked_criteria(
        self, principal: Principal, criteria: SearchCriteria, placement: Placement
    ) -> SearchCriteria:
        criteria = normalise(criteria)
        issues = check_limits(criteria)
        if placement is Placement.DOSSIER and criteria.customer_ids:
            issues.append(
                FieldIssue(
                    "criteria.customerIds",
                    "invalid_value",
                    "a dossier view applies within the open customer; it names none",
                )
            )
        tenant_id = principal.tenant_id
        asked = [c for c in criteria.customer_ids if _is_id(c)]
        catalog = ViewCatalog(
            document_types=await self._catalog.document_types(tenant_id),
            register_ids=frozenset(r.id for r in await self._catalog.registers(tenant_id)),
            readable_customer_ids=frozenset(
                await self._readable_customers(principal, asked) if asked else ()
            ),
        )
        # Every problem at once; a path the limits already refused is not reported twice.
        reported = {i.field for i in issues}
        issues += [
            i
            for i in check_references(criteria, catalog)
            if not any(i.field == r or i.field.startswith(r + ".") for r in reported)
        ]
        if issues:
            raise ValidationFailed(issues)
        return criteria

    # -- reading ---------------------------------------------------------------------------

    async def views(
        self,
        principal: Principal,
        placement: Placement | None = None,
        group_id: str | None = None,
    ) -> list[SavedView]:
        """The views ``principal`` sees, shelf by shelf: the tenant's, the groups' (by group
        name), then the personal ones; each shelf in its own order. With ``group_id``: the views
        of that group, for its members and administrators (who manage groups they are not in)."""
        self._require_reader(principal)
        if group_id is not None:
            audience = Audience.group(parse_id("group", group_id))
            if not (
                await self._sees(principal, audience, principal.user_id)
                or can(principal, Action.ADMIN)
            ):
                raise NotFound("group", group_id)
            found = await self._repo.of_group(
                principal.tenant_id, str(audience.group_id), placement
            )
        else:
            found = await self._repo.visible(
                principal.tenant_id, principal.user_id, await self._my_groups(principal), placement
            )
        await self._load_group_names(principal, [g for v in found if (g := v.audience.group_id)])
        return found

    async def view(self, principal: Principal, view_id: str) -> SavedView:
        self._require_reader(principal)
        return await self._find(principal, view_id)

    async def run_criteria(
        self,
        principal: Principal,
        view_id: str,
        *,
        customer_id: str | None = None,
        time_zone: str | None = None,
    ) -> SearchCriteria | None:
        """What running the view asks the search for: relative dates made absolute on today in
        ``time_zone`` (IANA; when None they stay relative, for the search to resolve on the user's
        day), narrowed to ``customer_id`` (required for a ``dossier`` view), which must be a
        customer ``principal`` may read (else ``not_found``). None when nothing can match."""
        self._require_reader(principal)
        view = await self._find(principal, view_id)
        today = None if time_zone is None else today_in(time_zone, self._clock())
        if customer_id is not None:
            customer_id = parse_id("customer", customer_id)
            if not await self._readable_customers(principal, [customer_id]):
                raise NotFound("customer", customer_id)
        return criteria_for_run(view, today=today, customer_id=customer_id)

    # -- changing --------------------------------------------------------------------------

    async def _end_of_shelf(
        self, tenant_id: str, placement: Placement, audience: Audience, owner_id: str
    ) -> int:
        shelf = await self._repo.shelf(tenant_id, placement, audience, owner_id)
        return max((v.position for v in shelf), default=-1) + 1

    async def create(self, principal: Principal, draft: ViewDraft) -> SavedView:
        self._require_reader(principal)
        audience = await self._check_audience(principal, draft.audience)
        name, description = draft.name.strip(), (draft.description or "").strip() or None
        issues: list[FieldIssue] = []
        self._check_texts(name, description, issues)
        criteria = draft.criteria
        try:
            criteria = await self._checked_criteria(principal, criteria, draft.placement)
        except ValidationFailed as exc:
            issues.extend(exc.issues)
        if issues:
            raise ValidationFailed(issues)
        now = self._clock()
        async with self._tx.write():
            view = SavedView(
                id=new_id(),
                tenant_id=principal.tenant_id,
                name=name,
                description=description,
                owner_id=principal.user_id,
                audience=audience,
                placement=draft.placement,
                position=await self._end_of_shelf(
                    principal.tenant_id, draft.placement, audience, principal.user_id
                ),
                criteria=criteria,
                created_at=now,
                created_by=principal.user_id,
                updated_at=now,
                updated_by=principal.user_id,
            )
            await self._repo.add(view)
            await self._audit.record(principal, "view.create", "view", view.id, view_json(view))
        return view

    async def update(self, principal: Principal, view_id: str, patch: ViewPatch) -> SavedView:
        self._require_reader(principal)
        current = await self._find_to_change(principal, view_id)
        audience = current.audience
        if patch.audience is not None and patch.audience != current.audience:
            if (
                patch.audience.kind is AudienceKind.PERSONAL
                and current.owner_id != principal.user_id
            ):
                raise Forbidden("only the view's owner can make it personal")
            audience = await self._check_audience(principal, patch.audience)
        placement = patch.placement or current.placement
        name = current.name if patch.name is None else patch.name.strip()
        description = (
            current.description
            if patch.description is None
            else (patch.description.strip() or None)
        )
        issues: list[FieldIssue] = []
        self._check_texts(name, description, issues)
        criteria = current.criteria
        if patch.criteria is not None or placement is not current.placement:
            try:
                criteria = await self._checked_criteria(
                    principal, patch.criteria or current.criteria, placement
                )
            except ValidationFailed as exc:
                issues.extend(exc.issues)
        if issues:
            raise ValidationFailed(issues)
        async with self._tx.write():
            moved = audience != current.audience or placement is not current.placement
            view = replace(
                current,
                name=name,
                description=description,
                audience=audience,
                placement=placement,
                criteria=criteria,
                position=(
                    await self._end_of_shelf(
                        current.tenant_id, placement, audience, current.owner_id
                    )
                    if moved
                    else current.position
                ),
                updated_at=self._clock(),
                updated_by=principal.user_id,
            )
            if not await self._repo.update(view):
                raise NotFound("view", view_id)
            await self._audit.record(
                principal, "view.update", "view", view.id, _changes(current, view)
            )
        return view

    async def move(self, principal: Principal, view_id: str, position: int) -> SavedView:
        """Put the view at ``position`` (0 first; beyond the end: last) of its shelf, the others
        keeping their order."""
        self._require_reader(principal)
        current = await self._find_to_change(principal, view_id)
        async with self._tx.write():
            shelf = await self._repo.shelf(
                current.tenant_id, current.placement, current.audience, current.owner_id
            )
            others = [v for v in shelf if v.id != current.id]
            target = max(0, min(position, len(others)))
            order = [*others[:target], current, *others[target:]]
            await self._repo.set_positions(
                current.tenant_id,
                {v.id: i for i, v in enumerate(order) if v.position != i or v.id == current.id},
            )
            await self._audit.record(
                principal,
                "view.move",
                "view",
                current.id,
                {"from": current.position, "to": target},
            )
        return replace(current, position=target)

    async def delete(self, principal: Principal, view_id: str) -> SavedView:
        self._require_reader(principal)
        current = await self._find_to_change(principal, view_id)
        async with self._tx.write():
            if not await self._repo.delete(current.tenant_id, current.id):
                raise NotFound("view", view_id)
            await self._audit.record(
                principal, "view.delete", "view", current.id, view_json(current)
            )
        return current


def _is_id(value: str) -> bool:
    try:
        parse_id("customer", value)
    except NotFound:
        return False
    return True
