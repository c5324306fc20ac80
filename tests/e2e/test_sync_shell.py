"""The sync layer in the app shell: the outbox strip and screen, sign-out deleting what the device
keeps, remote wipe of a revoked device, and a dossier evicted at the first pull after its grant
was taken back while the device was offline (docs/adr/0027).

The dossier is kept in sync by registering its cursor through the sync client's own API
(``SyncClient.track``) from ``page.evaluate``: pinning from the dossier screen is not built yet.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from backend.accounts.devices import device_id
from tests.e2e.conftest import DEMO_EMAIL, DEMO_PASSWORD, Demo, _Client, new_context, screenshot

#: The demo's auditor: in the grant test, a user whose only access is one grant.
AUDITOR_EMAIL = "soren.kjaergaard@demo.example"

#: The sync client behind the shell's outbox strip (the element is there whenever sync runs).
CLIENT = "document.querySelector('dossier-app').shadowRoot.querySelector('outbox-badge')?.client"

LOCAL_DATA = """async () => {
  const names = (await indexedDB.databases()).map((d) => d.name);
  const rows = await new Promise((resolve, reject) => {
    const open = indexedDB.open("dossier");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const stores = [...db.objectStoreNames];
      const tx = db.transaction(stores);
      const counts = {};
      let left = stores.length;
      for (const name of stores) {
        const req = tx.objectStore(name).count();
        req.onsuccess = () => {
          counts[name] = req.result;
          if (--left === 0) { db.close(); resolve(counts); }
        };
      }
    };
  });
  return { databases: names, rows, caches: await caches.keys(),
           device: localStorage.getItem("dossier.device") };
}"""


@pytest.fixture
def context(browser: Browser, demo: Demo) -> Iterator[BrowserContext]:
    """A phone that opted in to offline sync."""
    ctx = new_context(browser, demo, "phone")
    ctx.add_init_script("localStorage.setItem('dossier.sync', 'on')")
    yield ctx
    ctx.close()


def sign_in_as(page: Page, email: str) -> None:
    page.goto("/")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("login-screen button[type=submit]")
    page.wait_for_selector("search-screen #q")
    page.wait_for_function(f"!!({CLIENT})")


def open_dossier(context: BrowserContext, demo: Demo) -> Page:
    """The demo admin, signed in, on the demo dossier (which fills the screens' store)."""
    page = context.new_page()
    sign_in_as(page, DEMO_EMAIL)
    page.goto(f"/customers/{demo.customer_id}")
    expect(page.locator("dossier-screen h1")).to_have_text(demo.customer_name)
    return page


def eventually(page: Page, expression: str, timeout: float = 30.0) -> None:
    """Evaluate ``expression`` (awaited, unlike ``wait_for_function``'s) until it is true."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {expression}")
        page.wait_for_timeout(200)


def local_data(page: Page) -> dict[str, Any]:
    return page.evaluate(LOCAL_DATA)  # type: ignore[no-any-return]


def assert_wiped(page: Page) -> None:
    data = local_data(page)
    assert "dossier-sync" not in data["databases"]
    assert data["rows"], "the screens' store has no object stores"
    assert set(data["rows"].values()) == {0}, data["rows"]
    assert all(name.startswith("workbox-precache") for name in data["caches"]), data["caches"]
    assert data["device"] is None


def test_sign_out_warns_about_waiting_changes_and_deletes_local_data(
    context: BrowserContext, demo: Demo
) -> None:
    # The server is unreachable for pushes only, so the change waits while sign-out still works.
    context.route("**/sync/push", lambda route: route.fulfill(status=503, body="down"))
    page = open_dossier(context, demo)
    eventually(page, "navigator.serviceWorker.ready.then(() => true)")
    eventually(page, "caches.keys().then((k) => k.some((n) => n.startsWith('workbox-precache')))")
    # A file the user looked at, kept by the service worker's runtime cache.
    page.evaluate(
        "caches.open('dossier-renditions').then((c) => c.put('/renditions/seen', "
        "new Response('image bytes')))"
    )
    page.evaluate(
        f"({CLIENT}).change({{kind: 'view', entity: 'document', "
        f"entity_id: '{demo.offer_id}', customer_id: '{demo.customer_id}'}})"
    )
    strip = page.locator("dossier-app outbox-badge a.outbox")
    expect(strip).to_have_text("1 change waiting")
    screenshot(page, "40-outbox-strip")
    strip.click()
    outbox = page.locator("outbox-screen")
    expect(outbox.locator("h1")).to_have_text("Changes on this device")
    expect(outbox.locator("li .state")).to_have_text(["Waiting"])
    expect(outbox.locator("li .what")).to_have_text(["Viewed · document"])

    # An open conflict (as a pull brings it) shows in the strip and leads to the conflict screen.
    page.evaluate(
        f"""(async () => {{
          const client = {CLIENT};
          await client.db.put("conflicts", {{id: "k1", customer_id: "{demo.customer_id}",
            entity: "document", entity_id: "{demo.offer_id}", field: "title", key: null,
            by: "u", by_name: "Jörg", device: "Firefox on Linux", at: "2026-11-29T08:10:00Z",
            base: "Offer", mine: "Offer 2026", theirs: "Offer (signed)"}});
          client.events.dispatchEvent(new CustomEvent("changed"));
        }})()"""
    )
    page.locator("dossier-app outbox-badge a.conflicts").click()
    conflicts = page.locator("conflict-screen")
    expect(conflicts.locator("h1")).to_have_text("Resolve conflicts")
    expect(conflicts.locator("fieldset legend")).to_have_text(["Title"])
    expect(conflicts.locator("fieldset dd")).to_have_text(["Offer", "Offer 2026", "Offer (signed)"])
    assert page.evaluate("location.pathname") == "/conflicts"

    page.locator("dossier-app nav a", has_text="Settings").click()
    settings = page.locator("settings-screen")
    settings.locator("button.sign-out").click()
    warning = settings.get_by_role("alertdialog")
    expect(warning).to_contain_text("1 change waiting")
    expect(warning).to_contain_text("Signing out deletes them")
    screenshot(page, "41-sign-out-warning")
    warning.get_by_role("button", name="Cancel").click()
    expect(warning).to_have_count(0)
    assert "dossier-sync" in local_data(page)["databases"]  # nothing was deleted

    settings.locator("button.sign-out").click()
    settings.get_by_role("button", name="Sign out and delete them").click()
    expect(page.locator("login-screen #email")).to_be_visible()
    assert_wiped(page)
    assert context.request.get(demo.base_url + "/auth/session").status == 401


def test_signing_out_offline_ends_the_session_once_back_online(
    context: BrowserContext, demo: Demo
) -> None:
    page = open_dossier(context, demo)
    context.set_offline(True)
    page.locator("dossier-app nav a", has_text="Settings").click()
    page.locator("settings-screen button.sign-out").click()
    expect(page.locator("login-screen #email")).to_be_visible()
    assert_wiped(page)
    context.set_offline(False)
    # The session cookie is still in the browser; the next start must not sign in with it.
    page.reload()
    expect(page.locator("login-screen #email")).to_be_visible()
    assert context.request.get(demo.base_url + "/auth/session").status == 401


def test_a_device_revoked_by_an_admin_wipes_itself_and_says_why(
    context: BrowserContext, demo: Demo
) -> None:
    page = open_dossier(context, demo)
    key = page.evaluate("localStorage.getItem('dossier.device')")
    admin = _Client(demo.base_url)
    me = admin.gql("{ me { id } }")["me"]["id"]
    devices = admin.gql("query($u: ID) { devices(userId: $u) { id name } }", {"u": me})["devices"]
    target = device_id(me, key)
    assert target in [d["id"] for d in devices]
    revoked = admin.gql(
        "mutation($id: ID!) { revokeDevice(deviceId: $id) { __typename ... on Device { revokedAt } } }",
        {"id": target},
    )["revokeDevice"]
    assert revoked["__typename"] == "Device"

    # The next request the app makes (opening the in-tray) hears device_revoked.
    page.locator("dossier-app nav a", has_text="In-tray").click()
    notice = page.locator("login-screen .revoked")
    expect(notice).to_contain_text("signed out remotely")
    screenshot(page, "42-device-revoked")
    assert_wiped(page)
    assert context.request.get(demo.base_url + "/auth/session").status == 401


def test_a_lost_phone_is_signed_out_remotely_from_the_laptops_settings(
    context: BrowserContext, browser: Browser, demo: Demo
) -> None:
    phone = open_dossier(context, demo)
    key = phone.evaluate("localStorage.getItem('dossier.device')")
    me = _Client(demo.base_url).gql("{ me { id } }")["me"]["id"]
    laptop_context = new_context(browser, demo, "desktop")
    try:
        laptop = laptop_context.new_page()
        sign_in_as(laptop, DEMO_EMAIL)
        laptop.locator("dossier-app nav a", has_text="Settings").click()
        devices = laptop.locator("settings-screen signed-in-devices")
        expect(devices.locator("li").first).to_contain_text("This browser")
        # Other tests' browsers of the demo admin are listed too: the phone is the one to sign out.
        other = devices.locator(f"li[data-device='{device_id(me, key)}']")
        expect(other).to_contain_text("Last used")
        other.locator("button.revoke").click()
        other.get_by_role("button", name="Sign out and delete its data").click()
        expect(other).to_contain_text("Signed out remotely")
        screenshot(laptop, "43-device-signed-out-remotely")
        # The laptop's own session goes on.
        expect(devices.locator("li").first).to_contain_text("This browser")
    finally:
        laptop_context.close()

    phone.locator("dossier-app nav a", has_text="In-tray").click()
    expect(phone.locator("login-screen .revoked")).to_contain_text("signed out remotely")
    assert_wiped(phone)


def test_a_grant_taken_back_while_offline_evicts_the_dossier_at_the_next_pull(
    context: BrowserContext, demo: Demo
) -> None:
    admin = _Client(demo.base_url)
    users = admin.gql("{ userAccounts { id email role } }")["userAccounts"]
    auditor = next(u for u in users if u["email"] == AUDITOR_EMAIL)
    set_role = "mutation($u: ID!, $r: String!) { setUserRole(userId: $u, role: $r) { __typename } }"
    admin.gql(set_role, {"u": auditor["id"], "r": "none"})
    try:
        granted = admin.gql(
            """mutation($input: GrantInput!) { grantAccess(input: $input) {
              __typename ... on Grant { id } } }""",
            {
                "input": {
                    "role": "viewer",
                    "subjectKind": "USER",
                    "subjectId": auditor["id"],
                    "scopeKind": "CUSTOMER",
                    "scopeId": demo.customer_id,
                }
            },
        )["grantAccess"]
        assert granted["__typename"] == "Grant", granted
        page = context.new_page()
        sign_in_as(page, AUDITOR_EMAIL)
        held = f"({CLIENT}).dossier('{demo.customer_id}').then((e) => e.length)"
        page.evaluate(f"({CLIENT}).track('{demo.customer_id}')")
        page.evaluate(f"({CLIENT}).sync()")
        eventually(page, f"{held}.then((n) => n > 0)")

        context.set_offline(True)
        revoked = admin.gql(
            "mutation($id: ID!) { revokeAccess(id: $id) { __typename } }", {"id": granted["id"]}
        )["revokeAccess"]
        assert revoked["__typename"] == "Grant"
        report = page.evaluate(f"({CLIENT}).sync()")
        assert report["error"] == "offline", report
        assert page.evaluate(held) > 0  # offline, the dossier stays on the device

        # Back online: the scheduler's "online" trigger pulls, and the pull evicts the dossier.
        context.set_offline(False)
        eventually(page, f"{held}.then((n) => n === 0)")
        tracked = page.evaluate(f"({CLIENT}).tracked()")
        assert demo.customer_id not in tracked
    finally:
        admin.gql(set_role, {"u": auditor["id"], "r": "auditor"})
