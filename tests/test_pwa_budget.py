"""The PWA budget's critical path: the entry, its static imports, the app shell it loads at boot
with what Vite preloads for it, and their static imports; never a route's lazy chunks."""

from __future__ import annotations

from pathlib import Path

from bench.pwa_budget import critical_scripts, measure


def test_the_critical_path_leaves_out_what_routes_load_later(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    assets.mkdir()
    (tmp_path / "index.html").write_text(
        '<html><script type="module" crossorigin src="/assets/index-1.js"></script></html>'
    )
    scripts = {
        "index-1.js": 'import{a}from"./shared-1.js";const __vite__mapDeps=(i,m=__vite__mapDeps,'
        'd=(m.f||(m.f=["assets/app-1.js","assets/lit-1.js"])))=>i.map(i=>d[i]);'
        'n(()=>import("./app-1.js"),__vite__mapDeps([0,1]));',
        "shared-1.js": "export const a=1;",
        "app-1.js": 'import"./lit-1.js";import{b}from"./ui-1.js";const m=()=>import(`./map-1.js`);',
        "lit-1.js": "export const l=1;",
        "ui-1.js": "export const b=2;",
        "map-1.js": 'import{L}from"./leaflet-1.js";',
        "leaflet-1.js": "export const L=" + "1" * 5000 + ";",
    }
    for name, text in scripts.items():
        (assets / name).write_text(text)

    assert critical_scripts(tmp_path) == {
        "index-1.js",
        "shared-1.js",
        "app-1.js",
        "lit-1.js",
        "ui-1.js",
    }
    sizes = measure(tmp_path)
    assert sizes.critical_js_gzip < sizes.all_js_gzip
