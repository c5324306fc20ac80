"""Working offline on pinned dossiers (issue 6, docs/adr/0031): with two dossiers pinned, the
device goes offline and the server stops; the device edits the customer, captures a document and
opens another. Meanwhile a colleague changes the same field and another one. Back online: the
other field merges, the same one waits in the conflict screen and is resolved with one tap, the
captured document and its file arrive once, and the audit trail has the offline view with the
time it happened."""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, FilePayload, Page, expect

from tests.e2e.conftest import (
    Demo,
    DossierServer,
    _Client,
    new_context,
    screenshot,
    service_worker_ready,
    sign_in,
)

pytestmark = pytest.mark.both_engines

COLLEAGUE = "joerg.mueller@demo.example"

#: The outbox as "kind:entity:state" and whether a dossier is pinned, read from the sync database.
_OUTBOX = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('dossier-sync');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction(['outbox', 'cursors']);
    const outbox = tx.objectStore('outbox').getAll();
    const cursors = tx.objectStore('cursors').getAllKeys();
    tx.oncomplete = () => {
      open.result.close();
      resolve({outbox: outbox.result.map((i) => [i.mutation.kind, i.mutation.entity, i.state].join(':')),
               pinned: cursors.result});
    };
  };
})"""

_CUSTOMER = """query($id: ID!) { customer(id: $id) { name keyData } }"""
_UPDATE = """mutation($id: ID!, $input: CustomerInput!) {
  updateCustomer(id: $id, input: $input) { __typename ... on Customer { name } } }"""
_DOCUMENTS = """query($id: ID!) { dossier(customerId: $id) { documents(first: 200) { items {
  id title versions { id size sha256 } } } } }"""
_AUDIT = """query($id: ID!) { auditTrail(target: DOCUMENT, targetId: $id, first: 50) {
  items { action occurredAt details actor { email } } } }"""


def _outbox(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(_OUTBOX)
    return result


def _until(what: str, check: Callable[[], Any], page: Page, seconds: float = 60) -> Any:
    """Poll (``wait_for_function`` cannot await) until ``check`` answers something true."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"{what}: {found!r}"
        page.wait_for_timeout(500)


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def _pin(page: Page, customer_id: str, name: str) -> None:
    page.goto(f"/customers/{customer_id}")
    expect(page.locator("dossier-screen h1")).to_have_text(name)
    pin = page.locator("dossier-screen .pin-toggle")
    expect(pin).to_have_text("Pin for offline")
    pin.click()
    expect(page.locator("dossier-screen .pin-state")).to_contain_text("Pinned on this device")


def test_offline_edits_capture_and_views_arrive_once_with_conflicts_resolved(
    browser: Browser, demo: Demo, server: DossierServer
) -> None:
    admin = _Client(demo.base_url)
    customers = admin.gql("{ customers(first: 100) { items { id name } } }")["customers"]["items"]
    other = next(c for c in customers if c["id"] != demo.customer_id)
    before = admin.gql(_CUSTOMER, {"id": demo.customer_id})["customer"]
    mine, theirs = f"{demo.customer_name} (on the road)", f"{demo.customer_name} (office)"
    photo = _photo()
    started = dt.datetime.now(dt.UTC)
    title = "Signed delivery note, captured offline"

    context = new_context(browser, demo, "phone")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    stopped = False
    try:
        sign_in(page, demo)
        service_worker_ready(page)
        page.reload()  # now the service worker controls the page
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        _pin(page, demo.customer_id, demo.customer_name)
        _pin(page, other["id"], other["name"])
        # Both check-outs sent, both dossiers pulled.
        _until("pinned and sent", lambda: (o := _outbox(page))["outbox"] == [] and o, page)
        assert sorted(_outbox(page)["pinned"]) == sorted([demo.customer_id, other["id"]])

        # Offline: the browser has no network and the server is stopped.
        context.set_offline(True)
        context.route("**/*", lambda route: route.abort("internetdisconnected"))
        server.stop()
        stopped = True
        page.goto(f"/customers/{demo.customer_id}")
        expect(page.locator("dossier-app .notice", has_text="Offline").first).to_be_visible()
        expect(page.locator("dossier-screen h1")).to_have_text(demo.customer_name)

        # 1. Edit the customer: the name (a colleague changes it too) and the payment terms.
        page.locator("dossier-screen").get_by_role("button", name="Edit customer").click()
        page.fill("dossier-screen #customer-name", mine)
        page.fill("dossier-screen #keyData-payment_terms", "14 Tage netto")
        page.locator("dossier-screen form.edit").get_by_role("button", name="Save").click()
        expect(page.locator("dossier-screen .ok")).to_contain_text("Saved on this device")
        expect(page.locator("dossier-screen h1")).to_have_text(mine)
        expect(page.locator("dossier-screen dl.fields")).to_contain_text("14 Tage netto")

        # 2. Capture a document: kept on the device, listed at once.
        page.goto(f"/capture?customer={demo.customer_id}")
        capture = page.locator("capture-screen")
        expect(capture.locator(".chosen")).to_contain_text(mine)
        file: FilePayload = {"name": "delivery-note.jpg", "mimeType": "image/jpeg", "buffer": photo}
        capture.locator("#file").set_input_files(files=[file])
        capture.locator("#type").select_option(label="Foto")
        capture.locator("#title").fill(title)
        capture.get_by_role("button", name="Upload").click()
        expect(page.locator("document-screen h1")).to_have_text(title)
        expect(page.locator("document-screen .on-device")).to_contain_text(
            "Captured on this device"
        )
        captured_id = page.url.rsplit("/", 1)[-1]
        screenshot(page, "30-captured-offline")
        page.goto(f"/customers/{demo.customer_id}/all")
        page.fill("dossier-screen #f-text", title)
        expect(page.locator("dossier-screen ul.documents a", has_text=title)).to_have_count(1)

        # 3. Open a document of the pinned dossier: the view waits to be audited.
        page.goto(f"/documents/{demo.offer_id}")
        expect(page.locator("document-screen h1")).to_have_text(demo.offer_title)
        viewed_at = dt.datetime.now(dt.UTC)
        queued = _until(
            "queued offline",
            lambda: (o := _outbox(page)["outbox"]) and "view:document:waiting" in o and o,
            page,
        )
        assert queued == [
            "update:customer:waiting",
            "create:document:waiting",
            "view:document:waiting",
        ], queued

        # Meanwhile a colleague, online: the same field and another one.
        server.start()
        stopped = False
        colleague = _Client(demo.base_url, COLLEAGUE)
        changed = colleague.gql(
            _UPDATE,
            {"id": demo.customer_id, "input": {"name": theirs, "keyData": {"vat_id": "DE999"}}},
        )
        assert changed["updateCustomer"]["name"] == theirs, changed

        # Back online: the outbox is sent.
        context.unroute("**/*")
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        conflicts = page.get_by_role("link", name="Conflicts to resolve: 1")
        expect(conflicts).to_be_visible(timeout=60_000)
        _until(
            "outbox settled",
            lambda: _outbox(page)["outbox"] in ([], ["update:customer:conflict"]),
            page,
        )
        server_side = admin.gql(_CUSTOMER, {"id": demo.customer_id})["customer"]
        assert server_side["name"] == theirs, server_side
        # The other fields merged: mine and the colleague's.
        assert server_side["keyData"]["payment_terms"] == "14 Tage netto", server_side
        assert server_side["keyData"]["vat_id"] == "DE999", server_side
        assert {
            k: v for k, v in server_side["keyData"].items() if k not in ("payment_terms", "vat_id")
        } == {k: v for k, v in before["keyData"].items() if k not in ("payment_terms", "vat_id")}

        # The same field: one tap keeps mine.
        conflicts.click()
        screen = page.locator("conflict-screen")
        expect(screen).to_contain_text(mine)
        expect(screen).to_contain_text(theirs)
        screenshot(page, "31-conflict-after-offline-edit")
        screen.get_by_role("button", name="Keep mine").click()
        expect(screen).to_contain_text("No conflicts to resolve")
        _until(
            "resolution applied",
            lambda: admin.gql(_CUSTOMER, {"id": demo.customer_id})["customer"]["name"] == mine,
            page,
        )
        page.goto(f"/customers/{demo.customer_id}")
        expect(page.locator("dossier-screen h1")).to_have_text(mine)
        expect(page.locator("dossier-screen dl.fields")).to_contain_text("DE999")
        expect(page.locator("dossier-screen dl.fields")).to_contain_text("14 Tage netto")

        # The captured document and its file arrived once, under the id the device chose.
        documents = admin.gql(_DOCUMENTS, {"id": demo.customer_id})["dossier"]["documents"]["items"]
        arrived = [d for d in documents if d["title"] == title]
        assert [d["id"] for d in arrived] == [captured_id], arrived
        [version] = arrived[0]["versions"]
        assert version["size"] == len(photo), version
        with admin.opener.open(f"{demo.base_url}/files/{version['id']}") as r:
            assert r.read() == photo
        _until("outbox empty", lambda: _outbox(page)["outbox"] == [], page)

        # The audit trail has the offline view, at the time it happened on the device.
        trail = admin.gql(_AUDIT, {"id": demo.offer_id})["auditTrail"]["items"]
        offline_views = [  # other tests view the offer offline too: this test's views
            e
            for e in trail
            if e["action"] == "document.view"
            and "device_time" in e["details"]
            and dt.datetime.fromisoformat(e["details"]["device_time"]) > started
        ]
        assert len(offline_views) == 1, trail
        [view] = offline_views
        device_time = dt.datetime.fromisoformat(view["details"]["device_time"])
        assert abs((device_time - viewed_at).total_seconds()) < 60, view
        assert device_time < dt.datetime.fromisoformat(view["occurredAt"]), view
        assert view["actor"]["email"] == "anna.nowak@demo.example", view

        # Unpinned again (checked in), so other tests see no check-out of this device.
        for customer_id in (demo.customer_id, other["id"]):
            page.goto(f"/customers/{customer_id}")
            page.locator("dossier-screen .pin-toggle", has_text="Unpin").click()
            expect(page.locator("dossier-screen .pin-toggle")).to_have_text("Pin for offline")
        _until("checked in", lambda: _outbox(page) == {"outbox": [], "pinned": []}, page)
    finally:
        if stopped:
            server.start()
        context.close()
        # Other tests know the customer by its demo name and key data.
        keys = {k: before["keyData"].get(k) for k in ("payment_terms", "vat_id")}
        admin.gql(
            _UPDATE,
            {"id": demo.customer_id, "input": {"name": before["name"], "keyData": keys}},
        )
    assert not errors, errors
