"""Measure: OCR throughput of one worker against two, over the same scanned pages.

Each worker reads one page at a time with Tesseract limited to one thread (``OMP_THREAD_LIMIT=1``,
as :func:`backend.documents.ocr.ocr_image` starts it), so two workers should come close to twice
the pages per second of one on a machine with two free cores. Budget (issue 4): two workers
≥ 1.7× one.

The pages are generated once and not timed: A4 at 300 dpi, thirty lines of German and Polish
invoice text in DejaVu Sans at 12 pt, each page with its own invoice number, which the check
finds in the text read. The two-worker run uses two threads, each waiting for its own Tesseract
process (the work happens in those processes, not under the GIL). Both measures alternate for
``rounds`` rounds; the best round of each counts, so a burst of other work on the machine
spoils one round, not the result.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from backend.documents.ocr import ocr_image

__all__ = ["OcrResult", "format_ocr_table", "run_ocr_benchmark"]

BUDGET = 1.7
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
A4_300_DPI = (2480, 3508)
LANGUAGES = "deu+pol+eng"
LINES = (
    "Rechnung Nummer {n} vom 29.11.2026",
    "Position Menge Einzelpreis Gesamtpreis",
    "Schraube M4 Größe 12 Stück 0,12 EUR",
    "Übergabe an die Spedition Müller & Söhne",
    "Zażółć gęślą jaźń, źródło dostawy Łódź",
)


@dataclass(frozen=True, slots=True)
class Measure:
    pages_per_second: float
    cores: float
    """CPU seconds Tesseract used per second of the run: about 1 for one free core at work, 2 for
    two; less when other programs had the cores."""


@dataclass(frozen=True, slots=True)
class OcrResult:
    pages: int
    megapixels: float
    one_worker: Measure
    two_workers: Measure
    load: float
    """The machine's one-minute load average when the measures began."""

    @property
    def one_worker_per_second(self) -> float:
        return self.one_worker.pages_per_second

    @property
    def two_workers_per_second(self) -> float:
        return self.two_workers.pages_per_second

    @property
    def ratio(self) -> float:
        return self.two_workers_per_second / self.one_worker_per_second

    @property
    def passed(self) -> bool:
        return self.ratio >= BUDGET


def page(number: int, size: tuple[int, int] = A4_300_DPI, lines: int = 30) -> Image.Image:
    """A scanned invoice page whose first line carries ``number``."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 44)
    for row in range(lines):
        text = LINES[row % len(LINES)].format(n=10_000 + number)
        draw.text((180, 180 + row * 105), text, font=font, fill=0)
    return image


def _read(image: Image.Image) -> str:
    return ocr_image(image, LANGUAGES, timeout_seconds=300)


def _check(pages: Sequence[Image.Image], texts: Sequence[str]) -> None:
    for number, text in enumerate(texts):
        if f"Rechnung Nummer {10_000 + number}" not in text:
            raise AssertionError(f"page {number} was not read: {text[:80]!r}")


def _measure(pages: Sequence[Image.Image], read_all: Callable[[], list[str]]) -> Measure:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    texts = read_all()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    _check(pages, texts)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measure(len(pages) / seconds, cpu / seconds)


def _one_worker(pages: Sequence[Image.Image]) -> Measure:
    return _measure(pages, lambda: [_read(p) for p in pages])


def _two_workers(pages: Sequence[Image.Image]) -> Measure:
    with ThreadPoolExecutor(max_workers=2) as pool:
        return _measure(pages, lambda: list(pool.map(_read, pages)))


def run_ocr_benchmark(
    *, pages: int = 8, rounds: int = 2, size: tuple[int, int] = A4_300_DPI, lines: int = 30
) -> OcrResult:
    scans = [page(n, size, lines) for n in range(pages)]
    _read(scans[0])  # warm the file cache for Tesseract's language data
    load = os.getloadavg()[0]
    one: list[Measure] = []
    two: list[Measure] = []
    for _ in range(rounds):
        one.append(_one_worker(scans))
        two.append(_two_workers(scans))

    def best(measures: list[Measure]) -> Measure:
        return max(measures, key=lambda m: m.pages_per_second)

    return OcrResult(pages, size[0] * size[1] / 1e6, best(one), best(two), load)


def format_ocr_table(results: Sequence[OcrResult]) -> str:
    head = (
        "pages (MP each)   load   one worker pages/s (cores)   two workers pages/s (cores)   "
        "ratio   verdict"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        verdict = "PASS" if r.passed else "FAIL"
        lines.append(
            f"{r.pages:>5} ({r.megapixels:4.1f} MP)  {r.load:5.1f}   "
            f"{r.one_worker.pages_per_second:18.2f} ({r.one_worker.cores:3.1f})   "
            f"{r.two_workers.pages_per_second:19.2f} ({r.two_workers.cores:3.1f})   "
            f"{r.ratio:4.2f}×   {verdict} (two workers ≥ {BUDGET:g}× one)"
        )
    return "\n".join(lines)
