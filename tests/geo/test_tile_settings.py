"""The map's tile server settings: OpenStreetMap's by default, no bulk prefetch from it, and the
page's CSP opened to exactly the tile server's origin."""

from __future__ import annotations

import pytest

from backend.errors import SettingsError
from backend.http.pwa import PWA_CSP, pwa_csp
from backend.settings import load_settings


def test_openstreetmap_by_default_without_prefetch() -> None:
    tiles = load_settings({}).tiles
    assert tiles.url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert tiles.attribution == "© OpenStreetMap contributors"
    assert tiles.attribution_url == "https://www.openstreetmap.org/copyright"
    assert not tiles.prefetch
    assert tiles.origin == "https://tile.openstreetmap.org"


def test_an_own_tile_server_may_allow_prefetch() -> None:
    tiles = load_settings(
        {
            "DOSSIER_TILE_URL": "https://{s}.tiles.acme.example/osm/{z}/{x}/{y}.png",
            "DOSSIER_TILE_ATTRIBUTION": "© OpenStreetMap contributors, Acme",
            "DOSSIER_TILE_PREFETCH": "true",
            "DOSSIER_TILE_PREFETCH_MAX_TILES": "800",
            "DOSSIER_TILE_MAX_ZOOM": "18",
        }
    ).tiles
    assert tiles.prefetch
    assert (tiles.prefetch_max_tiles, tiles.max_zoom) == (800, 18)
    assert tiles.attribution_url is None
    assert tiles.origin == "https://*.tiles.acme.example"


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"DOSSIER_TILE_URL": "ftp://tiles.example/{z}/{x}/{y}.png"}, "DOSSIER_TILE_URL"),
        ({"DOSSIER_TILE_URL": "https://tiles.example/tile.png"}, "DOSSIER_TILE_URL"),
        ({"DOSSIER_TILE_URL": "https://tiles.example/{z}/{x}/{y}.png"}, "DOSSIER_TILE_ATTRIBUTION"),
        ({"DOSSIER_TILE_PREFETCH": "true"}, "DOSSIER_TILE_PREFETCH"),
        ({"DOSSIER_TILE_PREFETCH": "maybe"}, "DOSSIER_TILE_PREFETCH"),
        ({"DOSSIER_TILE_MAX_ZOOM": "30"}, "DOSSIER_TILE_MAX_ZOOM"),
        ({"DOSSIER_TILE_PREFETCH_MAX_TILES": "0"}, "DOSSIER_TILE_PREFETCH_MAX_TILES"),
        ({"DOSSIER_TILE_ATTRIBUTION_URL": "javascript:alert(1)"}, "DOSSIER_TILE_ATTRIBUTION_URL"),
    ],
)
def test_wrong_tile_settings_are_refused(env: dict[str, str], setting: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(env)
    assert caught.value.setting == setting


def test_csp_allows_the_tile_origin_for_images_and_connections_only() -> None:
    csp = pwa_csp("http://127.0.0.1:9000")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["img-src"] == "'self' http://127.0.0.1:9000 data: blob:"
    assert directives["connect-src"] == "'self' http://127.0.0.1:9000"
    assert directives["script-src"] == "'self'"
    assert pwa_csp(None) == PWA_CSP
