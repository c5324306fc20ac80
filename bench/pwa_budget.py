"""``python -m bench.pwa_budget [pwa/dist]``: the PWA's size budgets (DESIGN.md, issue 5).

- critical-path JavaScript, gzipped: every script the app may run to show its first screen — the
  entry scripts of index.html, what they import statically, and what their own dynamic imports
  load (the app shell at boot, with the chunks Vite preloads for it), transitively through static
  imports; not the chunks of screens and features loaded on their routes (maps, search, views,
  offline sync), ≤ 150 KB;
- total precache (what the service worker stores on install), ≤ 1.5 MB;
- all scripts, gzipped, for information.
"""

from __future__ import annotations

import gzip
import re
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CRITICAL_JS_BUDGET", "PRECACHE_BUDGET", "PwaSizes", "measure"]

CRITICAL_JS_BUDGET = 150 * 1024
PRECACHE_BUDGET = 1536 * 1024
#: What vite-plugin-pwa precaches (pwa/vite.config.ts: injectManifest.globPatterns).
_PRECACHED = {".js", ".css", ".html", ".svg", ".png", ".webmanifest"}
_ENTRY = re.compile(r'<script[^>]*\bsrc="/?([^"]+\.js)"')
_STATIC = re.compile(r'(?:\bfrom|\bimport)\s*["`\']\./([^"`\']+\.js)["`\']')
_DYNAMIC = re.compile(r'\bimport\(\s*["`\']\./([^"`\']+\.js)["`\']\s*\)')
_PRELOADS = re.compile(r"__vite__mapDeps=\([^;]*?\[([^\]]*)\]")


@dataclass(frozen=True, slots=True)
class PwaSizes:
    critical_js_gzip: int
    precache_bytes: int
    all_js_gzip: int
    critical_scripts: tuple[str, ...]

    @property
    def within_budget(self) -> bool:
        return (
            self.critical_js_gzip <= CRITICAL_JS_BUDGET and self.precache_bytes <= PRECACHE_BUDGET
        )


def _gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 9))


def _with_static_imports(assets: Path, names: set[str]) -> set[str]:
    todo, seen = list(names), set(names)
    while todo:
        script = assets / todo.pop()
        if not script.is_file():
            continue
        for found in _STATIC.findall(script.read_text(errors="replace")):
            if found not in seen:
                seen.add(found)
                todo.append(found)
    return seen


def critical_scripts(dist: Path) -> set[str]:
    """Names (in ``assets/``) of the scripts on the critical path (see the module)."""
    assets = dist / "assets"
    entries = {Path(src).name for src in _ENTRY.findall((dist / "index.html").read_text())}
    start = _with_static_imports(assets, entries)
    for name in list(start):
        if name not in entries:
            continue
        text = (assets / name).read_text(errors="replace")
        start |= set(_DYNAMIC.findall(text))
        for listed in _PRELOADS.findall(text):
            start |= {
                Path(item.strip().strip("\"'`")).name
                for item in listed.split(",")
                if item.strip().strip("\"'`").endswith(".js")
            }
    return _with_static_imports(assets, start)


def measure(dist: Path) -> PwaSizes:
    scripts = sorted((dist / "assets").glob("*.js"))
    critical = critical_scripts(dist)
    precache = sum(
        p.stat().st_size
        for p in dist.rglob("*")
        if p.is_file() and p.suffix in _PRECACHED and p.name != "sw.js"
    )
    return PwaSizes(
        critical_js_gzip=sum(_gzip_size(p) for p in scripts if p.name in critical),
        precache_bytes=precache,
        all_js_gzip=sum(_gzip_size(p) for p in scripts),
        critical_scripts=tuple(sorted(critical)),
    )


def main(argv: list[str]) -> int:
    dist = Path(argv[0] if argv else "pwa/dist")
    if not (dist / "index.html").is_file():
        print(f"{dist} has no build: cd pwa && npm ci && npx vite build", file=sys.stderr)
        return 1
    sizes = measure(dist)
    rows = [
        ("critical-path JS (gzip)", sizes.critical_js_gzip, CRITICAL_JS_BUDGET),
        ("precache (total)", sizes.precache_bytes, PRECACHE_BUDGET),
    ]
    print(f"{'measure':<26}{'KB':>9}{'budget KB':>11}  holds")
    for name, value, budget in rows:
        print(f"{name:<26}{value / 1024:>9.1f}{budget / 1024:>11.0f}  {value <= budget}")
    print(f"{'all scripts (gzip)':<26}{sizes.all_js_gzip / 1024:>9.1f}{'-':>11}  -")
    print("critical path: " + ", ".join(sizes.critical_scripts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
