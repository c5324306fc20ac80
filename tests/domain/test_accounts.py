"""Accounts: user creation, sign-in, sliding and absolute session expiry, API tokens."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.access.policy import Role
from backend.accounts.service import AccountService, token_hash
from backend.errors import (
    Conflict,
    InvalidCredentials,
    NotFound,
    SessionExpired,
    Unauthenticated,
    ValidationFailed,
)
from backend.runtime import Runtime
from tests.factories import FakeClock, TenantContext, make_tenant, runtime_with, unique
from tests.owner import OwnerSql

PASSWORD = "correct horse battery"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def accounts(runtime: Runtime, clock: FakeClock) -> AccountService:
    """Accounts over the session's database, with a clock the test moves."""
    return runtime_with(runtime, clock=clock).services().accounts


def email() -> str:
    return f"{unique('user')}@example.com"


# -- creating users ----------------------------------------------------------------------------


async def test_create_user_normalises_and_stores(
    tenant_ctx: TenantContext, accounts: AccountService, clock: FakeClock
) -> None:
    address = email()
    user = await accounts.create_user(
        tenant_ctx.tenant.id, f"  {address.upper()} ", "  Anna Nowak ", "clerk", PASSWORD
    )
    assert user.email == address
    assert user.display_name == "Anna Nowak"
    assert user.role is Role.CLERK
    assert user.active
    assert user.tenant_id == tenant_ctx.tenant.id
    assert user.created_at == clock.now
    [stored] = await accounts.users(tenant_ctx.tenant.id, [user.id])
    assert stored == user


async def test_password_is_stored_hashed(
    tenant_ctx: TenantContext, accounts: AccountService
) -> None:
    user = await accounts.create_user(tenant_ctx.tenant.id, email(), "A", "viewer", PASSWORD)
    rows = await OwnerSql(tenant_ctx.runtime).fetch(
        "SELECT password_hash FROM user_account WHERE id = {}", user.id
    )
    stored = rows[0]["password_hash"]
    assert PASSWORD not in stored
    assert stored.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("address", "name", "role", "password", "issues"),
    [
        ("not-an-email", "A", "admin", None, {"email": "invalid_email"}),
        ("a@b", "A", "admin", None, {"email": "invalid_email"}),
        ("a b@example.com", "A", "admin", None, {"email": "invalid_email"}),
        ("a@example.com", "  ", "admin", None, {"displayName": "required"}),
        ("a@example.com", "A", "superuser", None, {"role": "invalid_role"}),
        ("a@example.com", "A", "ADMIN", None, {"role": "invalid_role"}),
        ("a@example.com", "A", "admin", "short", {"password": "too_short"}),
        (
            "nope",
            "",
            "root",
            "123",
            {
                "email": "invalid_email",
                "displayName": "required",
                "role": "invalid_role",
                "password": "too_short",
            },
        ),
    ],
)
async def test_create_user_validation(
    tenant_ctx: TenantContext,
    accounts: AccountService,
    address: str,
    name: str,
    role: str,
    password: str | None,
    issues: dict[str, str],
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await accounts.create_user(tenant_ctx.tenant.id, address, name, role, password)
    assert {i.field: i.code for i in caught.value.issues} == issues
    assert await tenant_ctx.count("user_account") == 1  # only the context's admin


async def test_duplicate_email_in_a_tenant_is_a_conflict(
    tenant_ctx: TenantContext, accounts: AccountService
) -> None:
    address = email()
    await accounts.create_user(tenant_ctx.tenant.id, address, "A", "clerk", None)
    with pytest.raises(Conflict) as caught:
        await accounts.create_user(tenant_ctx.tenant.id, address.upper(), "B", "viewer", None)
    assert caught.value.code == "conflict"
    assert await tenant_ctx.count("user_account") == 2


async def test_same_email_in_two_tenants_is_fine(
    tenant_ctx: TenantContext, accounts: AccountService, runtime: Runtime
) -> None:
    other = await make_tenant(runtime)
    address = email()
    first = await accounts.create_user(tenant_ctx.tenant.id, address, "A", "clerk", None)
    second = await accounts.create_user(other.tenant.id, address, "A", "clerk", None)
    assert first.id != second.id


# -- signing in --------------------------------------------------------------------------------


async def test_sign_in_opens_a_session(
    tenant_ctx: TenantContext, accounts: AccountService, clock: FakeClock
) -> None:
    address = email()
    user = await accounts.create_user(tenant_ctx.tenant.id, address, "A", "clerk", PASSWORD)
    signed_in = await accounts.sign_in(tenant_ctx.tenant.slug, address.upper(), PASSWORD)
    assert signed_in.user == user
    session = signed_in.session
    assert session.user_id == user.id
    assert session.tenant_id == tenant_ctx.tenant.id
    assert session.token_hash == token_hash(signed_in.token)
    assert session.created_at == clock.now
    assert session.expires_at == clock.now + dt.timedelta(hours=8)
    assert session.max_expires_at == clock.now + dt.timedelta(days=7)

    principal = await accounts.principal_for_session(signed_in.token)
    assert principal.user_id == user.id
    assert principal.tenant_id == tenant_ctx.tenant.id
    assert principal.role is Role.CLERK
    assert principal.via == "session"
    assert principal.csrf_token == session.csrf_token
    assert principal.csrf_token


async def test_sign_in_without_tenant_slug_finds_the_only_user(
    tenant_ctx: TenantContext, accounts: AccountService
) -> None:
    address = email()
    user = await accounts.create_user(tenant_ctx.tenant.id, address, "A", "clerk", PASSWORD)
    signed_in = await accounts.sign_in(None, address, PASSWORD)
    assert signed_in.user.id == user.id


async def test_only_the_hash_of_the_session_token_is_stored(
    tenant_ctx: TenantContext, accounts: AccountService
) -> None:
    address = email()
    await accounts.create_user(tenant_ctx.tenant.id, address, "A", "clerk", PASSWORD)
    signed_in = await accounts.sign_in(tenant_ctx.tenant.slug, address, PASSWORD)
    rows = await OwnerSql(tenant_ctx.runtime).fetch(
        "SELECT id FROM user_session WHERE tenant = {}", tenant_ctx.tenant.id
    )
    assert [r["id"] for r in rows] == [token_hash(signed_in.token)]


async def test_wrong_password_is_invalid_credentials(
    tenant_ctx: TenantContext, accounts: AccountService
) -> None:
    address = email()
    await accounts.create_user(tenant_ctx.tenant.id, address, "A", "clerk", PASSWORD)
    with pytest.raises(InvalidCredentials) as caught:
        await accounts.sign_in(tenant_ctx.tenant.slug, address, PASSWORD + "!")
    assert caught.value.code == "invalid_credentials"
    assert await tenant_ctx.count("user_session") == 0


@pytest.mark.parametrize("slug_known", [True, False])
async def test_unknown_user_is_invalid_credentials(
    tenant_ctx: TenantContext, accounts: AccountService, slug_known: bool
) -> None:
    slug = tenant_ctx.tenant.slug if slug_known else unique("nope")
    with pytest.raises(InvalidCredentials) as caught:
        await accounts.sign_in(slug, email(), PASSWORD)
    assert caught.value.code == "invalid_credentials"


async def test_user_of_another_tenant_cannot_sign_in_here(
    tenant_ctx: TenantContext, accounts: AccountService, runtime: Runtime
) -> None:
    other = await make_tenant(runtime)
    address = email()
    await accounts.create_user(other.tenant.id, address, "A", "clerk", PASSWORD)
    with pytest.raises(InvalidCredentials):
        await accounts.sign_in(tenant_ctx.tenant.slug, address, PASSWORD)


async def test_user_without_password_cannot_sign_in(
    tenant_ctx: TenantContext, accounts: AccountService
) -> None:
    address = email()
    await accounts.create_user(tenant_ctx.tenant.id, address, "A", "clerk", None)
    with pytest.raises(InvalidCredentials):
        await accounts.sign_in(tenant_ctx.tenant.slug, address, "")
    with pytest.raises(InvalidCredentials):
        await accounts.sign_in(tenant_ctx.tenant.slug, address, PASSWORD)


# -- sessions ----------------------------------------------------------------------------------


async def _signed_in(tenant_ctx: TenantContext, accounts: AccountService) -> str:
    address = email()
    await accounts.create_user(tenant_ctx.tenant.id, address, "A", "clerk", PASSWORD)
    return (await accounts.sign_in(tenant_ctx.tenant.slug, address, PASSWORD)).token


async def test_unknown_session_token_is_unauthenticated(accounts: AccountService) -> None:
    with pytest.raises(Unauthenticated) as caught:
        await accounts.principal_for_session("no-such-token")
    assert caught.value.code == "unauthenticated"


async def test_idle_session_expires_after_its_ttl(
    tenant_ctx: TenantContext, accounts: AccountService, clock: FakeClock
) -> None:
    token = await _signed_in(tenant_ctx, accounts)
    clock.advance(hours=7, minutes=59)
    await accounts.principal_for_session(token)
    clock.advance(hours=8)
    with pytest.raises(SessionExpired) as caught:
        await accounts.principal_for_session(token)
    assert caught.value.code == "session_expired"


async def test_expiry_is_exact(
    tenant_ctx: TenantContext, accounts: AccountService, clock: FakeClock
) -> None:
    token = await _signed_in(tenant_ctx, accounts)
    clock.advance(hours=8)
    with pytest.raises(SessionExpired):
        await accounts.principal_for_session(token)


async def test_session_slides_with_use(
    tenant_ctx: TenantContext, runtime: Runtime, accounts: AccountService, clock: FakeClock
) -> None:
    start = clock.now
    token = await _signed_in(tenant_ctx, accounts)
    for _ in range(4):  # used every 6 hours: 24 hours in all, far past the 8-hour idle limit
        clock.advance(hours=6)
        await accounts.principal_for_session(token)
    rows = await OwnerSql(runtime).fetch(
        "SELECT expires_at FROM user_session WHERE id = {}", token_hash(token)
    )
    assert rows  # the extension is stored, so a new request (new services) sees it
    fresh = runtime_with(runtime, clock=clock).services().accounts
    clock.advance(hours=7)
    principal = await fresh.principal_for_session(token)
    assert principal.tenant_id == tenant_ctx.tenant.id
    assert clock.now - start == dt.timedelta(hours=31)


async def test_session_does_not_outlive_its_absolute_lifetime(
    tenant_ctx: TenantContext, accounts: AccountService, clock: FakeClock
) -> None:
    start = clock.now
    token = await _signed_in(tenant_ctx, accounts)
    while clock.now + dt.timedelta(hours=6) < start + dt.timedelta(days=7):
        clock.advance(hours=6)
        await accounts.principal_for_session(token)
    clock.now = start + dt.timedelta(days=7) - dt.timedelta(seconds=1)
    await accounts.principal_for_session(token)
    clock.now = start + dt.timedelta(days=7)
    with pytest.raises(SessionExpired):
        await accounts.principal_for_session(token)


async def test_sign_out_ends_the_session(
    tenant_ctx: TenantContext, accounts: AccountService
) -> None:
    token = await _signed_in(tenant_ctx, accounts)
    other = await _signed_in(tenant_ctx, accounts)
    await accounts.sign_out(token)
    with pytest.raises(Unauthenticated):
        await accounts.principal_for_session(token)
    await accounts.principal_for_session(other)  # other sessions stay
    await accounts.sign_out(token)  # signing out twice is harmless


async def test_sign_out_is_recorded_once(
    runtime: Runtime, tenant_ctx: TenantContext, accounts: AccountService
) -> None:
    user, _ = await tenant_ctx.user("clerk", password=PASSWORD)
    signed_in = await accounts.sign_in(tenant_ctx.tenant.slug, user.email, PASSWORD, device="ipad")
    await accounts.sign_out(signed_in.token, device="ipad")
    await accounts.sign_out(signed_in.token, device="ipad")
    trail = await runtime.services().audit.trail(tenant_ctx.principal, actor_id=user.id)
    assert [(e.action, e.device) for e in trail] == [
        ("auth.logout", "ipad"),
        ("auth.login", "ipad"),
    ]


# -- API tokens --------------------------------------------------------------------------------


async def test_api_token_resolves_to_its_user(
    tenant_ctx: TenantContext, accounts: AccountService
) -> None:
    token = await accounts.issue_api_token(tenant_ctx.tenant.id, tenant_ctx.admin.id, "ERP sync")
    assert token.startswith("dsr_")
    principal = await accounts.principal_for_token(token)
    assert principal.user_id == tenant_ctx.admin.id
    assert principal.tenant_id == tenant_ctx.tenant.id
    assert principal.via == "token"
    assert principal.csrf_token is None
    rows = await OwnerSql(tenant_ctx.runtime).fetch(
        "SELECT id FROM api_token WHERE tenant = {}", tenant_ctx.tenant.id
    )
    assert [r["id"] for r in rows] == [token_hash(token)]


async def test_api_token_expires(
    tenant_ctx: TenantContext, accounts: AccountService, clock: FakeClock
) -> None:
    token = await accounts.issue_api_token(
        tenant_ctx.tenant.id,
        tenant_ctx.admin.id,
        "short-lived",
        expires_at=clock.now + dt.timedelta(days=1),
    )
    clock.advance(hours=23)
    await accounts.principal_for_token(token)
    clock.advance(hours=1)
    with pytest.raises(Unauthenticated) as caught:
        await accounts.principal_for_token(token)
    assert caught.value.code == "unauthenticated"


async def test_unknown_api_token_is_unauthenticated(accounts: AccountService) -> None:
    with pytest.raises(Unauthenticated):
        await accounts.principal_for_token("dsr_nothing")


async def test_session_tokens_are_not_api_tokens(
    tenant_ctx: TenantContext, accounts: AccountService
) -> None:
    token = await _signed_in(tenant_ctx, accounts)
    with pytest.raises(Unauthenticated):
        await accounts.principal_for_token(token)
    api_token = await accounts.issue_api_token(tenant_ctx.tenant.id, tenant_ctx.admin.id, "x")
    with pytest.raises(Unauthenticated):
        await accounts.principal_for_session(api_token)


async def test_api_token_for_unknown_user_is_not_found(
    tenant_ctx: TenantContext, accounts: AccountService, runtime: Runtime
) -> None:
    other = await make_tenant(runtime)
    with pytest.raises(NotFound):
        await accounts.issue_api_token(other.tenant.id, tenant_ctx.admin.id, "wrong tenant")
    with pytest.raises(NotFound):
        await accounts.issue_api_token(
            tenant_ctx.tenant.id, "00000000-0000-4000-8000-000000000000", "nobody"
        )


async def test_api_token_for_malformed_user_id_is_not_found(
    tenant_ctx: TenantContext, accounts: AccountService
) -> None:
    """A malformed id is treated exactly like an unknown one (backend.ids)."""
    with pytest.raises(NotFound):
        await accounts.issue_api_token(tenant_ctx.tenant.id, "not-a-uuid", "bad id")
