"""Measure: a pinned dossier of 1,000 documents in headless Chromium (issue 6 budgets);
``python -m bench --suite pinning`` or ``python -m bench.pinning [N] [--url URL]``.

- **Initial pull**: from the tap on "Pin for offline" until the dossier's documents are in the
  screens' store (projected from the pull) and every document's thumbnail is in the pinned files
  cache (budget ≤ 5 s). The dossier screen was open before (its GraphQL refresh had landed), so
  the time is the sync's: check-out, pull of the whole feed, projection, thumbnails.
- **Opens offline**: offline (every request refused), from a tap on a link to the dossier's list
  until its first rows show and until all 1,000 are rendered (budget ≤ 500 ms to the first
  rows, as the issue's "opens").

The app is built unless told not to, then served by a real ``dossier serve`` on a temporary
SQLite database with a demo of one customer and ``documents`` documents (lighthouse.demo_server);
the bench waits until the server has made every preview. Debian's Chromium through Playwright.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Page, sync_playwright

from bench.lighthouse import DEMO_EMAIL, DEMO_PASSWORD, PWA, demo_server

__all__ = [
    "OFFLINE_BUDGET_MS",
    "PULL_BUDGET_MS",
    "PinningResult",
    "format_pinning",
    "run_pinning_benchmark",
]

PULL_BUDGET_MS = 5000
OFFLINE_BUDGET_MS = 500
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]

_DOCUMENTS = """query($id: ID!, $after: String) { dossier(customerId: $id) { documents(first: 200,
  after: $after) { items { currentVersion { preview { state } } }
  pageInfo { hasNextPage endCursor } } } }"""

#: In the page: tap "Pin for offline", then wait until the store holds `count` documents of the
#: customer and the pinned cache every thumbnail they name; answers the milliseconds.
_PIN = """([customerId, count]) => new Promise((resolve) => {
  const screen = document.querySelector('dossier-app').shadowRoot.querySelector('dossier-screen');
  const start = performance.now();
  screen.shadowRoot.querySelector('.pin-toggle').click();
  let thumbs = null;
  const docs = () => new Promise((done) => {
    const open = indexedDB.open('dossier');
    open.onsuccess = () => {
      const get = open.result.transaction('documents').objectStore('documents')
        .index('customerId').getAll(customerId);
      get.onsuccess = () => { open.result.close(); done(get.result); };
    };
  });
  const poll = async () => {
    if (performance.now() - start > 120000) return resolve('timed out');
    if (thumbs === null) {
      const found = (await docs()).filter((d) => d.detail && d.detail.versions.length);
      if (found.length >= count) thumbs = new Set(found.flatMap((d) => d.currentVersion.preview
        .renditions.filter((r) => r.kind === 'thumbnail').map((r) => r.url)));
    }
    if (thumbs !== null) {
      const cache = await caches.open('dossier-pinned');
      for (const url of [...thumbs]) if (await cache.match(url)) thumbs.delete(url);
      if (thumbs.size === 0) return resolve(performance.now() - start);
    }
    setTimeout(poll, 20);
  };
  poll();
})"""

#: In the page: follow a link to the dossier's list; answers [first rows, all rows] in ms.
_OPEN = """([customerId, count]) => new Promise((resolve) => {
  const link = Object.assign(document.createElement('a'),
    {href: '/customers/' + customerId + '/all'});
  document.body.append(link);
  const start = performance.now();
  let first = null;
  link.click();
  const rows = () => {
    const screen = document.querySelector('dossier-app').shadowRoot.querySelector('dossier-screen');
    return screen ? screen.shadowRoot.querySelectorAll('ul.documents li').length : 0;
  };
  const frame = () => {
    const shown = rows();
    const now = performance.now() - start;
    if (first === null && shown > 0) first = now;
    if (shown >= count) resolve([first, now]);
    else if (now > 20000) resolve('only ' + shown + ' rows');
    else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})"""


_FILES_RECORDED = """(id) => new Promise((resolve) => { const open = indexedDB.open('dossier-sync');
  open.onsuccess = () => { const get = open.result.transaction('meta').objectStore('meta')
    .get('files:' + id);
  get.onsuccess = () => { open.result.close(); resolve(!!get.result && !get.result.only); };
}; })"""


@dataclass(frozen=True, slots=True)
class PinningResult:
    documents: int
    pull_ms: float
    first_rows_ms: float
    all_rows_ms: float
    files_kept: int

    @property
    def passed(self) -> bool:
        return self.pull_ms <= PULL_BUDGET_MS and self.first_rows_ms <= OFFLINE_BUDGET_MS


def _previews_ready(page: Page, customer_id: str, csrf: str, deadline: float) -> int:
    """Wait until no document's preview is pending; answers the number of documents."""
    while True:
        pending, total, after = 0, 0, None
        while True:
            answer = page.request.post(
                "/graphql",
                data={"query": _DOCUMENTS, "variables": {"id": customer_id, "after": after}},
                headers={"x-csrf-token": csrf},
            ).json()
            documents = answer["data"]["dossier"]["documents"]
            for item in documents["items"]:
                total += 1
                version = item["currentVersion"]
                pending += bool(version and version["preview"]["state"] == "PENDING")
            if not documents["pageInfo"]["hasNextPage"]:
                break
            after = documents["pageInfo"]["endCursor"]
        if pending == 0:
            return total
        if time.monotonic() > deadline:
            raise RuntimeError(f"{pending} of {total} previews still pending")
        time.sleep(5)


def _measure(base_url: str, documents: int) -> PinningResult:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
        page = context.new_page()
        login = {"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "tenant": "demo"}
        csrf = page.request.post("/auth/login", data=login).json()["csrfToken"]
        customers = page.request.post(
            "/graphql",
            data={"query": "{ customers(first: 1) { items { id } } }"},
            headers={"x-csrf-token": csrf},
        ).json()
        customer_id = customers["data"]["customers"]["items"][0]["id"]
        count = _previews_ready(page, customer_id, csrf, time.monotonic() + 3600)
        page.goto("/")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # evaluate awaits it
        page.reload()
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        page.goto(f"/customers/{customer_id}")
        page.wait_for_selector("dossier-screen #tab-all .count")
        page.wait_for_selector("dossier-screen .pin-toggle")
        pulled: Any = page.evaluate(_PIN, [customer_id, count])
        if not isinstance(pulled, float | int):
            raise RuntimeError(f"pull: {pulled}")
        # Let the rest of the files arrive (the full run's record is written at its end; one
        # written while the pull went on has only the thumbnails).
        deadline = time.monotonic() + 600
        while not page.evaluate(_FILES_RECORDED, customer_id) and time.monotonic() < deadline:
            page.wait_for_timeout(500)
        kept = page.evaluate(
            "caches.open('dossier-pinned').then((c) => c.keys()).then((k) => k.length)"
        )
        context.set_offline(True)
        context.route("**/*", lambda route: route.abort("internetdisconnected"))
        page.reload()
        page.goto("/settings")
        page.wait_for_selector("settings-screen h1")
        opened: Any = page.evaluate(_OPEN, [customer_id, count])
        browser.close()
    if not isinstance(opened, list):
        raise RuntimeError(f"open offline: {opened}")
    return PinningResult(count, float(pulled), float(opened[0]), float(opened[1]), int(kept))


def run_pinning_benchmark(documents: int = 1000, *, build: bool = True) -> PinningResult:
    if build:
        subprocess.run(["npx", "vite", "build"], cwd=PWA, check=True, capture_output=True)  # noqa: S607 (the project's own npx)
    with demo_server(PWA / "dist", customers=1, documents=documents) as base_url:
        return _measure(base_url, documents)


def format_pinning(result: PinningResult) -> str:
    return "\n".join(
        [
            f"pinned dossier of {result.documents} documents (headless Chromium)",
            f"initial pull, metadata and thumbnails: {result.pull_ms:.0f} ms"
            f" (budget {PULL_BUDGET_MS} ms)",
            f"opens offline: first rows {result.first_rows_ms:.0f} ms"
            f" (budget {OFFLINE_BUDGET_MS} ms), all rows {result.all_rows_ms:.0f} ms",
            f"files kept: {result.files_kept}",
        ]
    )


def main(argv: Sequence[str]) -> int:
    """``[DOCUMENTS] [--no-build] [--url URL]``; URL: a running server with a one-customer demo."""
    numbers = [int(a) for a in argv if a.isdigit()]
    documents = numbers[0] if numbers else 1000
    if "--url" in argv:
        result = _measure(argv[argv.index("--url") + 1], documents)
    else:
        result = run_pinning_benchmark(documents, build="--no-build" not in argv)
    print(format_pinning(result))
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
