"""The sync plan: pure, deterministic, idempotent, and never touching manual memberships."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from backend.access.directory_group import DirectoryGroup
from backend.access.directory_sync import (
    ExistingGroup,
    GroupMapping,
    Membership,
    NewGroup,
    SyncPlan,
    check_mappings,
    plan_sync,
)
from backend.errors import ValidationFailed

SALES_DN = "cn=sales,ou=groups,dc=example,dc=org"
SERVICE_DN = "cn=service,ou=groups,dc=example,dc=org"
USERS = {
    "anna.mueller@example.org": "u-anna",
    "Juergen.Gross@Example.org": "u-jurgen",  # as the user typed it in Dossier
    "zofia@example.org": "u-zofia",
    "pawel@example.org": "u-pawel",
}
SALES = DirectoryGroup(
    dn=SALES_DN,
    name="Sales",
    member_emails=("anna.mueller@example.org", "juergen.gross@example.org", "nobody@example.org"),
    members_without_email=("uid=karl,ou=people,dc=example,dc=org",),
    unresolved_members=("memberUid=ghost",),
)
SERVICE = DirectoryGroup(
    dn=SERVICE_DN, name="Service", member_emails=("pawel@example.org", "zofia@example.org")
)


def existing(
    key: str,
    source_dn: str | None,
    members: set[str] | None = None,
    manual: set[str] | None = None,
) -> ExistingGroup:
    return ExistingGroup(
        id=f"id-{key}",
        key=key,
        name=key.title(),
        source_dn=source_dn,
        member_user_ids=frozenset(members or set()),
        manual_member_user_ids=frozenset(manual or set()),
    )


def apply(plan: SyncPlan, groups: list[ExistingGroup]) -> list[ExistingGroup]:
    """What a store does with a plan, on plain values."""
    by_key = {g.key: g for g in groups}
    for new in plan.create_groups:
        by_key[new.key] = existing(new.key, new.dn)
    for key, user in plan.add_members:
        by_key[key] = replace(by_key[key], member_user_ids=by_key[key].member_user_ids | {user})
    for key, user in plan.remove_members:
        by_key[key] = replace(by_key[key], member_user_ids=by_key[key].member_user_ids - {user})
    return list(by_key.values())


def issues_of(caught: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[str, str]]:
    return [(issue.field, issue.code) for issue in caught.value.issues]


def test_missing_groups_are_created_with_their_matched_members() -> None:
    plan = plan_sync(
        [GroupMapping(SERVICE_DN, "service"), GroupMapping(SALES_DN, "sales-north")],
        [SALES, SERVICE],
        [],
        USERS,
    )
    assert plan == SyncPlan(
        create_groups=(
            NewGroup("sales-north", "Sales", SALES_DN),
            NewGroup("service", "Service", SERVICE_DN),
        ),
        add_members=(
            Membership("sales-north", "u-anna"),
            Membership("sales-north", "u-jurgen"),
            Membership("service", "u-pawel"),
            Membership("service", "u-zofia"),
        ),
        remove_members=(),
        unknown_emails=("nobody@example.org",),
        members_without_email=("uid=karl,ou=people,dc=example,dc=org",),
        unresolved_members=("memberUid=ghost",),
    )
    assert not plan.changes_nothing


def test_only_directory_members_are_added_and_removed() -> None:
    sales = existing(
        "sales",
        SALES_DN,
        members={"u-anna", "u-pawel"},  # pawel has left the directory group
        manual={"u-jurgen", "u-boss"},  # jurgen is in the directory group too; boss is not
    )
    plan = plan_sync([GroupMapping(SALES_DN, "sales")], [SALES], [sales], USERS)
    assert plan.create_groups == ()
    assert plan.add_members == ()  # anna is there, jurgen is a manual member already
    assert plan.remove_members == (Membership("sales", "u-pawel"),)  # never u-boss


def test_dns_compare_as_directories_compare_them() -> None:
    sales = existing("sales", "CN=Sales, OU=Groups, DC=Example, DC=Org", members={"u-anna"})
    plan = plan_sync(
        [GroupMapping("cn=SALES,ou=groups,dc=example,dc=org", "sales")], [SALES], [sales], USERS
    )
    assert plan.create_groups == ()
    assert plan.add_members == (Membership("sales", "u-jurgen"),)


def test_a_second_plan_after_applying_the_first_changes_nothing() -> None:
    mappings = [GroupMapping(SALES_DN, "sales"), GroupMapping(SERVICE_DN, "service")]
    before = [existing("service", SERVICE_DN, members={"u-anna"}, manual={"u-zofia"})]
    first = plan_sync(mappings, [SALES, SERVICE], before, USERS)
    assert first.remove_members == (Membership("service", "u-anna"),)
    second = plan_sync(mappings, [SALES, SERVICE], apply(first, before), USERS)
    assert second.changes_nothing
    assert second.unknown_emails == first.unknown_emails  # still reported, every time


def test_groups_no_mapping_names_are_left_alone() -> None:
    other = existing("service", SERVICE_DN, members={"u-pawel", "u-anna"})
    manual = existing("board", None, manual={"u-anna"})
    plan = plan_sync([GroupMapping(SALES_DN, "sales")], [SALES, SERVICE], [other, manual], USERS)
    assert {m.group_key for m in plan.add_members + plan.remove_members} == {"sales"}


def test_the_plan_does_not_depend_on_input_order() -> None:
    mappings = [GroupMapping(SALES_DN, "sales"), GroupMapping(SERVICE_DN, "service")]
    groups = [SALES, SERVICE]
    before = [existing("service", SERVICE_DN, members={"u-anna"})]
    users = list(USERS.items())
    plan = plan_sync(mappings, groups, before, dict(users))
    assert plan_sync(mappings[::-1], groups[::-1], before, dict(users[::-1])) == plan


@pytest.mark.parametrize("seed", range(200))
def test_seeded_plans_converge_and_keep_manual_members(seed: int) -> None:
    rng = random.Random(seed)
    people = [f"user{n}@example.org" for n in range(12)]
    users = {email: f"u{n}" for n, email in enumerate(people) if rng.random() < 0.8}
    dns = [f"cn=g{n},ou=groups,dc=example,dc=org" for n in range(4)]
    groups = [
        DirectoryGroup(dn, f"G{n}", tuple(sorted(rng.sample(people, rng.randint(0, 8)))))
        for n, dn in enumerate(dns)
    ]
    mappings = [GroupMapping(dn, f"g{n}") for n, dn in enumerate(dns) if rng.random() < 0.75]
    if not mappings:
        mappings = [GroupMapping(dns[0], "g0")]
    ids = [*users.values(), "u-other"]
    before = [
        existing(
            f"g{n}",
            dns[n],
            members=set(rng.sample(ids, rng.randint(0, 5))),
            manual=set(rng.sample(ids, rng.randint(0, 3))),
        )
        for n in range(4)
        if rng.random() < 0.5
    ]
    plan = plan_sync(mappings, groups, before, users)
    manual = {(g.key, u) for g in before for u in g.manual_member_user_ids}
    directory = {(g.key, u) for g in before for u in g.member_user_ids}
    assert not manual & {tuple(m) for m in plan.add_members}
    assert {tuple(m) for m in plan.remove_members} <= directory
    assert list(plan.add_members) == sorted(set(plan.add_members))
    after = apply(plan, before)
    assert plan_sync(mappings, groups, after, users).changes_nothing
    for group in after:
        assert group.manual_member_user_ids == next(
            (g.manual_member_user_ids for g in before if g.key == group.key), frozenset()
        )


@pytest.mark.parametrize(
    ("mappings", "issues"),
    [
        ([], [("mappings", "required")]),
        ([GroupMapping(SALES_DN, "Sales")], [("mappings[0].groupKey", "invalid_key")]),
        ([GroupMapping(SALES_DN, "-sales")], [("mappings[0].groupKey", "invalid_key")]),
        ([GroupMapping(SALES_DN, "s" * 64)], [("mappings[0].groupKey", "invalid_key")]),
        ([GroupMapping(SALES_DN, "")], [("mappings[0].groupKey", "invalid_key")]),
        ([GroupMapping(SALES_DN, "sales north")], [("mappings[0].groupKey", "invalid_key")]),
        ([GroupMapping("sales", "sales")], [("mappings[0].directoryDn", "invalid_dn")]),
        (
            [GroupMapping(SALES_DN, "sales"), GroupMapping(SERVICE_DN, "sales")],
            [("mappings[1].groupKey", "duplicate_key")],
        ),
        (
            [
                GroupMapping(SALES_DN, "sales"),
                GroupMapping("CN=Sales,OU=Groups,DC=example,DC=org", "s2"),
            ],
            [("mappings[1].directoryDn", "duplicate_dn")],
        ),
        (
            [GroupMapping("x", "A"), GroupMapping(SALES_DN, "ok"), GroupMapping(SERVICE_DN, "ok")],
            [
                ("mappings[0].directoryDn", "invalid_dn"),
                ("mappings[0].groupKey", "invalid_key"),
                ("mappings[2].groupKey", "duplicate_key"),
            ],
        ),
    ],
)
def test_bad_mappings_are_refused_with_stable_codes(
    mappings: list[GroupMapping], issues: list[tuple[str, str]]
) -> None:
    assert [(i.field, i.code) for i in check_mappings(mappings)] == issues
    with pytest.raises(ValidationFailed) as caught:
        plan_sync(mappings, [SALES, SERVICE], [], USERS)
    assert issues_of(caught) == issues


def test_a_mapping_never_takes_over_another_group() -> None:
    groups = [
        existing("board", None, manual={"u-anna"}),
        existing("service", "cn=old-service,ou=groups,dc=example,dc=org"),
        existing("sales", SALES_DN),
    ]
    with pytest.raises(ValidationFailed) as caught:
        plan_sync(
            [
                GroupMapping(SERVICE_DN, "board"),
                GroupMapping(SERVICE_DN.replace("service", "field"), "service"),
                GroupMapping(SALES_DN, "sales-north"),
            ],
            [SALES, SERVICE, replace(SERVICE, dn=SERVICE_DN.replace("service", "field"))],
            groups,
            USERS,
        )
    assert caught.value.code == "invalid"
    assert issues_of(caught) == [
        ("mappings[0].groupKey", "manual_group"),
        ("mappings[1].groupKey", "other_directory_group"),
        ("mappings[2].directoryDn", "imported_as_other_key"),
    ]


def test_a_mapping_without_its_directory_group_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="cn=sales"):
        plan_sync([GroupMapping(SALES_DN, "sales")], [SERVICE], [], USERS)
