"""The demo seed against the real database (both engines): a small run, read back through the
services the app uses."""

from __future__ import annotations

import pytest

from backend.demo import DEMO_PASSWORD, demo_present, seed_demo
from backend.documents.models import DocumentFilter, DocumentSort
from backend.errors import Conflict
from backend.runtime import Runtime


async def test_a_small_demo_seed_reads_back_and_signs_in(runtime: Runtime) -> None:
    assert not await demo_present(runtime)
    summary = await seed_demo(runtime, customers=4, documents=30)
    assert await demo_present(runtime)
    assert (summary.customers, summary.documents) == (4, 30)
    services = runtime.services()
    signed_in = {
        login.role.value: await services.accounts.sign_in("demo", login.email, DEMO_PASSWORD)
        for login in summary.logins
    }
    assert set(signed_in) == {"admin", "clerk", "sales", "auditor"}
    admin = await services.accounts.principal_for_session(signed_in["admin"].token)
    page = await services.customers.search(admin, "", 10, None)
    names = [c.name for c in page.items]
    assert len(names) == 4
    assert any(not name.isascii() for name in names)
    total = 0
    for customer in page.items:
        listing = await services.documents.list(
            admin, customer.id, DocumentFilter(), DocumentSort(), 100, None
        )
        total += len(listing.items)
        versions = await services.documents.versions_of(admin, [d.id for d in listing.items])
        assert all(v for v in versions)
    assert total == 30
    with pytest.raises(Conflict):
        await seed_demo(runtime, customers=1, documents=1)
