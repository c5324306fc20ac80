"""The map screens in Chromium against a real server with demo data (its addresses carry
positions) and a local tile server: markers and clusters, a tap to the cover sheet, a seen tile
offline, customers near a position, the day's route (list and map agree), a pin corrected by
dragging, an area prepared for offline, the last-visit filter after visits recorded on the cover
sheet and on the day's route."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bench.served import free_port, prepare, server_env, serving
from tests.conftest import TEST_AUDIT_KEY, TEST_SECRET_KEY
from tests.e2e.conftest import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    PWA_DIST,
    ROOT,
    Demo,
    _Client,
    new_context,
    offline_reload,
    screenshot,
    service_worker_ready,
)
from tests.e2e.tile_stub import TileStub, running_tile_stub


@dataclass(frozen=True)
class MapServer:
    demo: Demo
    tiles: TileStub
    client: _Client


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MapServer]:
    """A server of its own: the tile settings point at the stub, which allows area downloads."""
    assert (PWA_DIST / "index.html").is_file(), "the PWA is not built: cd pwa && npx vite build"
    data = tmp_path_factory.mktemp("e2e-maps")
    with running_tile_stub() as tiles:
        env = server_env(
            data,
            free_port(),
            PWA_DIST,
            DOSSIER_SECRET_KEY=TEST_SECRET_KEY,
            DOSSIER_AUDIT_SIGNING_KEY=TEST_AUDIT_KEY,
            DOSSIER_EMBEDDED_WORKERS="0",  # no previews needed here
            DOSSIER_TILE_URL=tiles.template,
            DOSSIER_TILE_ATTRIBUTION="Test tiles",
            DOSSIER_TILE_PREFETCH="true",
            DOSSIER_TILE_PREFETCH_MAX_TILES="300",
        )
        prepare(env, customers=40, documents=60)
        with serving(env, data / "server.log") as base_url:
            client = _Client(base_url)
            demo = Demo(base_url, "", "", "", "", "", "")
            yield MapServer(demo, tiles, client)


CUSTOMERS = """{ customers(first: 100) { items { id name status
  addresses { id kind label latitude longitude geoState } } } }"""


def customers(maps: MapServer) -> list[dict[str, Any]]:
    return maps.client.gql(CUSTOMERS)["customers"]["items"]  # type: ignore[no-any-return]


@pytest.fixture
def context(browser: Browser, maps: MapServer, device: str) -> Iterator[BrowserContext]:
    ctx = new_context(browser, maps.demo, device)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield p
    assert not errors, errors


def sign_in(page: Page) -> None:
    page.goto("/")
    page.fill("#email", DEMO_EMAIL)
    page.fill("#password", DEMO_PASSWORD)
    page.click("login-screen button[type=submit]")
    page.wait_for_selector("search-screen #q")


def controlled(page: Page) -> None:
    """The service worker controls the page, so it keeps the tiles the map shows."""
    service_worker_ready(page)
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def loaded_tiles(page: Page) -> list[str]:
    """The tiles the map shows, fully loaded."""
    return page.evaluate(  # type: ignore[no-any-return]
        """() => [...document.querySelector('dossier-app').shadowRoot.querySelector('main')
             .querySelector('map-screen, document-screen, dossier-screen').shadowRoot
             .querySelectorAll('leaflet-map')].flatMap((m) => [...m.shadowRoot
             .querySelectorAll('img.leaflet-tile-loaded')])
             .filter((i) => i.complete && i.naturalWidth > 0).map((i) => i.src)"""
    )


def test_demo_addresses_have_positions(maps: MapServer) -> None:
    found = customers(maps)
    assert len(found) == 40
    placed = [a for c in found for a in c["addresses"] if a["latitude"] is not None]
    assert len(placed) == sum(len(c["addresses"]) for c in found)


def test_customers_map_clusters_and_opens_the_cover_sheet(
    page: Page, maps: MapServer, device: str
) -> None:
    sign_in(page)
    page.locator("dossier-app a[href='/map']").click()
    screen = page.locator("map-screen")
    expect(screen.locator("h1")).to_have_text("Map")
    expect(screen.locator(".count")).to_contain_text("40 of 40 customers on the map")
    # The whole of Europe: many customers share a city, so they collapse into clusters.
    clusters = screen.locator("leaflet-map .cluster")
    expect(clusters.first).to_be_visible()
    # Every customer once: in a cluster's count or as a pin (once the zoom animation is over).
    for _ in range(20):
        counts = [int(t) for t in clusters.all_inner_texts()]
        singles = screen.locator("leaflet-map .pin").count()
        if sum(counts) + singles == 40:
            break
        page.wait_for_timeout(250)
    assert sum(counts) + singles == 40, (counts, singles)
    assert counts
    assert max(counts) > 1
    expect(screen.locator("leaflet-map .leaflet-control-attribution")).to_contain_text("Test tiles")
    page.wait_for_function("document.readyState === 'complete'")
    expect(screen.locator("leaflet-map img.leaflet-tile-loaded").first).to_be_attached()
    if device == "phone":
        screenshot(page, "20-map-customers")
    # A filter by status narrows the markers.
    statuses = {c["status"] for c in customers(maps)}
    if "active" in statuses and len(statuses) > 1:
        active = sum(1 for c in customers(maps) if c["status"] == "active")
        screen.locator("#status").select_option("active")
        expect(screen.locator(".count")).to_contain_text(f"{active} of 40 customers")
        screen.locator("#status").select_option("")
    # Tapping a cluster zooms in until single pins show; a pin opens the cover sheet.
    for _ in range(8):
        if screen.locator("leaflet-map .pin").count():
            break
        screen.locator("leaflet-map .cluster").first.click()
        page.wait_for_timeout(700)
    pin = screen.locator("leaflet-map .pin").first
    label = pin.get_attribute("aria-label") or ""
    name = label.split(",")[0]
    pin.click()
    expect(page.locator("dossier-screen h1")).to_have_text(name)


def test_open_complaints_filter(page: Page, maps: MapServer) -> None:
    sign_in(page)
    page.goto("/map")
    screen = page.locator("map-screen")
    expect(screen.locator(".count")).to_contain_text("of 40 customers")
    box = screen.locator("#complaints")
    expect(box).to_be_enabled()
    box.check()
    expect(screen.locator(".count")).not_to_contain_text("40 of 40")
    shown = int(re.findall(r"\d+", screen.locator(".count").inner_text())[0])
    complaints = maps.client.gql(
        """query($c: SearchCriteriaInput!) { search(criteria: $c, limit: 1) { groups { key } } }""",
        {
            "c": {
                "documentTypeIds": [
                    t["id"]
                    for t in maps.client.gql("{ documentTypes { id key } }")["documentTypes"]
                    if t["key"] == "complaint"
                ],
                "index": [{"field": "status", "equals": "open"}],
                "groupBy": "CUSTOMER",
            }
        },
    )["search"]["groups"]
    assert shown == len(complaints)


def test_a_seen_tile_renders_offline(page: Page, context: BrowserContext, maps: MapServer) -> None:
    sign_in(page)
    controlled(page)
    page.goto("/map")
    screen = page.locator("map-screen")
    expect(screen.locator(".count")).to_contain_text("40 of 40 customers on the map")
    page.wait_for_function(
        """() => { const m = document.querySelector('dossier-app').shadowRoot
             .querySelector('map-screen').shadowRoot.querySelector('leaflet-map').shadowRoot;
           const tiles = [...m.querySelectorAll('img.leaflet-tile')];
           return tiles.length > 0 && tiles.every((i) => i.classList.contains('leaflet-tile-loaded')); }"""
    )
    page.wait_for_timeout(500)  # the service worker writes the last tiles into its cache
    online = set(loaded_tiles(page))
    assert online
    kept = page.evaluate(
        "caches.open('dossier-tiles').then((c) => c.keys()).then((k) => k.map((r) => r.url))"
    )
    assert online <= set(kept)
    served = len(maps.tiles.served)
    context.set_offline(True)
    page.reload()
    expect(screen.locator(".count")).to_contain_text("40 of 40 customers on the map")
    page.wait_for_function(
        """() => { const m = document.querySelector('dossier-app').shadowRoot
             .querySelector('map-screen').shadowRoot.querySelector('leaflet-map').shadowRoot;
           return m.querySelectorAll('img.leaflet-tile-loaded').length > 0; }"""
    )
    page.wait_for_timeout(1000)  # the zoom settles on the same view as before
    offline = set(loaded_tiles(page))
    assert online <= offline, online - offline
    assert len(maps.tiles.served) == served, "nothing came from the tile server"
    expect(page.locator("map-screen .notice")).to_contain_text("Offline")
    context.set_offline(False)


def test_customers_near_a_position_nearest_first(
    browser: Browser, maps: MapServer, device: str
) -> None:
    found = customers(maps)
    here = found[0]["addresses"][-1]
    context = new_context(
        browser,
        maps.demo,
        device,
        geolocation={"latitude": here["latitude"], "longitude": here["longitude"]},
        permissions=["geolocation"],
    )
    try:
        page = context.new_page()
        sign_in(page)
        page.goto("/map/near")
        screen = page.locator("map-screen")
        screen.get_by_role("button", name="Use my location").click()
        expect(screen.locator("ol.results li").first).to_be_visible()
        expect(screen.locator("ol.results li").first).to_contain_text(found[0]["name"])
        distances = [
            float(re.sub(r"[^\d.]", "", t.replace(",", ".")))
            for t in screen.locator("ol.results .distance").all_inner_texts()
        ]
        assert distances == sorted(distances)
        assert distances[0] == 0
        expect(screen.locator("leaflet-map .pin.origin")).to_have_count(1)
        if device == "phone":
            screenshot(page, "21-map-near")
    finally:
        context.close()


def test_location_denied_says_so(browser: Browser, maps: MapServer) -> None:
    context = new_context(browser, maps.demo, "phone")
    try:
        page = context.new_page()
        sign_in(page)
        page.goto("/map/near")
        screen = page.locator("map-screen")
        screen.get_by_role("button", name="Use my location").click()
        expect(screen.get_by_role("alert")).to_contain_text("Location access was denied")
        # A chosen point still works: a tap on the map, or the map's centre.
        screen.locator("leaflet-map #map").click(position={"x": 60, "y": 150})
        expect(screen.locator(".messages [role=status]")).to_contain_text("km")
        expect(screen.locator("leaflet-map .pin.origin")).to_have_count(1)
        screen.get_by_role("button", name="Use the map centre").click()
        expect(screen.locator(".messages [role=status]")).to_contain_text("km")
    finally:
        context.close()


def test_the_route_list_and_the_map_agree(page: Page, maps: MapServer, device: str) -> None:
    sign_in(page)
    page.goto("/map/route")
    screen = page.locator("map-screen")
    boxes = screen.locator("ul.picks input[type=checkbox]")
    expect(boxes.first).to_be_visible()
    for i in range(5):
        boxes.nth(i).check()
    expect(screen.locator("legend")).to_contain_text("5 selected")
    screen.locator("#start").select_option("centre")
    screen.get_by_role("button", name="Plan the route").click()
    stops = screen.locator("ol.stops > li")
    expect(stops).to_have_count(5)
    listed = [
        (int(li.get_attribute("data-stop") or 0), li.locator(".row-title").inner_text())
        for li in stops.all()
    ]
    assert [n for n, _ in listed] == [1, 2, 3, 4, 5]
    pins = screen.locator("leaflet-map .pin.stop")
    expect(pins).to_have_count(5)
    on_map = sorted(
        (int(p.inner_text()), (p.get_attribute("aria-label") or "").split(": ", 1)[1])
        for p in pins.all()
    )
    assert on_map == listed
    # The line runs from the start through the stops in order and back.
    assert screen.locator("leaflet-map path.route").count() == 1
    first = stops.first
    expect(first.get_by_role("link", name=re.compile("Navigation app"))).to_have_attribute(
        "href", re.compile(r"^geo:")
    )
    expect(first.get_by_role("link", name=re.compile("Google Maps"))).to_have_attribute(
        "href", re.compile(r"^https://www\.google\.com/maps/")
    )
    if device == "phone":
        screenshot(page, "22-map-route")
        stops.last.scroll_into_view_if_needed()
        screenshot(page, "23-map-route-stops")
    # The plan is kept: it shows again after a reload.
    page.reload()
    expect(screen.locator("ol.stops > li")).to_have_count(5)


def test_a_dragged_pin_is_saved_as_placed_by_hand(browser: Browser, maps: MapServer) -> None:
    customer = customers(maps)[1]
    address = customer["addresses"][0]
    context = new_context(browser, maps.demo, "desktop")
    try:
        page = context.new_page()
        sign_in(page)
        page.goto(f"/customers/{customer['id']}")
        cover = page.locator("dossier-screen dossier-map")
        cover.scroll_into_view_if_needed()  # Leaflet loads when the map comes near the screen
        expect(cover.locator("leaflet-map .pin.address").first).to_be_visible()
        cover.get_by_role("button", name="Correct positions").click()
        pin = cover.locator(f"leaflet-map [data-marker='{address['id']}']")
        expect(pin).to_have_class(re.compile("leaflet-marker-draggable"))
        box = pin.bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 30, y + 20, steps=8)
        page.mouse.up()
        expect(cover.get_by_role("status")).to_contain_text("saved")
        after = next(c for c in customers(maps) if c["id"] == customer["id"])
        moved = next(a for a in after["addresses"] if a["id"] == address["id"])
        assert moved["geoState"] == "MANUAL"
        assert (moved["latitude"], moved["longitude"]) != (
            address["latitude"],
            address["longitude"],
        )
        assert moved["latitude"] < address["latitude"], "dragged down is south"
    finally:
        context.close()


def test_an_area_is_prepared_for_offline_within_the_limit(page: Page, maps: MapServer) -> None:
    sign_in(page)
    controlled(page)
    page.goto("/map")
    screen = page.locator("map-screen")
    expect(screen.locator(".count")).to_contain_text("40 of 40")
    button = screen.get_by_role("button", name="Prepare this area for offline")
    expect(button).to_be_enabled()
    before = len(maps.tiles.served)
    button.click()
    status = screen.locator(".messages [role=status]")
    expect(status).to_contain_text("ready for offline use", timeout=60_000)
    text = status.inner_text()
    count = int(re.findall(r"\d+", text)[0])
    assert 0 < count <= 300
    assert len(maps.tiles.served) - before <= 300


def test_settings_say_whether_areas_may_be_prepared(maps: MapServer) -> None:
    settings = maps.client.gql("{ mapSettings { tileUrl attribution prefetchAllowed } }")
    assert settings["mapSettings"] == {
        "tileUrl": maps.tiles.template,
        "attribution": "Test tiles",
        "prefetchAllowed": True,
    }
    assert json.dumps(settings)


def test_map_screens_pass_axe(browser: Browser, maps: MapServer) -> None:
    # axe is injected as a script, which the app's CSP rightly refuses: bypass it for this check.
    context = new_context(browser, maps.demo, "phone", bypass_csp=True)
    page = context.new_page()
    axe = (ROOT / "pwa" / "node_modules" / "axe-core" / "axe.min.js").read_text()
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        page.add_script_tag(content=axe)
        result = page.evaluate(
            "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa']})"
            ".then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))"
        )
        if result:
            found[name] = result

    try:
        sign_in(page)
        page.goto("/map")
        expect(page.locator("map-screen .count")).to_contain_text("40 of 40")
        page.locator("map-screen leaflet-map .cluster").first.wait_for()
        check("map")
        page.goto("/map/near")
        page.locator("map-screen leaflet-map").wait_for()
        check("near")
        page.goto("/map/route")
        page.locator("map-screen ul.picks input").first.wait_for()
        check("route picker")
        page.goto(f"/customers/{customers(maps)[0]['id']}")
        page.locator("dossier-screen dossier-map").scroll_into_view_if_needed()
        page.locator("dossier-map leaflet-map .pin").first.wait_for()
        check("dossier map")
    finally:
        context.close()
    assert not found, found


def test_without_permission_areas_are_not_prepared(page: Page, maps: MapServer) -> None:
    """A tile server whose terms forbid bulk downloads (OpenStreetMap's): the action is disabled
    and says why."""

    def forbid(route: Any) -> None:
        body = route.request.post_data or ""
        if "query MapSettings" not in body:
            route.continue_()
            return
        answer = route.fetch().json()
        answer["data"]["mapSettings"]["prefetchAllowed"] = False
        route.fulfill(json=answer)

    page.route("**/graphql", forbid)
    sign_in(page)
    page.goto("/map")
    screen = page.locator("map-screen")
    button = screen.get_by_role("button", name="Prepare this area for offline")
    expect(button).to_be_disabled()
    expect(screen.locator("#prepare-why")).to_contain_text("do not allow downloading areas")
    expect(button).to_have_attribute("aria-describedby", "prepare-why")


def test_cover_sheet_map_on_a_phone(browser: Browser, maps: MapServer) -> None:
    customer = customers(maps)[2]
    context = new_context(browser, maps.demo, "phone")
    try:
        page = context.new_page()
        sign_in(page)
        page.goto(f"/customers/{customer['id']}")
        cover = page.locator("dossier-screen dossier-map")
        cover.scroll_into_view_if_needed()  # Leaflet loads when the map comes near the screen
        expect(cover.locator("leaflet-map .pin.address")).to_have_count(
            len([a for a in customer["addresses"] if a["latitude"] is not None])
        )
        expect(cover.locator("leaflet-map img.leaflet-tile-loaded").first).to_be_attached()
        cover.scroll_into_view_if_needed()
        cover.get_by_role("button", name="Correct positions").click()
        expect(cover.get_by_role("button", name=re.compile("at map centre")).first).to_be_visible()
        screenshot(page, "24-dossier-map")
    finally:
        context.close()


def test_a_marker_opens_the_cover_sheet_from_the_keyboard(page: Page, maps: MapServer) -> None:
    sign_in(page)
    page.goto("/map/near")
    screen = page.locator("map-screen")
    screen.locator("#radius").select_option("250")
    screen.get_by_role("button", name="Use the map centre").click()
    expect(screen.locator("ol.results li").first).to_be_visible()
    pin = screen.locator("leaflet-map .pin:not(.origin)").first
    expect(pin).to_have_attribute("role", "button")
    expect(pin).to_have_attribute("tabindex", "0")
    name = (pin.get_attribute("aria-label") or "").split(",")[0]
    assert name
    pin.focus()
    page.keyboard.press("Enter")
    expect(page.locator("dossier-screen h1")).to_have_text(name)


LAST_VISITS = "{ customers(first: 100) { items { id name lastVisitAt } } }"


def test_recorded_visits_move_customers_between_last_visit_filters(
    browser: Browser, maps: MapServer
) -> None:
    found = maps.client.gql(LAST_VISITS)["customers"]["items"]
    visited = sum(1 for c in found if c["lastVisitAt"])
    fresh = [c for c in found if not c["lastVisitAt"]]
    target, stop = fresh[0], fresh[1]
    context = new_context(browser, maps.demo, "phone")
    try:
        page = context.new_page()
        sign_in(page)
        # The filter comes from the address, and shows in the select.
        page.goto("/map?visit=within-7")
        screen = page.locator("map-screen")
        expect(screen.locator("#visit")).to_have_value("within-7")
        expect(screen.locator(".count")).to_contain_text(f"{visited} of 40 customers on the map")
        screen.locator("#visit").select_option("never")
        expect(screen.locator(".count")).to_contain_text(f"{40 - visited} of 40 customers")
        assert page.url.endswith("/map?visit=never")
        # Combined with the status filter: both hold.
        statuses = sorted({c["status"] for c in customers(maps)})
        screen.locator("#status").select_option(statuses[0])
        assert re.search(rf"status={statuses[0]}&visit=never$", page.url)
        screen.locator("#status").select_option("")
        # Another map view and back: the filters stay, and the address says so.
        screen.locator("nav.modes a[href='/map/near']").click()
        screen.locator("nav.modes a[href='/map']").click()
        expect(screen.locator(".count")).to_contain_text(f"{40 - visited} of 40 customers")
        assert page.url.endswith("/map?visit=never")

        # "Record visit" on the cover sheet.
        page.goto(f"/customers/{target['id']}")
        panel = page.locator("dossier-screen visit-panel")
        expect(panel.locator(".last")).to_have_text("No visit recorded yet.")
        panel.locator("#visit-note").fill("Talked about the spring order")
        panel.get_by_role("button", name="Record visit").click()
        expect(panel.locator("[role=status]")).to_have_text(f"Visit at {target['name']} recorded.")
        expect(panel.locator(".last")).to_contain_text("Last visit:")
        expect(panel.locator("ul.notes")).to_contain_text("Talked about the spring order")

        # The map's filters follow at once: one more within 7 days, one fewer never visited.
        page.goto("/map?visit=within-7")
        expect(screen.locator(".count")).to_contain_text(f"{visited + 1} of 40 customers")
        pin = screen.locator(f"leaflet-map .pin[data-marker='{target['id']}']")
        for _ in range(8):
            if pin.count():
                break
            screen.locator("leaflet-map .cluster").first.click()
            page.wait_for_timeout(700)
        expect(pin).to_have_attribute("aria-label", re.compile(r", last visit "))
        screen.locator("#visit").select_option("never")
        expect(screen.locator(".count")).to_contain_text(f"{40 - visited - 1} of 40 customers")

        # "Mark visited" on a stop of the day's route.
        page.goto("/map/route")
        screen.locator("#pick-filter").fill(stop["name"])
        screen.locator(f"ul.picks input[value='{stop['id']}']").check()
        screen.locator("#start").select_option("centre")
        screen.get_by_role("button", name="Plan the route").click()
        first = screen.locator("ol.stops > li").first
        expect(first.locator(".row-title")).to_have_text(stop["name"])
        first.get_by_role("button", name=f"Mark stop 1, {stop['name']}, as visited").click()
        expect(screen.locator(".messages [role=status]")).to_have_text(
            f"Visit at {stop['name']} recorded."
        )
        expect(first.locator(".visited")).to_contain_text("Visited")
        page.goto("/map?visit=within-7")
        expect(screen.locator(".count")).to_contain_text(f"{visited + 2} of 40 customers")
        page.reload()
        expect(screen.locator("#visit")).to_have_value("within-7")
        expect(screen.locator(".count")).to_contain_text(f"{visited + 2} of 40 customers")
    finally:
        context.close()
    after = {c["id"]: c["lastVisitAt"] for c in maps.client.gql(LAST_VISITS)["customers"]["items"]}
    assert after[target["id"]]
    assert after[stop["id"]]


#: Which of ``ids`` the device has pinned and kept (the sync database's cursors and kept-files
#: records, written once a pinned dossier's pull has been projected and its files fetched).
_PINNED = """(ids) => new Promise((resolve, reject) => {
  const open = indexedDB.open('dossier-sync');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction(['meta', 'cursors']);
    const asked = ids.map((id) => [id, tx.objectStore('cursors').get(id),
                                   tx.objectStore('meta').get('files:' + id)]);
    tx.oncomplete = () => {
      open.result.close();
      resolve(Object.fromEntries(asked.map(([id, cursor, kept]) =>
        [id, cursor.result !== undefined && kept.result !== undefined])));
    };
  };
})"""


def test_the_days_dossiers_are_pinned_in_one_go_and_open_offline(
    page: Page, maps: MapServer
) -> None:
    sign_in(page)
    page.goto("/map/route")
    screen = page.locator("map-screen")
    boxes = screen.locator("ul.picks input[type=checkbox]")
    expect(boxes.first).to_be_visible()
    for i in range(3):
        boxes.nth(i).check()
    screen.locator("#start").select_option("centre")
    screen.get_by_role("button", name="Plan the route").click()
    stops = screen.locator("ol.stops > li")
    expect(stops).to_have_count(3)
    links = [li.locator("a.stop") for li in stops.all()]
    ids = [(link.get_attribute("href") or "").rsplit("/", 1)[1] for link in links]
    names = [link.locator(".row-title").inner_text() for link in links]
    screen.get_by_role("button", name="Pin these 3 dossiers for offline").click()
    expect(screen.locator(".messages [role=status]")).to_have_text(
        "Dossiers of the route pinned for offline: 3 (3 new)"
    )
    deadline = time.monotonic() + 60
    while not all((pinned := page.evaluate(_PINNED, ids)).values()):
        assert time.monotonic() < deadline, pinned
        page.wait_for_timeout(500)
    # Pinning again pins nothing new.
    screen.get_by_role("button", name="Pin these 3 dossiers for offline").click()
    expect(screen.locator(".messages [role=status]")).to_have_text(
        "Dossiers of the route pinned for offline: 3 (0 new)"
    )
    # Offline, a stop's dossier never opened before opens from the pinned copy.
    with offline_reload(page):
        expect(stops).to_have_count(3)
        links[2].click()
        expect(page.locator("dossier-screen h1")).to_have_text(names[2])
        expect(page.locator("dossier-screen .pin-state")).to_contain_text("Pinned on this device")
