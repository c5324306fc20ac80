"""Administering access: roles, groups, members and grants, each change audited; bad input and
self-escalation refused with stable codes, and nothing written then."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.access.models import GrantDraft, SubjectKind
from backend.access.policy import Action, ScopeKind, can
from backend.errors import (
    DossierError,
    Forbidden,
    NotFound,
    RoleInUse,
    SelfEscalation,
    ValidationFailed,
)
from backend.runtime import Runtime
from tests.factories import TenantContext, make_tenant_context


async def _trail(ctx: TenantContext) -> list[str]:
    events = await ctx.runtime.services().audit.trail(ctx.principal, limit=100)
    return [e.action for e in events]


def _issue_codes(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {i.field: i.code for i in exc.value.issues}


async def test_roles_groups_members_and_grants_are_audited(tenant_ctx: TenantContext) -> None:
    ctx, admin = tenant_ctx, tenant_ctx.principal
    access = ctx.runtime.services().access
    role = await access.create_role(admin, "complaints-desk", "Complaints desk", ["read", "write"])
    assert role.actions == {Action.READ, Action.WRITE}
    assert "complaints-desk" in {r.key for r in await access.roles(admin)}
    role = await access.update_role(admin, "complaints-desk", None, ["read", "write", "file"])
    group = await access.create_group(admin, "desk", "Complaints desk team")
    user, _ = await ctx.user("none")
    assert await access.add_member(admin, group.id, user.id)
    assert not await access.add_member(admin, group.id, user.id), "a member already"
    grant = await access.grant(
        admin,
        GrantDraft(
            "complaints-desk",
            SubjectKind.GROUP,
            group.id,
            ScopeKind.REGISTER,
            ctx.registers["complaints"].id,
        ),
    )
    p = await ctx.principal_of(user)
    assert can(p, Action.FILE, None) is False
    assert [g.role for g in p.grants] == ["complaints-desk"]
    assert p.grants[0].actions == {Action.READ, Action.WRITE, Action.FILE}

    with pytest.raises(RoleInUse) as in_use:
        await access.delete_role(admin, "complaints-desk")
    assert in_use.value.code == "role_in_use"
    assert (await access.revoke(admin, grant.id)).id == grant.id
    await access.delete_role(admin, "complaints-desk")
    await access.remove_member(admin, group.id, user.id)
    await access.delete_group(admin, group.id)

    trail = await _trail(ctx)
    for action in (
        "access.role_create",
        "access.role_update",
        "access.group_create",
        "access.member_add",
        "access.grant",
        "access.revoke",
        "access.role_delete",
        "access.member_remove",
        "access.group_delete",
    ):
        assert trail.count(action) == 1, action
    [granted] = [
        e
        for e in await ctx.runtime.services().audit.trail(admin, limit=100)
        if e.action == "access.grant"
    ]
    assert granted.target_type == "group"
    assert granted.details["scope"] == {"kind": "register", "id": ctx.registers["complaints"].id}


async def test_a_non_admin_cannot_grant_itself_anything(tenant_ctx: TenantContext) -> None:
    ctx = tenant_ctx
    access = ctx.runtime.services().access
    clerk, _ = await ctx.user("clerk")
    clerk_p = await ctx.principal_of(clerk)
    # Even admin of one customer is not admin of access.
    await ctx.grant(clerk, "admin", ScopeKind.CUSTOMER, (await ctx.customer()).id)
    clerk_p = await ctx.principal_of(clerk)
    group = await access.create_group(ctx.principal, "mine", "Clerk's group")
    await access.add_member(ctx.principal, group.id, clerk.id)
    other, _ = await ctx.user("none")
    grants_before = await ctx.count("access_grant")
    events_before = len(await _trail(ctx))

    for subject_kind, subject_id in ((SubjectKind.USER, clerk.id), (SubjectKind.GROUP, group.id)):
        with pytest.raises(SelfEscalation) as refused:
            await access.grant(
                clerk_p, GrantDraft("admin", subject_kind, subject_id, ScopeKind.TENANT)
            )
        assert refused.value.code == "self_escalation"
    with pytest.raises(SelfEscalation):
        await access.add_member(clerk_p, group.id, clerk.id)
    with pytest.raises(Forbidden) as forbidden:
        await access.grant(
            clerk_p, GrantDraft("viewer", SubjectKind.USER, other.id, ScopeKind.TENANT)
        )
    assert forbidden.value.code == "forbidden"
    for attempt in (
        access.roles(clerk_p),
        access.groups(clerk_p),
        access.grants(clerk_p),
        access.create_role(clerk_p, "x", "X", ["read"]),
        access.create_group(clerk_p, "y", "Y"),
    ):
        with pytest.raises(Forbidden):
            await attempt

    assert await ctx.count("access_grant") == grants_before
    assert len(await _trail(ctx)) == events_before


@pytest.mark.parametrize(
    ("draft_args", "field", "code"),
    [
        ({"role": "emperor"}, "role", "unknown_role"),
        (
            {
                "valid_from": dt.datetime(2031, 1, 1, tzinfo=dt.UTC),
                "valid_until": dt.datetime(2030, 12, 1, tzinfo=dt.UTC),
            },
            "validUntil",
            "invalid_range",
        ),
        ({"valid_until": dt.datetime(2001, 1, 1, tzinfo=dt.UTC)}, "validUntil", "in_the_past"),
        ({"scope_kind": ScopeKind.CUSTOMER}, "scope.id", "required"),
        (
            {"scope_kind": ScopeKind.CUSTOMER, "scope_id": "00000000-0000-4000-8000-000000000000"},
            "scope.id",
            "unknown_scope",
        ),
        (
            {"subject_id": "00000000-0000-4000-8000-000000000000"},
            "subjectId",
            "unknown_user",
        ),
    ],
)
async def test_bad_grants_are_refused_and_nothing_is_written(
    tenant_ctx: TenantContext, draft_args: dict[str, object], field: str, code: str
) -> None:
    ctx = tenant_ctx
    user, _ = await ctx.user("none")
    fields: dict[str, object] = {
        "role": "viewer",
        "subject_kind": SubjectKind.USER,
        "subject_id": user.id,
        "scope_kind": ScopeKind.TENANT,
        "scope_id": None,
        **draft_args,
    }
    before = await ctx.count("access_grant")
    with pytest.raises(ValidationFailed) as refused:
        await ctx.runtime.services().access.grant(ctx.principal, GrantDraft(**fields))  # type: ignore[arg-type]
    assert _issue_codes(refused)[field] == code
    assert await ctx.count("access_grant") == before


async def test_scopes_of_another_tenant_are_unknown(
    runtime: Runtime, tenant_ctx: TenantContext
) -> None:
    other = await make_tenant_context(runtime)
    foreign_customer = await other.customer()
    user, _ = await tenant_ctx.user("none")
    with pytest.raises(ValidationFailed) as refused:
        await tenant_ctx.grant(user, "viewer", ScopeKind.CUSTOMER, foreign_customer.id)
    assert _issue_codes(refused)["scope.id"] == "unknown_scope"
    foreign_user, _ = await other.user("none")
    with pytest.raises(ValidationFailed) as refused:
        await tenant_ctx.grant(foreign_user, "viewer")
    assert _issue_codes(refused)["subjectId"] == "unknown_user"
    foreign_group = await other.runtime.services().access.create_group(other.principal, "g", "G")
    with pytest.raises(NotFound):
        await tenant_ctx.runtime.services().access.add_member(
            tenant_ctx.principal, foreign_group.id, user.id
        )


@pytest.mark.parametrize(
    ("key", "name", "actions", "field", "code"),
    [
        ("Bad Key", "Name", ["read"], "key", "invalid_key"),
        ("viewer", "Name", ["read"], "key", "built_in_role"),
        ("ok", " ", ["read"], "name", "required"),
        ("ok", "Name", ["read", "fly"], "actions", "unknown_action"),
        ("ok", "Name", [], "actions", "required"),
    ],
)
async def test_bad_roles_are_refused(
    tenant_ctx: TenantContext, key: str, name: str, actions: list[str], field: str, code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await tenant_ctx.runtime.services().access.create_role(
            tenant_ctx.principal, key, name, actions
        )
    assert _issue_codes(refused)[field] == code
    assert await tenant_ctx.count("access_role") == 0


async def test_duplicate_keys_conflict(tenant_ctx: TenantContext) -> None:
    access = tenant_ctx.runtime.services().access
    await access.create_role(tenant_ctx.principal, "desk", "Desk", ["read"])
    await access.create_group(tenant_ctx.principal, "desk", "Desk")
    for attempt in (
        access.create_role(tenant_ctx.principal, "desk", "Desk 2", ["read"]),
        access.create_group(tenant_ctx.principal, "desk", "Desk 2"),
    ):
        with pytest.raises(DossierError) as conflict:
            await attempt
        assert conflict.value.code == "conflict"
    with pytest.raises(ValidationFailed):
        await access.update_role(tenant_ctx.principal, "admin", "Boss", None)
