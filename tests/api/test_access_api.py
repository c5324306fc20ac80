"""Access administration through GraphQL, and what a scoped user sees over HTTP: grants take effect
with the next request, hidden documents look missing, downloads follow the same rule."""

from __future__ import annotations

from typing import Any

from backend.persistence.engines import count_statements
from backend.runtime import Runtime
from tests.api.conftest import Api, browser, sign_in
from tests.factories import make_tenant_context

ERRORS = "__typename ... on Error { code message } ... on ValidationError { issues { field code } }"
CREATE_GROUP = f"""mutation($k: String!, $n: String!) {{
  createGroup(key: $k, name: $n) {{ {ERRORS} ... on Group {{ id key members {{ user {{ email }} }} }} }}
}}"""
ADD_MEMBER = f"""mutation($g: ID!, $u: ID!) {{
  addGroupMember(groupId: $g, userId: $u) {{ {ERRORS} ... on MembershipChange {{ changed }} }}
}}"""
GRANT = f"""mutation($input: GrantInput!) {{
  grantAccess(input: $input) {{ {ERRORS} ... on Grant {{ id role scopeKind scopeId validUntil }} }}
}}"""
REVOKE = f"mutation($id: ID!) {{ revokeAccess(id: $id) {{ {ERRORS} ... on Grant {{ id }} }} }}"
CREATE_ROLE = f"""mutation($k: String!, $a: [String!]!) {{
  createAccessRole(key: $k, name: "Desk", actions: $a) {{ {ERRORS} ... on AccessRole {{ key actions builtIn }} }}
}}"""
ME = "{ me { id role actions actionsSomewhere } }"
CUSTOMERS = "{ customers { items { id name } } }"
DOSSIER = """query($c: ID!) { dossier(customerId: $c) {
  documentCount registers { register { key } count } documents { items { id title } } } }"""


async def _me(api: Api) -> dict[str, Any]:
    return (await api.data(ME))["me"]


async def test_an_admin_grants_a_group_a_customer_and_revokes_it(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    seen, hidden = await ctx.customer(name="Seen GmbH"), await ctx.customer(name="Hidden AG")
    seen_doc = await ctx.document(seen, "invoice", title="Visible invoice")
    hidden_doc = await ctx.document(hidden, "invoice", title="Hidden invoice")
    [[hidden_version]] = await ctx.runtime.services().documents.versions_of(
        ctx.principal, [hidden_doc.id]
    )
    async with browser(runtime) as admin_client, browser(runtime) as user_client:
        admin = await sign_in(admin_client, ctx)
        user = await sign_in(user_client, ctx, role="none")
        me = await _me(user)
        assert (me["role"], me["actions"], me["actionsSomewhere"]) == ("none", [], [])
        assert (await user.data(CUSTOMERS))["customers"]["items"] == []

        group = (await admin.data(CREATE_GROUP, {"k": "field-north", "n": "Field north"}))[
            "createGroup"
        ]
        assert group["__typename"] == "Group", group
        added = await admin.data(ADD_MEMBER, {"g": group["id"], "u": me["id"]})
        assert added["addGroupMember"] == {"__typename": "MembershipChange", "changed": True}
        granted = (
            await admin.data(
                GRANT,
                {
                    "input": {
                        "role": "clerk",
                        "subjectKind": "GROUP",
                        "subjectId": group["id"],
                        "scopeKind": "CUSTOMER",
                        "scopeId": seen.id,
                    }
                },
            )
        )["grantAccess"]
        assert (granted["__typename"], granted["scopeKind"]) == ("Grant", "CUSTOMER"), granted

        # The next request of the user sees the customer and its documents, and nothing else.
        assert (await _me(user))["actionsSomewhere"] == ["download", "file", "read", "write"]
        assert [c["name"] for c in (await user.data(CUSTOMERS))["customers"]["items"]] == [
            "Seen GmbH"
        ]
        dossier = (await user.data(DOSSIER, {"c": seen.id}))["dossier"]
        assert dossier["documentCount"] == 1
        assert [d["id"] for d in dossier["documents"]["items"]] == [seen_doc.id]
        missing = await user.gql(DOSSIER, {"c": hidden.id})
        assert missing["errors"][0]["extensions"]["code"] == "not_found"
        document = await user.gql(
            "query($d: ID!) { document(id: $d) { id } }", {"d": hidden_doc.id}
        )
        assert document["errors"][0]["extensions"]["code"] == "not_found"
        download = await user.client.get(f"/files/{hidden_version.id}")
        assert download.status_code == 404
        assert "Hidden" not in download.text

        # Not an administrator: cannot grant itself more.
        escalate = (
            await user.data(
                GRANT,
                {
                    "input": {
                        "role": "admin",
                        "subjectKind": "USER",
                        "subjectId": me["id"],
                        "scopeKind": "TENANT",
                    }
                },
            )
        )["grantAccess"]
        assert escalate == {
            "__typename": "ForbiddenError",
            "code": "self_escalation",
            "message": escalate["message"],
        }
        refused = await user.gql("{ groups { id } }")
        assert refused["errors"][0]["extensions"]["code"] == "forbidden"

        revoked = (await admin.data(REVOKE, {"id": granted["id"]}))["revokeAccess"]
        assert revoked == {"__typename": "Grant", "id": granted["id"]}
        assert (await user.data(CUSTOMERS))["customers"]["items"] == []

        trail = await admin.data("{ auditTrail(first: 20) { items { action } } }")
        actions = [e["action"] for e in trail["auditTrail"]["items"]]
        for action in ("access.group_create", "access.member_add", "access.grant", "access.revoke"):
            assert action in actions


async def test_bad_admin_input_answers_with_codes(api: Api) -> None:
    me = await _me(api)
    inverted = (
        await api.data(
            GRANT,
            {
                "input": {
                    "role": "viewer",
                    "subjectKind": "USER",
                    "subjectId": me["id"],
                    "scopeKind": "TENANT",
                    "validFrom": "2031-02-01T00:00:00Z",
                    "validUntil": "2031-01-01T00:00:00Z",
                }
            },
        )
    )["grantAccess"]
    assert inverted["__typename"] == "ValidationError"
    assert {"field": "validUntil", "code": "invalid_range"} in inverted["issues"]
    unknown = (
        await api.data(
            GRANT,
            {
                "input": {
                    "role": "wizard",
                    "subjectKind": "USER",
                    "subjectId": me["id"],
                    "scopeKind": "DOCUMENT",
                    "scopeId": "not-an-id",
                }
            },
        )
    )["grantAccess"]
    assert unknown["code"] in {"not_found", "invalid"}, unknown
    role = (await api.data(CREATE_ROLE, {"k": "desk", "a": ["read", "teleport"]}))[
        "createAccessRole"
    ]
    assert role["issues"] == [{"field": "actions", "code": "unknown_action"}]
    role = (await api.data(CREATE_ROLE, {"k": "desk", "a": ["read", "file"]}))["createAccessRole"]
    assert role == {
        "__typename": "AccessRole",
        "key": "desk",
        "actions": ["file", "read"],
        "builtIn": False,
    }
    roles = (await api.data("{ accessRoles { key builtIn } }"))["accessRoles"]
    assert {"key": "none", "builtIn": True} in roles
    assert {"key": "desk", "builtIn": False} in roles
    assert await api.ctx.count("access_grant") == 0


SET_ROLE = f"""mutation($u: ID!, $r: String!) {{
  setUserRole(userId: $u, role: $r) {{ {ERRORS} ... on UserAccount {{ id role }} }}
}}"""


async def test_admins_change_home_roles_but_not_their_own(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    async with browser(runtime) as admin_client, browser(runtime) as user_client:
        admin = await sign_in(admin_client, ctx)
        clerk = await sign_in(user_client, ctx, role="clerk")
        clerk_id = (await _me(clerk))["id"]
        accounts = (await admin.data("{ userAccounts { id email role active } }"))["userAccounts"]
        assert {"id": clerk_id, "email": clerk.email, "role": "clerk", "active": True} in accounts

        demoted = (await admin.data(SET_ROLE, {"u": clerk_id, "r": "viewer"}))["setUserRole"]
        assert demoted == {"__typename": "UserAccount", "id": clerk_id, "role": "viewer"}
        assert (await _me(clerk))["actions"] == ["read"], "the next request sees the new role"

        own = await admin.data(SET_ROLE, {"u": (await _me(admin))["id"], "r": "viewer"})
        assert own["setUserRole"]["issues"] == [{"field": "userId", "code": "own_role"}]
        bad = (await admin.data(SET_ROLE, {"u": clerk_id, "r": "emperor"}))["setUserRole"]
        assert bad["issues"] == [{"field": "role", "code": "invalid_role"}]
        escalate = (await clerk.data(SET_ROLE, {"u": clerk_id, "r": "admin"}))["setUserRole"]
        assert escalate["code"] == "self_escalation"
        refused = await clerk.gql("{ userAccounts { id } }")
        assert refused["errors"][0]["extensions"]["code"] == "forbidden"

        trail = await admin.data("{ auditTrail(first: 10) { items { action details } } }")
        changes = [e for e in trail["auditTrail"]["items"] if e["action"] == "user.role_change"]
        assert [c["details"] for c in changes] == [{"old": "clerk", "new": "viewer"}]


async def test_groups_with_members_cost_the_same_statements_for_one_or_many(api: Api) -> None:
    async def statements_for(groups: int) -> int:
        ctx = await make_tenant_context(api.ctx.runtime)
        access = ctx.runtime.services().access
        for i in range(groups):
            group = await access.create_group(ctx.principal, f"team-{i}", f"Team {i}")
            user, _ = await ctx.user("none")
            await access.add_member(ctx.principal, group.id, user.id)
        async with browser(ctx.runtime) as client:
            admin = await sign_in(client, ctx)
            with count_statements() as counted:
                data = await admin.data("{ groups { key members { user { email } source } } }")
        assert len(data["groups"]) == groups
        assert all(len(g["members"]) == 1 for g in data["groups"])
        return counted.value

    assert await statements_for(1) == await statements_for(4)
