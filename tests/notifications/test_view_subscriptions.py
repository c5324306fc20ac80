"""Subscriptions to saved views: a document event reaches a view's subscriber when the view, run by
them at that moment, lists the document (relative dates on their today, typed index conditions,
full text, what they may read), on both engines."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.access.policy import Principal, ScopeKind
from backend.accounts.models import User
from backend.documents.models import MetadataPatch
from backend.errors import ValidationFailed
from backend.search.criteria import IndexCondition, RelativeDate, RelativeUnit, SearchCriteria
from backend.search.service import SearchService
from backend.views.models import Audience, Placement, ViewDraft
from tests.notifications.conftest import Stand

TODAY = dt.date(2030, 1, 15)  # the stand's clock


async def _view(
    stand: Stand,
    owner: User,
    criteria: SearchCriteria,
    placement: Placement = Placement.GLOBAL,
    audience: Audience | None = None,
) -> str:
    view = await stand.runtime.services().views.create(
        await stand.ctx.principal_of(owner),
        ViewDraft(
            name="watched",
            audience=audience or Audience.personal(),
            placement=placement,
            criteria=criteria,
        ),
    )
    return view.id


async def _watcher(stand: Stand, name: str = "phone") -> User:
    rep, _ = await stand.ctx.user("sales")
    await stand.device(rep, name)
    return rep


async def test_a_view_subscription_matches_by_type_index_value_and_relative_date(
    stand: Stand,
) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    rep = await _watcher(stand)
    big_recent_orders = SearchCriteria(
        document_type_ids=(ctx.types["order"].id,),
        document_date=RelativeDate(RelativeUnit.DAYS, 14),
        index=(IndexCondition("quantity", minimum=10),),
    )
    view_id = await _view(stand, rep, big_recent_orders)
    await stand.subscribe(rep, target_kind="view", target_id=view_id)

    recent = TODAY - dt.timedelta(days=3)
    hit = await ctx.document(customer, "order", document_date=recent, index_values={"quantity": 50})
    await ctx.document(customer, "order", document_date=recent, index_values={"quantity": 5})
    await ctx.document(
        customer,
        "order",
        document_date=TODAY - dt.timedelta(days=30),
        index_values={"quantity": 50},
    )
    await ctx.document(customer, "letter", document_date=recent)
    await stand.drain()
    assert [p["documentId"] for p in stand.push.payloads("phone")] == [hit.id]


async def test_relative_dates_are_those_of_the_moment_of_the_event(stand: Stand) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    rep = await _watcher(stand)
    last_week = SearchCriteria(document_date=RelativeDate(RelativeUnit.DAYS, 7))
    view_id = await _view(stand, rep, last_week)
    await stand.subscribe(
        rep, target_kind="view", target_id=view_id, events=["document_created", "status_changed"]
    )
    document = await ctx.document(customer, document_date=TODAY - dt.timedelta(days=2))
    await stand.drain()
    assert [p["type"] for p in stand.push.payloads("phone")] == ["document_created"]

    stand.clock.advance(days=10)  # the document date is no longer within the last 7 days
    services = ctx.runtime.services()
    await services.documents.update_metadata(
        ctx.principal, document.id, MetadataPatch(status="archived")
    )
    await stand.drain()
    assert [p["type"] for p in stand.push.payloads("phone")] == ["document_created"]


async def test_full_text_and_dossier_views_match_as_the_search_does(stand: Stand) -> None:
    ctx = stand.ctx
    acme, other = await ctx.customer(), await ctx.customer()
    rep = await _watcher(stand)
    text_view = await _view(stand, rep, SearchCriteria(text="Reklamation"))
    await stand.subscribe(rep, target_kind="view", target_id=text_view)
    # A dossier view applies within each dossier; a global view naming one customer only there.
    only_acme = await _view(
        stand, rep, SearchCriteria(customer_ids=(acme.id,), statuses=("draft",))
    )
    complaints = await _view(
        stand,
        rep,
        SearchCriteria(document_type_ids=(ctx.types["complaint"].id,)),
        placement=Placement.DOSSIER,
    )
    await stand.subscribe(rep, target_kind="view", target_id=only_acme)
    await stand.subscribe(rep, target_kind="view", target_id=complaints)

    worded = await ctx.document(other, title="Reklamation Lieferung 12")
    in_other = await ctx.document(other, "complaint")
    await ctx.document(other, title="Lieferschein 12")
    await stand.drain()
    got = sorted(p["documentId"] for p in stand.push.payloads("phone"))
    assert got == sorted([worded.id, in_other.id])


async def test_a_view_notifies_only_subscribers_who_see_it_and_may_read_the_document(
    stand: Stand,
) -> None:
    ctx = stand.ctx
    customer, other = await ctx.customer(), await ctx.customer()
    member, _ = await ctx.user("none")
    await ctx.grant(member, "viewer", ScopeKind.CUSTOMER, other.id)
    await stand.device(member, "member-phone")
    services = ctx.runtime.services()
    group = await services.access.create_group(ctx.principal, "field", "Field service")
    await services.access.add_member(ctx.principal, group.id, member.id)
    shared = await _view(stand, ctx.admin, SearchCriteria(), audience=Audience.group(group.id))
    await stand.subscribe(member, target_kind="view", target_id=shared)

    await ctx.document(customer)  # in the view, but not theirs to read
    readable = await ctx.document(other)
    await stand.drain()
    assert [p["documentId"] for p in stand.push.payloads("member-phone")] == [readable.id]

    await services.access.remove_member(ctx.principal, group.id, member.id)
    await ctx.document(other)  # they no longer see the view
    await stand.drain()
    assert len(stand.push.payloads("member-phone")) == 1


async def test_subscribing_to_a_view_one_does_not_see_is_refused(stand: Stand) -> None:
    ctx = stand.ctx
    owner = await _watcher(stand, "owner")
    other = await _watcher(stand, "other")
    private = await _view(stand, owner, SearchCriteria())
    with pytest.raises(ValidationFailed) as refused:
        await stand.subscribe(other, target_kind="view", target_id=private)
    assert [(i.field, i.code) for i in refused.value.issues] == [("targetId", "unknown_view")]
    assert await stand.deliveries() == []
    await ctx.document(await ctx.customer())
    await stand.drain()
    assert stand.push.payloads("other") == []


async def test_one_event_runs_a_views_search_once_per_time_zone(
    stand: Stand, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Readers of the document who subscribed to one view share its answer when they share a
    time zone (the day relative dates end on); each still gets it only while they see the view."""
    ctx = stand.ctx
    customer = await ctx.customer()
    services = ctx.runtime.services()
    last_week = SearchCriteria(document_date=RelativeDate(RelativeUnit.DAYS, 7))
    view_id = await _view(stand, ctx.admin, last_week, audience=Audience.tenant())
    zones = [None, "Europe/Warsaw", "Europe/Warsaw", "Pacific/Kiritimati", None]
    for i, zone in enumerate(zones):
        rep = await _watcher(stand, f"phone-{i}")
        if zone is not None:
            await services.accounts.set_time_zone(await ctx.principal_of(rep), zone)
        await stand.subscribe(rep, target_kind="view", target_id=view_id)
    searches: list[str | None] = []
    run = SearchService.matches

    async def counted(
        self: SearchService, principal: Principal, criteria: SearchCriteria, document_id: str
    ) -> bool:
        searches.append(principal.time_zone)
        return await run(self, principal, criteria, document_id)

    monkeypatch.setattr(SearchService, "matches", counted)
    document = await ctx.document(customer, document_date=TODAY - dt.timedelta(days=2))
    await stand.drain()

    for i in range(len(zones)):
        assert [p["documentId"] for p in stand.push.payloads(f"phone-{i}")] == [document.id]
    assert sorted(searches, key=str) == sorted(
        {None, "Europe/Warsaw", "Pacific/Kiritimati"}, key=str
    )
