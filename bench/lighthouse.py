"""Measure: Lighthouse scores of the built PWA, mobile profile (issue 5 budgets).

Budgets: performance ≥ 90, accessibility ≥ 95, best practices ≥ 95 (SEO is printed, not
budgeted). The app is built (``npx vite build``) unless told not to, then served by a real
``dossier serve`` on a temporary SQLite database with a small demo, and Lighthouse (npm
``lighthouse`` in ``pwa/node_modules``) runs against three pages with Debian's Chromium
(``CHROME_PATH``, default ``/usr/bin/chromium``): the sign-in screen without a session, and a
dossier's document list and the in-tray with the session cookie of a demo user sent as a header,
so the app starts signed in on an empty device, as after a sign-in. Each page runs ``runs`` times;
the median score per category counts, because simulated throttling on a shared machine wobbles.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from bench.served import free_port, prepare, server_env, serving

__all__ = [
    "BUDGETS",
    "LighthouseResult",
    "PageScores",
    "format_lighthouse_table",
    "run_lighthouse_benchmark",
    "scores_of",
]

ROOT = Path(__file__).resolve().parents[1]
PWA = ROOT / "pwa"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
BUDGETS: Mapping[str, int] = {"performance": 90, "accessibility": 95, "best-practices": 95}
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
    "--disable-background-networking --disable-component-update --disable-sync"
)
DEMO_EMAIL = "anna.nowak@demo.example"
DEMO_PASSWORD = "demo-password"  # noqa: S105 (the demo's published password)


@dataclass(frozen=True, slots=True)
class PageScores:
    page: str
    path: str
    #: Median score per category, 0–100.
    scores: Mapping[str, int]
    #: Audits that lost points (weighted ones), for the reader to act on.
    findings: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return all(self.scores.get(c, 0) >= floor for c, floor in BUDGETS.items())


@dataclass(frozen=True, slots=True)
class LighthouseResult:
    pages: tuple[PageScores, ...]
    runs: int
    lighthouse_version: str

    @property
    def passed(self) -> bool:
        return all(p.passed for p in self.pages)


def scores_of(report: Mapping[str, Any]) -> tuple[dict[str, int], list[str]]:
    """Category scores (0–100) of one Lighthouse JSON report, and its weighted failing audits."""
    categories = report["categories"]
    scores = {
        name: round((categories[name]["score"] or 0) * 100)
        for name in CATEGORIES
        if name in categories
    }
    findings = []
    for name, category in categories.items():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                shown = audit.get("displayValue") or f"score {audit['score']:.2f}"
                findings.append(f"{name}: {ref['id']} ({shown})")
    return scores, findings


@contextmanager
def demo_server(dist: Path, *, customers: int = 4, documents: int = 40) -> Iterator[str]:
    """A ``dossier serve`` of ``dist`` with demo data on a throwaway SQLite database; its URL."""
    with tempfile.TemporaryDirectory(prefix="dossier-lighthouse-") as data:
        env = server_env(Path(data), free_port(), dist, environment="development")
        prepare(env, customers=customers, documents=documents)
        with serving(env, Path(data) / "server.log") as base_url:
            yield base_url


def _session(base_url: str) -> tuple[str, str]:
    """Sign the demo user in: the ``Cookie`` header value and a customer with documents."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(path: str, body: dict[str, Any], **headers: str) -> Any:
        request = urllib.request.Request(  # noqa: S310 (http://localhost, built here)
            base_url + path,
            data=json.dumps(body).encode(),
            headers={"content-type": "application/json", **headers},
            method="POST",
        )
        with opener.open(request) as r:
            return json.load(r)

    csrf = post("/auth/login", {"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "tenant": "demo"})[
        "csrfToken"
    ]
    query = "{ customers(first: 20) { items { id } } }"
    items = post("/graphql", {"query": query}, **{"x-csrf-token": csrf})["data"]["customers"]
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, items["items"][0]["id"]


def _lighthouse(url: str, cookie: str | None) -> dict[str, Any]:
    binary = PWA / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        raise RuntimeError("lighthouse is not installed: cd pwa && npm ci")
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as out:
        report = Path(out) / "report.json"
        command = [
            str(binary),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
        ]
        if cookie:
            command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
        env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
        if done.returncode != 0 or not report.exists():
            raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-2000:]}")
        return dict(json.loads(report.read_text()))


def run_lighthouse_benchmark(
    *, build: bool = True, runs: int = 3, pages: Sequence[str] = ("login", "dossier", "in-tray")
) -> LighthouseResult:
    if build:
        subprocess.run(["npx", "vite", "build"], cwd=PWA, check=True, capture_output=True)  # noqa: S607 (the project's own npx)
    dist = PWA / "dist"
    if not (dist / "index.html").is_file():
        raise RuntimeError(f"{dist} has no build: cd pwa && npm ci && npx vite build")
    measured: list[PageScores] = []
    version = ""
    with demo_server(dist) as base_url:
        cookie, customer_id = _session(base_url)
        where = {
            "login": ("/", None),
            "dossier": (f"/customers/{customer_id}/all", cookie),
            "in-tray": ("/inbox", cookie),
        }
        for page in pages:
            path, page_cookie = where[page]
            per_run: list[dict[str, int]] = []
            findings: dict[str, str] = {}  # one line per audit: what the last run showed
            for _ in range(runs):
                report = _lighthouse(base_url + path, page_cookie)
                version = str(report.get("lighthouseVersion", ""))
                scores, found = scores_of(report)
                per_run.append(scores)
                findings.update((line.split(" (")[0], line) for line in found)
            median = {c: round(statistics.median(r.get(c, 0) for r in per_run)) for c in CATEGORIES}
            measured.append(
                PageScores(
                    page=page,
                    path=path.replace(customer_id, "{id}"),
                    scores=median,
                    findings=tuple(sorted(findings.values())),
                )
            )
    return LighthouseResult(pages=tuple(measured), runs=runs, lighthouse_version=version)


def format_lighthouse_table(results: Sequence[LighthouseResult]) -> str:
    floors = ", ".join(f"{c} ≥ {v}" for c, v in BUDGETS.items())
    lines = []
    for result in results:
        lines.append(
            f"Lighthouse {result.lighthouse_version}, mobile, median of {result.runs} run(s); "
            f"budget: {floors}"
        )
        lines.append(
            f"{'page':<10}{'path':<22}" + "".join(f"{c:>16}" for c in CATEGORIES) + "  budget"
        )
        for p in result.pages:
            lines.append(
                f"{p.page:<10}{p.path:<22}"
                + "".join(f"{p.scores.get(c, 0):>16}" for c in CATEGORIES)
                + f"  {'PASS' if p.passed else 'FAIL'}"
            )
        for p in result.pages:
            for finding in p.findings:
                lines.append(f"  {p.page}: {finding}")
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    build = "--no-build" not in argv
    runs = 1 if "--quick" in argv else 3
    result = run_lighthouse_benchmark(build=build, runs=runs)
    print(format_lighthouse_table([result]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
