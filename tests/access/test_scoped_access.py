"""Scoped, time-limited grants against the real database: listings, counts, single documents,
downloads and customers show exactly what ``can`` allows, and nothing else leaks."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
import pytest_asyncio

from backend.access.policy import Action, Principal, Resource, ScopeKind, can
from backend.accounts.models import User
from backend.documents.models import Document, DocumentFilter, DocumentSort, MetadataPatch
from backend.errors import Forbidden, NotFound
from backend.runtime import Runtime
from tests.factories import FakeClock, TenantContext, make_tenant_context, runtime_with


@dataclasses.dataclass
class World:
    ctx: TenantContext
    clock: FakeClock
    customers: dict[str, str]
    docs: dict[str, Document]
    registers_of: dict[str, frozenset[str]]

    @property
    def services(self) -> Any:
        return self.ctx.runtime.services()

    def resource(self, name: str) -> Resource:
        d = self.docs[name]
        return Resource(
            d.tenant_id,
            customer_id=d.customer_id,
            document_type_id=d.document_type_id,
            register_ids=self.registers_of[name],
            document_id=d.id,
        )

    async def listed(self, principal: Principal) -> set[str]:
        found: set[str] = set()
        for customer_id in self.customers.values():
            page = await self.services.documents.list(
                principal, customer_id, DocumentFilter(), DocumentSort(), 200, None
            )
            found |= {d.id for d in page.items}
        return found

    def names(self, ids: set[str]) -> set[str]:
        return {n for n, d in self.docs.items() if d.id in ids}


@pytest_asyncio.fixture(loop_scope="session")
async def world(runtime: Runtime) -> World:
    clock = FakeClock()
    rt = runtime_with(runtime, clock=clock)
    ctx = await make_tenant_context(rt)
    customers = {n: (await ctx.customer(name=n)).id for n in ("Acme", "Borsig", "Czapla")}
    docs: dict[str, Document] = {}
    registers_of: dict[str, frozenset[str]] = {}
    for customer in customers:
        for type_key in ("invoice", "complaint", "letter"):
            name = f"{customer}-{type_key}"
            docs[name] = await ctx.document(customers[customer], type_key, title=name)
    # One letter filed in the complaints register too: register grants must reach it.
    extra = docs["Borsig-letter"]
    await ctx.runtime.services().documents.assign_registers(
        ctx.principal,
        extra.id,
        [ctx.registers["correspondence"].id, ctx.registers["complaints"].id],
    )
    found = await ctx.runtime.services().documents.registers_of(
        ctx.principal, [d.id for d in docs.values()]
    )
    for name, registers in zip(docs, found, strict=True):
        registers_of[name] = frozenset(registers)
    return World(ctx, clock, customers, docs, registers_of)


async def _nobody(world: World) -> User:
    user, _ = await world.ctx.user("none")
    return user


async def test_a_user_without_grants_sees_nothing(world: World) -> None:
    user = await _nobody(world)
    p = await world.ctx.principal_of(user)
    assert await world.listed(p) == set()
    for customer_id in world.customers.values():
        assert await world.services.documents.register_counts(p, customer_id) == {}
        assert await world.services.documents.document_count(p, customer_id) == 0
    assert (await world.services.customers.search(p, "", 50, None)).items == []
    with pytest.raises(NotFound):
        await world.services.customers.get(p, world.customers["Acme"])
    with pytest.raises(NotFound):
        await world.services.documents.get(p, world.docs["Acme-invoice"].id)


@pytest.mark.parametrize(
    ("scope", "target", "expected"),
    [
        (ScopeKind.CUSTOMER, "Acme", {"Acme-invoice", "Acme-complaint", "Acme-letter"}),
        (ScopeKind.DOCUMENT_TYPE, "invoice", {"Acme-invoice", "Borsig-invoice", "Czapla-invoice"}),
        (
            ScopeKind.REGISTER,
            "complaints",
            {"Acme-complaint", "Borsig-complaint", "Czapla-complaint", "Borsig-letter"},
        ),
        (ScopeKind.DOCUMENT, "Czapla-letter", {"Czapla-letter"}),
    ],
)
async def test_a_scoped_grant_shows_exactly_its_scope(
    world: World, scope: ScopeKind, target: str, expected: set[str]
) -> None:
    scope_id = {
        ScopeKind.CUSTOMER: lambda: world.customers[target],
        ScopeKind.DOCUMENT_TYPE: lambda: world.ctx.types[target].id,
        ScopeKind.REGISTER: lambda: world.ctx.registers[target].id,
        ScopeKind.DOCUMENT: lambda: world.docs[target].id,
    }[scope]()
    user = await _nobody(world)
    await world.ctx.grant(user, "viewer", scope, scope_id)
    p = await world.ctx.principal_of(user)

    listed = world.names(await world.listed(p))
    assert listed == expected
    # The listing is the set form of can(): the same answer for every document.
    assert listed == {n for n in world.docs if can(p, Action.READ, world.resource(n))}
    # Counts never count what the user cannot see.
    total = 0
    for customer_id in world.customers.values():
        counts = await world.services.documents.register_counts(p, customer_id)
        count = await world.services.documents.document_count(p, customer_id)
        total += count
        per_register = sum(
            1
            for n in expected
            if world.docs[n].customer_id == customer_id
            for _ in world.registers_of[n]
        )
        assert sum(counts.values()) == per_register
    assert total == len(expected)
    # Single reads follow the same rule; hidden documents look missing.
    for name, doc in world.docs.items():
        if name in expected:
            assert (await world.services.documents.get(p, doc.id)).id == doc.id
        else:
            with pytest.raises(NotFound):
                await world.services.documents.get(p, doc.id)
    # viewer may read but not download or change.
    visible = world.docs[sorted(expected)[0]]
    version = (await world.services.documents.versions_of(p, [visible.id]))[0][0]
    with pytest.raises(Forbidden):
        await world.services.documents.content(p, version.id)
    with pytest.raises(Forbidden):
        await world.services.documents.update_metadata(p, visible.id, MetadataPatch(title="x"))


async def test_customers_follow_the_grants(world: World) -> None:
    by_customer = await _nobody(world)
    await world.ctx.grant(by_customer, "viewer", ScopeKind.CUSTOMER, world.customers["Borsig"])
    by_document = await _nobody(world)
    await world.ctx.grant(by_document, "viewer", ScopeKind.DOCUMENT, world.docs["Czapla-letter"].id)
    by_type = await _nobody(world)
    await world.ctx.grant(by_type, "viewer", ScopeKind.DOCUMENT_TYPE, world.ctx.types["invoice"].id)

    async def names(user: User) -> set[str]:
        p = await world.ctx.principal_of(user)
        return {c.name for c in (await world.services.customers.search(p, "", 50, None)).items}

    assert await names(by_customer) == {"Borsig"}
    assert await names(by_document) == {"Czapla"}
    # Type and register grants reach across customers: every cover sheet shows.
    assert await names(by_type) == {"Acme", "Borsig", "Czapla"}
    p = await world.ctx.principal_of(by_customer)
    with pytest.raises(NotFound):
        await world.services.customers.get(p, world.customers["Acme"])


async def test_a_time_limited_grant_opens_and_closes(world: World) -> None:
    auditor = await _nobody(world)
    start = world.clock.now + dt.timedelta(days=1)
    end = start + dt.timedelta(days=14)
    await world.ctx.grant(auditor, "auditor", valid_from=start, valid_until=end)
    doc = world.docs["Acme-invoice"]

    before = await world.ctx.principal_of(auditor)
    assert await world.listed(before) == set()
    during = await world.ctx.principal_of(auditor, at=start + dt.timedelta(days=3))
    assert await world.listed(during) == {d.id for d in world.docs.values()}
    assert can(during, Action.AUDIT)
    after = await world.ctx.principal_of(auditor, at=end)
    assert await world.listed(after) == set()
    assert after.grants == (), "ended grants are not even loaded"
    with pytest.raises(NotFound):
        await world.services.documents.get(after, doc.id)


async def test_write_on_one_register_files_only_there(world: World) -> None:
    user = await _nobody(world)
    complaints = world.ctx.registers["complaints"].id
    await world.ctx.grant(user, "clerk", ScopeKind.REGISTER, complaints)
    p = await world.ctx.principal_of(user)
    acme = world.customers["Acme"]
    # May upload a complaint (filed in complaints by default), not an invoice.
    from tests.factories import make_document

    created = await make_document(world.ctx.runtime, p, acme, world.ctx.types["complaint"])
    assert created.customer_id == acme
    with pytest.raises(Forbidden):
        await make_document(world.ctx.runtime, p, acme, world.ctx.types["invoice"])
    # May not move a complaint out of the registers it may write to.
    with pytest.raises(Forbidden):
        await world.services.documents.assign_registers(
            p, created.id, [world.ctx.registers["invoices"].id]
        )


async def test_a_group_grant_reaches_its_members_until_they_leave(world: World) -> None:
    user = await _nobody(world)
    access = world.services.access
    group = await access.create_group(world.ctx.principal, "field-north", "Field service north")
    await access.add_member(world.ctx.principal, group.id, user.id)
    from backend.access.models import GrantDraft, SubjectKind

    await access.grant(
        world.ctx.principal,
        GrantDraft(
            "viewer", SubjectKind.GROUP, group.id, ScopeKind.CUSTOMER, world.customers["Acme"]
        ),
    )
    p = await world.ctx.principal_of(user)
    assert world.names(await world.listed(p)) == {"Acme-invoice", "Acme-complaint", "Acme-letter"}
    await access.remove_member(world.ctx.principal, group.id, user.id)
    assert await world.listed(await world.ctx.principal_of(user)) == set()
