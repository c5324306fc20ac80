"""Pinning a dossier for offline use (docs/adr/0026): pin, go offline, reload, open the dossier, its
document list and a document never opened before (preview and file from the pinned copy); unpin
drops the pinned copy."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    Demo,
    new_context,
    offline_reload,
    screenshot,
    service_worker_ready,
    sign_in,
)
from tests.e2e.test_pwa_browser import _image_loaded, _open_dossier

#: What the device keeps of the dossier: the sync database's record of kept files, and the
#: pinned files cache's keys.
_KEPT = """(customerId) => new Promise((resolve, reject) => {
  const open = indexedDB.open('dossier-sync');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction(['meta', 'cursors', 'outbox']);
    const outbox = tx.objectStore('outbox').getAll();
    const record = tx.objectStore('meta').get('files:' + customerId);
    const cursor = tx.objectStore('cursors').get(customerId);
    tx.oncomplete = () => caches.open('dossier-pinned').then((c) => c.keys()).then((keys) => {
      open.result.close();
      resolve({record: record.result ?? null, pinned: cursor.result !== undefined,
               outbox: outbox.result.map((i) => i.mutation.kind + ':' + i.state),
               cached: keys.map((k) => new URL(k.url).pathname + new URL(k.url).search)});
    });
  };
})"""


def _kept(page: Page, demo: Demo) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(_KEPT, demo.customer_id)
    return result


def _files_kept(page: Page, demo: Demo) -> dict[str, Any]:
    """Wait until a run has kept the dossier's files: a file for every document, none left out."""
    deadline = time.monotonic() + 60
    while True:
        kept = _kept(page, demo)
        record = kept["record"]
        if record is not None and record["skipped"] == 0 and record["documents"] > 0:
            files = [f for f in record["files"].values() if f["kind"] == "file"]
            if len(files) == record["documents"]:
                return kept
        assert time.monotonic() < deadline, kept
        page.wait_for_timeout(500)


def test_a_pinned_dossier_opens_offline_and_unpinning_drops_it(
    browser: Browser, demo: Demo
) -> None:
    context = new_context(browser, demo, "phone")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, demo)
        service_worker_ready(page)
        page.reload()  # now the service worker controls the page
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        _open_dossier(page, demo)

        pin = page.locator("dossier-screen .pin-toggle")
        expect(pin).to_have_text("Pin for offline")
        pin.click()
        expect(page.locator("dossier-screen .pin-state")).to_contain_text("Pinned on this device")
        expect(pin).to_have_text("Unpin")
        kept = _files_kept(page, demo)
        assert kept["pinned"]
        files = [url for url, f in kept["record"]["files"].items() if f["kind"] == "file"]
        assert files, kept
        assert all(url in kept["cached"] for url in files), kept
        # The server's lease, as the next pull brought it.
        page.reload()
        expect(page.locator("dossier-screen .lease")).to_contain_text("Checked out by Anna")
        expect(page.locator("dossier-screen .pin-files")).to_contain_text("Files kept:")
        screenshot(page, "20-pinned-dossier")

        # Offline (every request fails as if the server were stopped), then reloaded.
        with offline_reload(page):
            expect(page.locator("dossier-screen h1")).to_have_text(demo.customer_name)
            expect(page.locator("dossier-screen .pin-state")).to_contain_text(
                "Pinned on this device"
            )
            page.locator("dossier-screen [role=tab]", has_text="All").click()
            rows = page.locator("dossier-screen ul.documents a")
            expect(rows.first).to_be_visible()
            assert rows.count() == kept["record"]["documents"]
            # Thumbnails come from the pinned files.
            page.wait_for_function(
                """() => { const imgs = [...document.querySelector('dossier-app').shadowRoot
                     .querySelector('dossier-screen').shadowRoot.querySelectorAll('img.thumb')];
                     return imgs.length > 0 && imgs.slice(0, 5).every((i) => i.complete && i.naturalWidth > 0); }"""
            )
            # A document never opened online: its detail is the projection's, its preview and
            # file the pinned copy's.
            page.fill("dossier-screen #f-text", demo.offer_title)
            page.locator("dossier-screen ul.documents a", has_text=demo.offer_title).first.click()
            expect(page.locator("document-screen h1")).to_have_text(demo.offer_title)
            _image_loaded(page)
            opened = page.locator("document-screen a", has_text="Open").first
            expect(opened).to_be_visible()
            href = opened.get_attribute("href")
            assert href is not None
            assert href.startswith("/files/"), href
            answer = page.evaluate(
                """(url) => fetch(url).then(async (r) => ({status: r.status,
                     type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength}))""",
                href,
            )
            assert answer["status"] == 200, answer
            assert answer["size"] > 0, answer
            assert "pdf" in (answer["type"] or ""), answer
            screenshot(page, "21-pinned-document-offline")

        # Settings: the storage usage view lists the dossier with its files; unpin from there.
        page.goto("/settings")
        row = page.locator(f"settings-screen .pinned li[data-customer='{demo.customer_id}']")
        expect(row).to_contain_text(demo.customer_name)
        expect(row).to_contain_text(f"Documents: {kept['record']['documents']}")
        expect(page.locator("settings-screen .usage")).to_contain_text("Dossier uses")
        row.scroll_into_view_if_needed()
        screenshot(page, "22-settings-offline-dossiers")
        row.get_by_role("button", name=f"Unpin {demo.customer_name}").click()
        expect(page.locator("settings-screen .offline")).to_contain_text("No dossier is pinned")
        # The check-in is sent and accepted (answered items leave the outbox).
        deadline = time.monotonic() + 20
        while (after := _kept(page, demo))["outbox"] and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        assert after == {"record": None, "pinned": False, "cached": [], "outbox": []}, after
        page.goto(f"/customers/{demo.customer_id}")
        expect(pin).to_have_text("Pin for offline")
    finally:
        context.close()
    assert not errors, errors
