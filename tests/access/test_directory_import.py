"""Importing directory groups into a tenant, end to end: the real slapd of the session, the real
database, GraphQL and the command line. Members are matched by e-mail; only directory
memberships are ever removed; every change is audited; a grant to an imported group works."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from backend.access.directory import directory_reader
from backend.access.directory_sync import GroupMapping
from backend.access.models import GrantDraft, MemberSource, SubjectKind
from backend.access.policy import ScopeKind
from backend.errors import DirectoryNotConfigured, DirectoryUnavailable, Forbidden, ValidationFailed
from backend.runtime import Runtime
from tests.api.conftest import browser, sign_in
from tests.factories import TenantContext, make_tenant_context
from tests.ldap_server import GROUP_BASE, LdapDirectory

IMPORT = """mutation($m: [DirectoryMappingInput!]!, $dry: Boolean!) {
  importDirectoryGroups(mappings: $m, dryRun: $dry) {
    __typename
    ... on Error { code message }
    ... on ValidationError { issues { field code } }
    ... on DirectoryImport { dryRun createdGroups added removed unknownEmails membersWithoutEmail }
  }
}"""


def person(uid: str) -> str:
    return f"uid={uid},ou=people,dc=example,dc=org"


async def _people(ctx: TenantContext) -> dict[str, str]:
    """Dossier users for some of the directory's people (addresses as Dossier keeps them)."""
    ids = {}
    for uid, email in (
        ("anna", "anna.mueller@example.org"),
        ("jurgen", "juergen.gross@example.org"),
        ("zofia", "zofia@example.org"),
    ):
        user, _ = await ctx.user("none", email=email)
        ids[uid] = user.id
    return ids


def _own_group(ldap_directory: LdapDirectory, members: list[str]) -> str:
    dn = f"cn=import-{uuid.uuid4().hex[:8]},{GROUP_BASE}"
    ldap_directory.add(dn, ["groupOfNames"], {"cn": dn[3:].split(",")[0], "member": members})
    return dn


async def test_import_creates_groups_syncs_members_and_leaves_manual_ones(
    runtime: Runtime, ldap_directory: LdapDirectory
) -> None:
    ctx = await make_tenant_context(runtime)
    people = await _people(ctx)
    access = ctx.runtime.services().access
    read = directory_reader(ldap_directory.settings())
    dn = _own_group(ldap_directory, [person("anna"), person("jurgen"), person("karl")])
    mapping = [GroupMapping(dn, "field-team")]

    preview = await access.import_directory_groups(ctx.principal, mapping, read, dry_run=True)
    assert [g.key for g in preview.create_groups] == ["field-team"]
    assert await ctx.count("user_group") == 0, "a dry run changes nothing"

    plan = await access.import_directory_groups(ctx.principal, mapping, read)
    assert len(plan.add_members) == 2
    assert plan.members_without_email == (person("karl"),)
    [group] = await access.groups(ctx.principal)
    assert (group.key, group.source_dn) == ("field-team", dn)
    [members] = await access.members(ctx.principal, [group.id])
    assert {(m.user_id, m.source) for m in members} == {
        (people["anna"], MemberSource.DIRECTORY),
        (people["jurgen"], MemberSource.DIRECTORY),
    }
    # An admin adds Zofia by hand; the directory drops Jürgen and adds no one.
    await access.add_member(ctx.principal, group.id, people["zofia"])
    ldap_directory.replace_values(dn, "member", [person("anna"), person("karl")])
    again = await access.import_directory_groups(ctx.principal, mapping, read)
    assert (len(again.add_members), len(again.remove_members)) == (0, 1)
    [members] = await access.members(ctx.principal, [group.id])
    assert {m.user_id for m in members} == {people["anna"], people["zofia"]}
    # Importing once more changes nothing.
    assert (await access.import_directory_groups(ctx.principal, mapping, read)).changes_nothing

    trail = [e.action for e in await ctx.runtime.services().audit.trail(ctx.principal, limit=200)]
    assert trail.count("access.directory_import") == 3
    assert trail.count("access.member_add") == 3  # two imported, one by hand
    assert trail.count("access.member_remove") == 1

    # A grant to the imported group reaches its members.
    customer = await ctx.customer(name="Nordwind")
    await access.grant(
        ctx.principal,
        GrantDraft("viewer", SubjectKind.GROUP, group.id, ScopeKind.CUSTOMER, customer.id),
    )
    anna = (await ctx.runtime.services().accounts.users(ctx.tenant.id, [people["anna"]]))[0]
    seen = await ctx.runtime.services().customers.search(await ctx.principal_of(anna), "", 10, None)
    assert [c.name for c in seen.items] == ["Nordwind"]


async def test_bad_imports_change_nothing(
    tenant_ctx: TenantContext, ldap_directory: LdapDirectory
) -> None:
    ctx = tenant_ctx
    access = ctx.runtime.services().access
    read = directory_reader(ldap_directory.settings())
    manual = await access.create_group(ctx.principal, "made-here", "Made in Dossier")
    before = await ctx.count("user_group")
    with pytest.raises(ValidationFailed) as conflict:
        await access.import_directory_groups(
            ctx.principal, [GroupMapping(f"cn=sales,{GROUP_BASE}", manual.key)], read
        )
    assert conflict.value.issues[0].code == "manual_group"
    with pytest.raises(ValidationFailed) as bad_key:
        await access.import_directory_groups(
            ctx.principal, [GroupMapping(f"cn=sales,{GROUP_BASE}", "Not A Key")], read
        )
    assert bad_key.value.issues[0].code == "invalid_key"
    with pytest.raises(DirectoryUnavailable):
        await access.import_directory_groups(
            ctx.principal,
            [GroupMapping(f"cn=sales,{GROUP_BASE}", "sales")],
            directory_reader(ldap_directory.settings(bind_password="wrong")),
        )
    with pytest.raises(DirectoryNotConfigured):
        await access.import_directory_groups(
            ctx.principal, [GroupMapping(f"cn=sales,{GROUP_BASE}", "sales")], directory_reader(None)
        )
    clerk, _ = await ctx.user("clerk")
    with pytest.raises(Forbidden):
        await access.import_directory_groups(
            await ctx.principal_of(clerk), [GroupMapping(f"cn=sales,{GROUP_BASE}", "sales")], read
        )
    assert await ctx.count("user_group") == before
    assert await ctx.count("group_member") == 0


async def test_import_through_graphql_and_the_command_line(
    runtime: Runtime, ldap_directory: LdapDirectory, settings_env: dict[str, str]
) -> None:
    from backend.settings import load_settings
    from tests.test_cli import run

    ctx = await make_tenant_context(runtime)
    await _people(ctx)
    dn = _own_group(ldap_directory, [person("anna"), person("zofia"), person("karl")])
    settings = ldap_directory.settings()
    ldap_env = {
        "DOSSIER_LDAP_URL": settings.url,
        "DOSSIER_LDAP_BIND_DN": settings.bind_dn or "",
        "DOSSIER_LDAP_BIND_PASSWORD": settings.bind_password or "",
        "DOSSIER_LDAP_GROUP_BASE": settings.group_base,
    }
    with_directory = runtime_with_settings(runtime, load_settings(settings_env | ldap_env))
    async with browser(with_directory) as client:
        api = await sign_in(client, ctx)
        variables: dict[str, Any] = {"m": [{"directoryDn": dn, "groupKey": "sales-north"}]}
        dry = (await api.data(IMPORT, variables | {"dry": True}))["importDirectoryGroups"]
        assert dry["__typename"] == "DirectoryImport", dry
        assert (dry["dryRun"], dry["createdGroups"], dry["added"]) == (True, ["sales-north"], 2)
        assert dry["membersWithoutEmail"] == [person("karl")]
        missing = await api.data(
            IMPORT,
            {"m": [{"directoryDn": f"cn=nobody,{GROUP_BASE}", "groupKey": "x"}], "dry": False},
        )
        assert missing["importDirectoryGroups"]["code"] == "directory_group_not_found"
    async with browser(runtime) as client:  # no directory configured
        api = await sign_in(client, ctx)
        unconfigured = (await api.data(IMPORT, variables | {"dry": False}))["importDirectoryGroups"]
        assert unconfigured["__typename"] == "UnavailableError"
        assert unconfigured["code"] == "directory_not_configured"

    args = ("import-groups", "--tenant", ctx.tenant.slug, "--as", ctx.admin.email)
    done = await run(settings_env | ldap_env, *args, "--map", f"{dn}=sales-north")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "did create 1 group(s), add 2 and remove 0 membership(s)" in done.stdout
    assert f"member without e-mail: {person('karl')}" in done.stdout
    bad = await run(settings_env | ldap_env, *args, "--map", "no-equals-sign")
    assert bad.returncode == 2
    assert "error [invalid]" in bad.stderr
    assert await ctx.count("group_member") == 2


def runtime_with_settings(runtime: Runtime, settings: Any) -> Runtime:
    return Runtime(
        settings=settings, database=runtime.database, blobs=runtime.blobs, clock=runtime.clock
    )
