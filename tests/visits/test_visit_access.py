"""Who may record and read visits: only at customers the person may read (a customer grant is
enough; another customer, another tenant's or none at all is ``not_found``)."""

from __future__ import annotations

import pytest

from backend.access.policy import ScopeKind
from backend.errors import NotFound
from backend.runtime import Runtime
from backend.visits.models import VisitDraft
from tests.factories import TenantContext, make_tenant_context


async def test_visits_need_read_access_to_the_customer(
    runtime: Runtime, tenant_ctx: TenantContext
) -> None:
    visits = runtime.services().visits
    mine, theirs = await tenant_ctx.customer(), await tenant_ctx.customer()
    rep, _ = await tenant_ctx.user("none")
    await tenant_ctx.grant(rep, "viewer", ScopeKind.CUSTOMER, mine.id)
    principal = await tenant_ctx.principal_of(rep)

    visit = await visits.record(principal, VisitDraft(mine.id, note="ok"))
    assert (visit.customer_id, visit.user_id) == (mine.id, rep.id)
    page = await visits.of_customer(principal, mine.id, 10, None)
    assert [v.id for v in page.items] == [visit.id]

    with pytest.raises(NotFound):
        await visits.record(principal, VisitDraft(theirs.id))
    with pytest.raises(NotFound):
        await visits.of_customer(principal, theirs.id, 10, None)
    nobody, _ = await tenant_ctx.user("none")
    with pytest.raises(NotFound):
        await visits.record(await tenant_ctx.principal_of(nobody), VisitDraft(mine.id))
    other = await make_tenant_context(runtime)
    with pytest.raises(NotFound):
        await visits.record(other.principal, VisitDraft(mine.id))
    with pytest.raises(NotFound):
        await visits.of_customer(other.principal, mine.id, 10, None)
    assert await tenant_ctx.count("customer_visit") == 1
    assert await visits.last_visits(other.principal, [mine.id]) == [None], (
        "another tenant's principal never sees the tenant's visits"
    )
