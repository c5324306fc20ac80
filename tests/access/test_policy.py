"""The access decision as a pure function: scopes, time windows, deny by default, and that its set
form (``visibility``) agrees with it for every resource."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest

from backend.access.policy import (
    ROLES,
    Action,
    Grant,
    Principal,
    Resource,
    Role,
    ScopeKind,
    can,
    can_somewhere,
    visibility,
)

T = "tenant-1"
NOW = dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC)
READ_ONLY = frozenset({Action.READ})


def principal(role: Role = Role.NONE, *grants: Grant) -> Principal:
    return Principal("u1", T, "u@example.com", "U", role, "session", grants=grants, as_of=NOW)


def grant(
    kind: ScopeKind,
    scope: str | None = None,
    actions: frozenset[Action] = READ_ONLY,
    **window: dt.datetime | None,
) -> Grant:
    return Grant(f"g-{kind}-{scope}", "custom", actions, kind, scope, **window)


DOC = Resource(
    T, customer_id="c1", document_type_id="t1", register_ids=frozenset({"r1"}), document_id="d1"
)


def test_deny_by_default() -> None:
    nobody = principal()
    assert not any(can(nobody, a, DOC) for a in Action)
    assert not any(can(nobody, a) for a in Action)
    assert visibility(nobody, Action.READ).nothing
    assert not can_somewhere(nobody, Action.READ)


def test_home_role_applies_tenant_wide_and_only_in_its_tenant() -> None:
    for role in Role:
        p = principal(role)
        for action in Action:
            assert can(p, action, DOC) == (action in ROLES[role])
            assert can(p, action) == (action in ROLES[role])
    foreign = Resource("tenant-2", customer_id="c1")
    assert not can(principal(Role.ADMIN), Action.READ, foreign)


@pytest.mark.parametrize(
    ("kind", "scope", "covered"),
    [
        (ScopeKind.TENANT, None, True),
        (ScopeKind.CUSTOMER, "c1", True),
        (ScopeKind.CUSTOMER, "c2", False),
        (ScopeKind.DOCUMENT_TYPE, "t1", True),
        (ScopeKind.DOCUMENT_TYPE, "t2", False),
        (ScopeKind.REGISTER, "r1", True),
        (ScopeKind.REGISTER, "r2", False),
        (ScopeKind.DOCUMENT, "d1", True),
        (ScopeKind.DOCUMENT, "d2", False),
    ],
)
def test_each_scope_covers_what_it_names(kind: ScopeKind, scope: str | None, covered: bool) -> None:
    p = principal(Role.NONE, grant(kind, scope))
    assert can(p, Action.READ, DOC) is covered
    assert not can(p, Action.WRITE, DOC), "a grant gives only its role's actions"


def test_scoped_grants_do_not_reach_the_tenant_as_a_whole() -> None:
    p = principal(Role.NONE, grant(ScopeKind.CUSTOMER, "c1", frozenset(Action)))
    assert not can(p, Action.ADMIN), "admin of one customer is not admin of the tenant"
    assert can(p, Action.ADMIN, Resource(T, customer_id="c1"))
    assert can_somewhere(p, Action.ADMIN)


def test_time_window_is_half_open() -> None:
    start, end = NOW, NOW + dt.timedelta(days=14)
    p = principal(Role.NONE, grant(ScopeKind.TENANT, valid_from=start, valid_until=end))
    assert not can(p, Action.READ, DOC, at=start - dt.timedelta(microseconds=1))
    assert can(p, Action.READ, DOC, at=start)
    assert can(p, Action.READ, DOC, at=end - dt.timedelta(microseconds=1))
    assert not can(p, Action.READ, DOC, at=end)
    assert visibility(p, Action.READ, at=end).nothing
    assert visibility(p, Action.READ, at=start).everything


def test_decisions_default_to_the_moment_the_principal_was_resolved() -> None:
    later = principal(Role.NONE, grant(ScopeKind.TENANT, valid_from=NOW + dt.timedelta(hours=1)))
    assert not can(later, Action.READ, DOC)


def _covered(resource: Resource, visible_ids: dict[str, frozenset[str]]) -> bool:
    """The SQL condition's meaning, spelled out (the database tests run the SQL itself)."""
    return bool(
        resource.customer_id in visible_ids["customers"]
        or resource.document_type_id in visible_ids["types"]
        or resource.document_id in visible_ids["documents"]
        or resource.register_ids & visible_ids["registers"]
    )


def test_visibility_agrees_with_can_on_random_grants() -> None:
    rng = random.Random(7)
    kinds = list(ScopeKind)
    resources = [
        Resource(
            T,
            customer_id=f"c{c}",
            document_type_id=f"t{t}",
            register_ids=frozenset(f"r{r}" for r in rng.sample(range(4), rng.randint(0, 2))),
            document_id=f"d{c}{t}{i}",
        )
        for c, t, i in itertools.product(range(3), range(3), range(2))
    ]
    for _ in range(300):
        grants = []
        for n in range(rng.randint(0, 4)):
            kind = rng.choice(kinds)
            scope = (
                None
                if kind is ScopeKind.TENANT
                else rng.choice(
                    {
                        ScopeKind.CUSTOMER: ["c0", "c1", "c2"],
                        ScopeKind.DOCUMENT_TYPE: ["t0", "t1", "t2"],
                        ScopeKind.REGISTER: ["r0", "r1", "r2", "r3"],
                        ScopeKind.DOCUMENT: [r.document_id for r in resources],
                    }[kind]
                )
            )
            window = rng.choice([{}, {"valid_until": NOW}, {"valid_from": NOW + dt.timedelta(1)}])
            actions = frozenset(rng.sample(list(Action), rng.randint(1, 3)))
            grants.append(Grant(f"g{n}", "r", actions, kind, scope, **window))
        p = principal(rng.choice([Role.NONE, Role.VIEWER]), *grants)
        for action in Action:
            v = visibility(p, action)
            ids = {
                "customers": v.customers,
                "types": v.document_types,
                "documents": v.documents,
                "registers": v.registers,
            }
            for resource in resources:
                assert can(p, action, resource) == (v.everything or _covered(resource, ids))
