"""Relative dates end with today in the user's own time zone, which the user sets."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from backend.accounts.repository import PiccoloAccountRepository
from backend.errors import ValidationFailed
from backend.search.criteria import RelativeDate, RelativeUnit, SearchCriteria
from tests.factories import FakeClock, TenantContext, runtime_with


async def test_a_user_sets_a_known_zone_and_an_unknown_one_changes_nothing(
    tenant_ctx: TenantContext,
) -> None:
    ctx = tenant_ctx
    accounts = ctx.runtime.services().accounts
    repo = PiccoloAccountRepository()
    for bad in ("Mars/Olympus", "Europe/Warsaw/..", "../etc/passwd", "warsaw"):
        with pytest.raises(ValidationFailed) as refused:
            await accounts.set_time_zone(ctx.principal, bad)
        assert [(i.field, i.code) for i in refused.value.issues] == [
            ("timeZone", "unknown_time_zone")
        ]
    user = await repo.find_user(ctx.principal.tenant_id, ctx.principal.user_id)
    assert user is not None
    assert user.time_zone is None

    changed = await accounts.set_time_zone(ctx.principal, " Europe/Warsaw ")
    assert changed.time_zone == "Europe/Warsaw"
    stored = await repo.find_user(ctx.principal.tenant_id, ctx.principal.user_id)
    assert stored is not None
    assert stored.time_zone == "Europe/Warsaw"
    assert (await accounts.set_time_zone(ctx.principal, None)).time_zone is None


async def test_last_14_days_late_in_the_evening_differ_between_warsaw_and_utc(
    tenant_ctx: TenantContext,
) -> None:
    ctx = tenant_ctx
    # 23:30 in UTC on 31 March is already 01:30 on 1 April in Warsaw.
    clock = FakeClock(dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC))
    search = runtime_with(ctx.runtime, clock=clock).services().search
    customer = await ctx.customer()
    oldest = await ctx.document(customer, title="Eighteenth", document_date=dt.date(2026, 3, 18))
    newest = await ctx.document(customer, title="First", document_date=dt.date(2026, 4, 1))
    await ctx.document(customer, title="Middle", document_date=dt.date(2026, 3, 25))
    last_14 = SearchCriteria(
        customer_ids=(customer.id,), document_date=RelativeDate(RelativeUnit.DAYS, 14)
    )
    await ctx.runtime.services().accounts.set_time_zone(ctx.principal, "Europe/Warsaw")
    user = await PiccoloAccountRepository().find_user(
        ctx.principal.tenant_id, ctx.principal.user_id
    )
    assert user is not None
    warsaw = dataclasses.replace(ctx.principal, time_zone=user.time_zone)
    utc = dataclasses.replace(ctx.principal, time_zone=None)

    in_utc = {h.document.title for h in (await search.search(utc, last_14)).hits}
    in_warsaw = {h.document.title for h in (await search.search(warsaw, last_14)).hits}
    assert in_utc == {oldest.title, "Middle"}
    assert in_warsaw == {"Middle", newest.title}
