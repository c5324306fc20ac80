"""Saved views: kept, changed, ordered and deleted with an audit event each; seen only by their
audience; shared only by those allowed; bad criteria refused with stable codes, writing nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.access.policy import Principal, ScopeKind
from backend.errors import Forbidden, NotFound, ValidationFailed
from backend.persistence.engines import count_statements
from backend.search.criteria import (
    DateRange,
    GroupBy,
    IndexCondition,
    RelativeDate,
    RelativeUnit,
    SearchCriteria,
    SearchSort,
    SortKey,
)
from backend.views.models import Audience, Placement, SavedView, ViewDraft, ViewPatch
from backend.views.service import ViewService
from tests.factories import FakeClock, TenantContext, make_tenant_context, runtime_with, unique


def _views(ctx: TenantContext) -> ViewService:
    return ctx.runtime.services().views


async def _trail(ctx: TenantContext) -> list[str]:
    events = await ctx.runtime.services().audit.trail(ctx.principal, limit=200)
    return [e.action for e in events]


def _draft(
    name: str = "Complaints, last 14 days",
    audience: Audience | None = None,
    placement: Placement = Placement.GLOBAL,
    criteria: SearchCriteria | None = None,
) -> ViewDraft:
    return ViewDraft(
        name=name,
        audience=audience or Audience.personal(),
        placement=placement,
        criteria=criteria or SearchCriteria(document_date=RelativeDate(RelativeUnit.DAYS, 14)),
    )


async def _group(ctx: TenantContext, *members: Principal) -> str:
    access = ctx.runtime.services().access
    group = await access.create_group(ctx.principal, unique("g"), "Sales")
    for member in members:
        await access.add_member(ctx.principal, group.id, member.user_id)
    return group.id


async def _names(
    ctx: TenantContext, who: Principal, placement: Placement | None = None
) -> list[str]:
    return [v.name for v in await _views(ctx).views(who, placement)]


async def test_a_personal_view_is_created_read_changed_moved_and_deleted_with_audit(
    tenant_ctx: TenantContext,
) -> None:
    ctx = tenant_ctx
    _, rep = await ctx.user("sales")
    criteria = SearchCriteria(
        text="broken",
        document_type_ids=(ctx.types["invoice"].id,),
        register_ids=(ctx.registers["invoices"].id,),
        statuses=("active",),
        document_date=RelativeDate(RelativeUnit.THIS_QUARTER),
        created=DateRange(dt.date(2026, 1, 1), dt.date(2026, 7, 1)),
        index=(IndexCondition("amount", minimum="100", maximum="500.5"),),
        sort=SearchSort(SortKey.INDEX, descending=False, index_field="amount"),
        group_by=GroupBy.CUSTOMER,
    )
    views = _views(ctx)
    view = await views.create(rep, _draft("Invoices this quarter", criteria=criteria))
    assert (view.owner_id, view.position, view.created_by) == (rep.user_id, 0, rep.user_id)
    again = await views.view(rep, view.id)
    assert again.criteria == criteria, "relative dates and conditions come back as written"
    assert again.criteria.document_date == RelativeDate(RelativeUnit.THIS_QUARTER)

    second = await views.create(rep, _draft("Second"))
    assert second.position == 1
    changed = await views.update(
        rep,
        view.id,
        ViewPatch(name=" Invoices, this quarter ", description="for the weekly call"),
    )
    assert (changed.name, changed.description) == ("Invoices, this quarter", "for the weekly call")
    assert changed.criteria == criteria
    moved = await views.move(rep, second.id, 0)
    assert moved.position == 0
    assert await _names(ctx, rep) == ["Second", "Invoices, this quarter"]
    assert [v.position for v in await views.views(rep)] == [0, 1]
    await views.delete(rep, view.id)
    with pytest.raises(NotFound):
        await views.view(rep, view.id)
    assert await _names(ctx, rep) == ["Second"]

    trail = await _trail(ctx)
    assert trail.count("view.create") == 2
    for action in ("view.update", "view.move", "view.delete"):
        assert trail.count(action) == 1, action
    events = await ctx.runtime.services().audit.trail(ctx.principal, target=("view", view.id))
    update = next(e for e in events if e.action == "view.update")
    assert update.details["new"] == {
        "name": "Invoices, this quarter",
        "description": "for the weekly call",
    }
    created = next(e for e in events if e.action == "view.create")
    assert created.details["criteria"]["documentDate"] == {"unit": "this_quarter", "amount": 1}
    assert created.actor_id == rep.user_id


async def test_each_sees_own_personal_views_their_groups_views_and_the_tenants(
    tenant_ctx: TenantContext,
) -> None:
    ctx = tenant_ctx
    views = _views(ctx)
    _, anna = await ctx.user("sales")
    _, ben = await ctx.user("sales")
    _, carl = await ctx.user("viewer")
    group_id = await _group(ctx, anna, carl)

    mine = await views.create(anna, _draft("Anna's"))
    shared = await views.create(anna, _draft("Sales team", Audience.group(group_id)))
    await views.create(ctx.principal, _draft("Everyone", Audience.tenant()))

    assert await _names(ctx, anna) == ["Everyone", "Sales team", "Anna's"]
    assert await _names(ctx, carl) == ["Everyone", "Sales team"]
    assert await _names(ctx, ben) == ["Everyone"]
    assert [v.name for v in await views.views(carl, group_id=group_id)] == ["Sales team"]
    assert [v.name for v in await views.views(ctx.principal, group_id=group_id)] == ["Sales team"]
    with pytest.raises(NotFound):
        await views.views(ben, group_id=group_id)
    for hidden in (mine.id, shared.id):
        with pytest.raises(NotFound):
            await views.view(ben, hidden)
    with pytest.raises(NotFound):
        await views.update(ben, mine.id, ViewPatch(name="mine now"))
    with pytest.raises(NotFound):
        await views.delete(ben, mine.id)
    with pytest.raises(NotFound):
        await views.view(ctx.principal, mine.id)  # administrators do not read personal views

    other = await make_tenant_context(ctx.runtime)
    with pytest.raises(NotFound):
        await views.view(other.principal, shared.id)
    assert await _names(ctx, other.principal) == []
    with pytest.raises(NotFound):
        await views.view(anna, "not-a-uuid")


async def test_only_the_audience_s_managers_share_and_change_views(
    tenant_ctx: TenantContext,
) -> None:
    ctx = tenant_ctx
    views = _views(ctx)
    _, anna = await ctx.user("sales")
    _, carl = await ctx.user("viewer")
    _, dora = await ctx.user("sales")
    _, nobody = await ctx.user("none")
    group_id = await _group(ctx, anna, carl)

    with pytest.raises(Forbidden):
        await views.create(anna, _draft("All", Audience.tenant()))
    with pytest.raises(Forbidden):
        await views.create(carl, _draft("Team", Audience.group(group_id)))  # reads only
    with pytest.raises(Forbidden):
        await views.create(dora, _draft("Team", Audience.group(group_id)))  # not a member
    with pytest.raises(Forbidden):
        await views.create(nobody, _draft("Mine"))  # may read nothing
    team = await views.create(anna, _draft("Team", Audience.group(group_id)))
    by_admin = await views.create(ctx.principal, _draft("From IT", Audience.group(group_id)))
    assert [v.name for v in await views.views(carl)] == ["Team", "From IT"]

    with pytest.raises(Forbidden):
        await views.update(carl, team.id, ViewPatch(name="x"))
    with pytest.raises(Forbidden):
        await views.move(carl, team.id, 1)
    with pytest.raises(Forbidden):
        await views.delete(carl, team.id)
    with pytest.raises(Forbidden):
        await views.update(anna, team.id, ViewPatch(audience=Audience.tenant()))
    with pytest.raises(Forbidden):
        await views.update(ctx.principal, team.id, ViewPatch(audience=Audience.personal()))
    assert (await views.update(anna, by_admin.id, ViewPatch(name="From IT, kept"))).name
    widened = await views.update(ctx.principal, team.id, ViewPatch(audience=Audience.tenant()))
    assert widened.audience == Audience.tenant()
    assert widened.position == 0
    assert "Team" in await _names(ctx, dora)
    await views.delete(ctx.principal, by_admin.id)

    assert await ctx.count("saved_view") == 1
    assert (await _trail(ctx)).count("view.create") == 2, "refused attempts leave no line"


@pytest.mark.parametrize(
    ("criteria_of", "expected"),
    [
        (
            lambda c: SearchCriteria(document_type_ids=("4b6f6c2e-9f1a-4c3b-8a55-0d7e1f2a3b4c",)),
            {"criteria.documentTypeIds.0": "unknown_document_type"},
        ),
        (
            lambda c: SearchCriteria(register_ids=(c.registers["orders"].id, "nope")),
            {"criteria.registerIds.1": "unknown_register"},
        ),
        (
            lambda c: SearchCriteria(
                document_type_ids=(c.types["order"].id,),
                index=(IndexCondition("severity", equals="high"),),
            ),
            {"criteria.index.0.field": "unknown_field"},
        ),
        (
            lambda c: SearchCriteria(index=(IndexCondition("severity", equals="dramatic"),)),
            {"criteria.index.0.equals": "invalid_value"},
        ),
        (
            lambda c: SearchCriteria(index=(IndexCondition("due_date", minimum="soon"),)),
            {"criteria.index.0.min": "invalid_value"},
        ),
        (
            lambda c: SearchCriteria(index=(IndexCondition("invoice_number", minimum="A"),)),
            {"criteria.index.0": "invalid_value"},
        ),
        (
            lambda c: SearchCriteria(
                document_type_ids=(c.types["letter"].id,),
                sort=SearchSort(SortKey.INDEX, index_field="amount"),
            ),
            {"criteria.sort.indexField": "unknown_field"},
        ),
        (
            lambda c: SearchCriteria(document_date=RelativeDate(RelativeUnit.WEEKS, 521)),
            {"criteria.documentDate.amount": "out_of_range"},
        ),
        (
            lambda c: SearchCriteria(text=" " + "x" * 501),
            {"criteria.text": "too_long"},
        ),
    ],
)
async def test_bad_criteria_are_refused_with_stable_codes_and_nothing_written(
    tenant_ctx: TenantContext, criteria_of: object, expected: dict[str, str]
) -> None:
    ctx = tenant_ctx
    criteria = criteria_of(ctx)  # type: ignore[operator]
    with pytest.raises(ValidationFailed) as failed:
        await _views(ctx).create(ctx.principal, _draft(criteria=criteria))
    assert {i.field: i.code for i in failed.value.issues} == expected
    assert await ctx.count("saved_view") == 0
    assert "view.create" not in await _trail(ctx)


async def test_customers_must_be_readable_and_dossier_views_name_none(
    tenant_ctx: TenantContext,
) -> None:
    ctx = tenant_ctx
    views = _views(ctx)
    customer = await ctx.customer()
    other = await make_tenant_context(ctx.runtime)
    foreign = await other.customer()
    outsider_user, _ = await ctx.user("none")
    granted = await ctx.customer()
    await ctx.grant(outsider_user, "viewer", ScopeKind.CUSTOMER, granted.id)
    outsider = await ctx.principal_of(outsider_user)
    with pytest.raises(ValidationFailed) as failed:
        await views.create(
            outsider, _draft(criteria=SearchCriteria(customer_ids=(granted.id, customer.id)))
        )
    assert {i.field: i.code for i in failed.value.issues} == {
        "criteria.customerIds.1": "unknown_customer"
    }, "a customer one may not read is unknown"
    with pytest.raises(ValidationFailed) as failed:
        await views.create(
            ctx.principal,
            _draft(criteria=SearchCriteria(customer_ids=(customer.id, foreign.id))),
        )
    assert {i.field: i.code for i in failed.value.issues} == {
        "criteria.customerIds.1": "unknown_customer"
    }
    with pytest.raises(ValidationFailed) as failed:
        await views.create(
            ctx.principal,
            _draft(
                placement=Placement.DOSSIER,
                criteria=SearchCriteria(customer_ids=(customer.id,)),
            ),
        )
    assert {i.field: i.code for i in failed.value.issues} == {
        "criteria.customerIds": "invalid_value"
    }
    upper = customer.id.upper()
    kept = await views.create(
        ctx.principal, _draft(criteria=SearchCriteria(customer_ids=(upper, customer.id)))
    )
    assert kept.criteria.customer_ids == (customer.id,), "canonical, once"


async def test_other_input_is_checked_too(tenant_ctx: TenantContext) -> None:
    ctx = tenant_ctx
    views = _views(ctx)
    with pytest.raises(ValidationFailed) as failed:
        await views.create(ctx.principal, _draft(name="  "))
    assert {i.field: i.code for i in failed.value.issues} == {"name": "required"}
    with pytest.raises(ValidationFailed) as failed:
        await views.create(ctx.principal, _draft(name="x" * 121))
    assert {i.field: i.code for i in failed.value.issues} == {"name": "too_long"}
    for group_id in ("4b6f6c2e-9f1a-4c3b-8a55-0d7e1f2a3b4c", "x", ""):
        with pytest.raises(ValidationFailed) as failed:
            await views.create(ctx.principal, _draft(audience=Audience.group(group_id)))
        code = "required" if not group_id else "unknown_group"
        assert {i.field: i.code for i in failed.value.issues} == {"audience.groupId": code}
    assert await ctx.count("saved_view") == 0


async def test_placement_filters_and_shelves_keep_their_own_order(
    tenant_ctx: TenantContext,
) -> None:
    ctx = tenant_ctx
    views = _views(ctx)
    admin = ctx.principal
    a = await views.create(admin, _draft("A", placement=Placement.DOSSIER))
    b = await views.create(admin, _draft("B", placement=Placement.DOSSIER))
    c = await views.create(admin, _draft("C", placement=Placement.DOSSIER))
    await views.create(admin, _draft("G"))
    await views.create(admin, _draft("T", Audience.tenant(), Placement.DOSSIER))
    assert [v.position for v in (a, b, c)] == [0, 1, 2]
    assert await _names(ctx, admin, Placement.DOSSIER) == ["T", "A", "B", "C"]
    assert await _names(ctx, admin, Placement.GLOBAL) == ["G"]
    await views.move(admin, c.id, 0)
    assert await _names(ctx, admin, Placement.DOSSIER) == ["T", "C", "A", "B"]
    await views.move(admin, c.id, 99)
    assert await _names(ctx, admin, Placement.DOSSIER) == ["T", "A", "B", "C"]
    moved = await views.update(admin, a.id, ViewPatch(placement=Placement.GLOBAL))
    assert moved.position == 1, "last on its new shelf"
    assert await _names(ctx, admin, Placement.GLOBAL) == ["G", "A"]


async def test_views_go_with_their_group(tenant_ctx: TenantContext) -> None:
    ctx = tenant_ctx
    group_id = await _group(ctx)
    view: SavedView = await _views(ctx).create(
        ctx.principal, _draft("Team", Audience.group(group_id))
    )
    await ctx.runtime.services().access.delete_group(ctx.principal, group_id)
    with pytest.raises(NotFound):
        await _views(ctx).view(ctx.principal, view.id)


async def test_a_run_resolves_relative_dates_on_the_runners_day_within_the_open_customer(
    tenant_ctx: TenantContext,
) -> None:
    ctx = tenant_ctx
    clock = FakeClock(dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC))
    views = runtime_with(ctx.runtime, clock=clock).services().views
    customer = await ctx.customer()
    last_14 = SearchCriteria(document_date=RelativeDate(RelativeUnit.DAYS, 14))
    register = await views.create(
        ctx.principal, _draft("Last 14 days", placement=Placement.DOSSIER, criteria=last_14)
    )
    run = await views.run_criteria(ctx.principal, register.id, customer_id=customer.id)
    assert run.customer_ids == (customer.id,)
    assert run.document_date == last_14.document_date, "left to the search's own day"
    utc = await views.run_criteria(
        ctx.principal, register.id, customer_id=customer.id, time_zone="UTC"
    )
    assert utc.document_date == DateRange(dt.date(2026, 3, 18), dt.date(2026, 4, 1))
    warsaw = await views.run_criteria(
        ctx.principal, register.id, customer_id=customer.id, time_zone="Europe/Warsaw"
    )
    assert warsaw.document_date == DateRange(dt.date(2026, 3, 19), dt.date(2026, 4, 2))
    quarter = await views.create(
        ctx.principal,
        _draft(criteria=SearchCriteria(created=RelativeDate(RelativeUnit.THIS_QUARTER))),
    )
    assert (await views.run_criteria(ctx.principal, quarter.id, time_zone="UTC")).created == (
        DateRange(dt.date(2026, 1, 1), dt.date(2026, 4, 1))
    )
    assert (
        await views.run_criteria(ctx.principal, quarter.id, time_zone="Asia/Tokyo")
    ).created == DateRange(dt.date(2026, 4, 1), dt.date(2026, 7, 1))

    for kwargs, field, code in (
        ({}, "customerId", "required"),
        (
            {"customer_id": customer.id, "time_zone": "Mars/Olympus"},
            "timeZone",
            "unknown_time_zone",
        ),
    ):
        with pytest.raises(ValidationFailed) as failed:
            await views.run_criteria(ctx.principal, register.id, **kwargs)  # type: ignore[arg-type]
        assert {i.field: i.code for i in failed.value.issues} == {field: code}
    inside = await views.run_criteria(ctx.principal, quarter.id, customer_id=customer.id)
    assert inside is not None
    assert inside.customer_ids == (customer.id,), "a global view shown inside a dossier"
    named = await views.create(
        ctx.principal, _draft(criteria=SearchCriteria(customer_ids=(customer.id,)))
    )
    elsewhere = await ctx.customer()
    assert await views.run_criteria(ctx.principal, named.id, customer_id=elsewhere.id) is None
    other = await make_tenant_context(ctx.runtime)
    with pytest.raises(NotFound):
        await views.run_criteria(
            ctx.principal, register.id, customer_id=(await other.customer()).id
        )


async def test_listing_costs_the_same_however_many_views(tenant_ctx: TenantContext) -> None:
    ctx = tenant_ctx
    _, rep = await ctx.user("sales")
    groups = [await _group(ctx, rep) for _ in range(2)]
    costs = []
    for _ in range(2):
        for group_id in groups:
            await _views(ctx).create(rep, _draft("Team", Audience.group(group_id)))
        await _views(ctx).create(rep, _draft("Mine"))
        views = _views(ctx)  # a fresh request
        with count_statements() as count:
            found = await views.views(rep)
            for view in found:
                await views.group_name(rep, view)
                await views.may_change(rep, view)
        costs.append(count.value)
    assert len(found) == 6
    assert costs == [3, 3], "the user's groups, the views, their groups' names"
