"""``python -m bench.pwa_budget [pwa/dist]``: the PWA's size budgets (DESIGN.md, issue 5).

- critical-path JavaScript, gzipped: every script the app runs to show its first screen (the
  entry of index.html and the chunks it loads at start, which is all of ``assets/*.js``), ≤ 150 KB;
- total precache (what the service worker stores on install), ≤ 1.5 MB.
"""

from __future__ import annotations

import gzip
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CRITICAL_JS_BUDGET", "PRECACHE_BUDGET", "PwaSizes", "measure"]

CRITICAL_JS_BUDGET = 150 * 1024
PRECACHE_BUDGET = 1536 * 1024
#: What vite-plugin-pwa precaches (pwa/vite.config.ts: injectManifest.globPatterns).
_PRECACHED = {".js", ".css", ".html", ".svg", ".png", ".webmanifest"}


@dataclass(frozen=True, slots=True)
class PwaSizes:
    critical_js_gzip: int
    precache_bytes: int

    @property
    def within_budget(self) -> bool:
        return (
            self.critical_js_gzip <= CRITICAL_JS_BUDGET and self.precache_bytes <= PRECACHE_BUDGET
        )


def measure(dist: Path) -> PwaSizes:
    scripts = sorted((dist / "assets").glob("*.js"))
    critical = sum(len(gzip.compress(p.read_bytes(), 9)) for p in scripts)
    precache = sum(
        p.stat().st_size
        for p in dist.rglob("*")
        if p.is_file() and p.suffix in _PRECACHED and p.name != "sw.js"
    )
    return PwaSizes(critical_js_gzip=critical, precache_bytes=precache)


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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
