"""Browser tests: the built PWA in Debian's headless Chromium (never a downloaded browser),
against a real ``dossier serve`` on a free port with a temporary SQLite database and demo data.

They need ``pwa/dist`` (``./dev test`` builds it first) and ``/usr/bin/chromium``; without either
they fail rather than skip. They run once, on SQLite: the server under test is the embedded one;
a module marked ``both_engines`` runs with ``DOSSIER_TEST_DB=postgres`` too, its server then on a
fresh PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from bench.databases import scratch_postgres
from bench.served import free_port, prepare, server_env, serving
from tests.conftest import ENGINE, POSTGRES_ADMIN_URL, TEST_AUDIT_KEY, TEST_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
PWA_DIST = ROOT / "pwa" / "dist"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-first-run",
]
#: Where the phone-size screenshots go, for a person to look at.
SCREENSHOTS = Path(os.environ.get("DOSSIER_E2E_SCREENSHOTS", ROOT / "var" / "e2e-screenshots"))
DEMO_EMAIL = "anna.nowak@demo.example"
DEMO_PASSWORD = "demo-password"

#: CI machines are shared: wait for the app generously before calling a check failed.
expect.set_options(timeout=20_000)

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if not item.get_closest_marker("both_engines"):
                item.add_marker(pytest.mark.sqlite_only)


@dataclass(frozen=True)
class Demo:
    """The server under test and the demo data the tests use."""

    base_url: str
    customer_id: str
    customer_name: str
    pdf_title: str
    image_title: str
    offer_id: str
    offer_title: str


class _Client:
    """A tiny signed-in API client (standard library only) to choose the test data."""

    def __init__(self, base_url: str, email: str = DEMO_EMAIL) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        body = json.dumps({"email": email, "password": DEMO_PASSWORD, "tenant": "demo"}).encode()
        with self.opener.open(self._request("/auth/login", body)) as r:
            self.csrf = json.load(r)["csrfToken"]

    def _request(self, path: str, body: bytes, **headers: str) -> urllib.request.Request:
        return urllib.request.Request(  # noqa: S310 (http://localhost, built here)
            self.base_url + path,
            data=body,
            headers={"content-type": "application/json", **headers},
            method="POST",
        )

    def gql(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        with self.opener.open(self._request("/graphql", body, **{"x-csrf-token": self.csrf})) as r:
            answer = json.load(r)
        assert "errors" not in answer, answer
        return answer["data"]


_DOCS = """query($id: ID!) { dossier(customerId: $id) { documents(first: 200) { items {
  id title documentType { key } currentVersion { mimeType preview { state } } } } } }"""


def _choose(client: _Client, base_url: str) -> Demo:
    """The customer with a ready PDF, a ready photo and a ready offer (a PDF of two pages); waits
    for the worker's previews."""
    customers = client.gql("{ customers(first: 100) { items { id name } } }")["customers"]["items"]
    deadline = time.monotonic() + 180
    while True:
        for customer in customers:
            docs = client.gql(_DOCS, {"id": customer["id"]})["dossier"]["documents"]["items"]

            def ready(d: dict[str, Any], mime: str) -> bool:
                v = d["currentVersion"]
                return bool(v and v["mimeType"] == mime and v["preview"]["state"] == "READY")

            pdf = next((d for d in docs if ready(d, "application/pdf")), None)
            image = next((d for d in docs if ready(d, "image/jpeg")), None)
            offer = next(  # a two-page PDF: the offer, then the terms of delivery
                (
                    d
                    for d in docs
                    if d["documentType"]["key"] == "offer" and ready(d, "application/pdf")
                ),
                None,
            )
            if pdf and image and offer:
                return Demo(
                    base_url=base_url,
                    customer_id=customer["id"],
                    customer_name=customer["name"],
                    pdf_title=pdf["title"],
                    image_title=image["title"],
                    offer_id=offer["id"],
                    offer_title=offer["title"],
                )
        if time.monotonic() > deadline:
            raise AssertionError("no demo customer with ready PDF and photo previews")
        time.sleep(2)


@contextlib.contextmanager
def _database() -> Iterator[dict[str, str]]:
    """With ``DOSSIER_TEST_DB=postgres`` a fresh PostgreSQL database (dropped after), as settings;
    else nothing: the server keeps SQLite in its data directory."""
    if ENGINE != "postgres":
        yield {}
        return
    scratch = scratch_postgres(POSTGRES_ADMIN_URL, "dossier_e2e")
    # A loop in a thread of its own (the browser's event loop may be this thread's), kept from
    # creating to dropping: asyncio.run would finish the generator, dropping it at once.
    loop = asyncio.new_event_loop()
    with ThreadPoolExecutor(1) as pool:
        owner_url, app_url = pool.submit(loop.run_until_complete, scratch.__aenter__()).result()
        try:
            yield {"DOSSIER_DATABASE_URL": app_url, "DOSSIER_DATABASE_OWNER_URL": owner_url}
        finally:
            pool.submit(loop.run_until_complete, scratch.__aexit__(None, None, None)).result()
            pool.submit(loop.close).result()


class DossierServer:
    """``dossier serve`` on one port and one data directory (SQLite database and files), which a
    test may stop and start again: the same address, the same data (offline tests)."""

    def __init__(self, data: Path, database: dict[str, str]) -> None:
        self.data = data
        self.env = server_env(
            data,
            free_port(),
            PWA_DIST,
            DOSSIER_SECRET_KEY=TEST_SECRET_KEY,
            DOSSIER_AUDIT_SIGNING_KEY=TEST_AUDIT_KEY,
            # Only page one from the preview job: a PDF's later pages are rendered on demand.
            DOSSIER_PDF_PREVIEW_PAGES="1",
            **database,
        )
        self.base_url = self.env["DOSSIER_BASE_URL"]
        self._serving: contextlib.ExitStack | None = None

    def prepare(self, customers: int, documents: int) -> None:
        """Migrate and make the demo data."""
        prepare(self.env, customers=customers, documents=documents)

    def start(self) -> None:
        """Serve and wait until it answers."""
        assert self._serving is None, "already serving"
        stack = contextlib.ExitStack()
        stack.enter_context(serving(self.env, self.data / "server.log"))
        self._serving = stack

    def stop(self) -> None:
        """Stop serving (nothing answers on the port until :meth:`start`)."""
        if self._serving is not None:
            self._serving.close()
            self._serving = None

    def close(self) -> None:
        self.stop()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DossierServer]:
    """The server under test, with demo data; a test that stops it starts it again."""
    assert (PWA_DIST / "index.html").is_file(), (
        "the PWA is not built: run ./dev test (or: cd pwa && npm ci && npx vite build)"
    )
    with _database() as database:
        running = DossierServer(tmp_path_factory.mktemp("e2e"), database)
        try:
            running.prepare(customers=6, documents=90)
            running.start()
            yield running
        finally:
            running.close()


@pytest.fixture(scope="session")
def demo(server: DossierServer) -> Demo:
    return _choose(_Client(server.base_url), server.base_url)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Per module: the sync API runs an event loop of its own in this thread, which must be gone
    before the suite's asyncio tests run again."""
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), (
        "Chromium is missing: apt-get install chromium (./dev test does)"
    )
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


def new_context(browser: Browser, demo: Demo, device: str, **extra: Any) -> BrowserContext:
    options = PHONE if device == "phone" else DESKTOP
    context = browser.new_context(base_url=demo.base_url, locale="en-GB", **options, **extra)
    context.set_default_timeout(30_000)
    return context


def sign_in(page: Page, demo: Demo) -> None:
    page.goto("/")
    page.fill("#email", DEMO_EMAIL)
    page.fill("#password", DEMO_PASSWORD)
    page.click("login-screen button[type=submit]")
    page.wait_for_selector("search-screen #q")


def a_word_of(title: str) -> str:
    """A word of the offer's title that the search finds (letters only, long enough to matter)."""
    words: list[str] = [w for w in re.findall(r"[^\W\d_]+", title) if len(w) >= 4]
    assert words, title
    return words[0]


def search_settled(page: Page) -> None:
    """The server's answer (or its absence) has arrived."""
    expect(page.locator("document-search-screen section[aria-busy=false]")).to_be_attached()


_SERVICE_WORKER_READY = """(ms) => Promise.race([
  navigator.serviceWorker.ready.then(() => true),
  new Promise((_, reject) => setTimeout(() => reject(new Error(`no service worker within ${ms} ms`)), ms)),
])"""


def service_worker_ready(page: Page, timeout_ms: int = 30_000) -> None:
    """Wait until a service worker is active for the page. ``wait_for_function`` cannot: its
    predicate is synchronous, and the promise of ``navigator.serviceWorker.ready`` counts as
    true at once; ``evaluate`` waits for it."""
    page.evaluate(_SERVICE_WORKER_READY, timeout_ms)


@contextlib.contextmanager
def offline_reload(page: Page) -> Iterator[None]:
    """Offline, with every request that still leaves the browser (the service worker's own fetches
    are not covered by the offline emulation) failing as if the server were stopped; the page is
    reloaded and says so. Back online afterwards."""
    page.context.set_offline(True)
    page.context.route("**/*", lambda route: route.abort("internetdisconnected"))
    try:
        page.reload()
        expect(page.locator("dossier-app .notice", has_text="Offline").first).to_be_visible()
        yield
    finally:
        page.context.unroute("**/*")
        page.context.set_offline(False)


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.fixture(params=["phone", "desktop"])
def device(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def page(browser: Browser, demo: Demo, device: str) -> Iterator[Page]:
    context = new_context(browser, demo, device)
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield p
    context.close()
    assert not errors, errors


@pytest.fixture
def push_page(browser: Browser, demo: Demo) -> Iterator[Page]:
    """A desktop page whose origin may show notifications."""
    context = new_context(browser, demo, "desktop")
    context.grant_permissions(["notifications"])
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


_SHOWN = """async () => (await (await navigator.serviceWorker.ready).getNotifications())
  .map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url}))"""


def notifications_after_push(page: Page, demo: Demo, payload: dict[str, Any]) -> list[Any]:
    """Deliver ``payload`` to the page's service worker as a push message through the DevTools
    protocol, as a push service would, and answer the notifications it then shows (title, body,
    tag, the address a click opens)."""
    service_worker_ready(page)
    cdp = page.context.new_cdp_session(page)
    registrations: dict[str, bool] = {}
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.update(
            (r["registrationId"], not r["isDeleted"]) for r in event["registrations"]
        ),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(500)
    live = [rid for rid, alive in registrations.items() if alive]
    assert live, "the service worker is registered"
    shown: list[Any] = []
    # A push that reaches a worker still starting up can be dropped, as a push service may
    # deliver again: deliver until it shows (the tag makes a repeat replace, not add).
    for _ in range(5):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": demo.base_url, "registrationId": live[-1], "data": json.dumps(payload)},
        )
        for _ in range(20):
            shown = page.evaluate(_SHOWN)
            if shown:
                return shown
            page.wait_for_timeout(100)
    return shown
