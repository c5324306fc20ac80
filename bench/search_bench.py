"""Measure: full-text search over a generated corpus (1,000,000 documents by default), p50/p95 of
typical queries through :class:`~backend.search.service.SearchService` (a page of 50 with ranks,
snippets and the count), on PostgreSQL (budget: p95 ≤ 50 ms) and SQLite (within 3× of PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass

from backend.runtime import Runtime
from backend.search.criteria import DateRange, SearchCriteria
from bench.search_corpus import VOCABULARY, Corpus, seed_corpus
from bench.timing import Timing

__all__ = ["SearchBenchResult", "format_search_table", "queries", "run_search_benchmark"]

POSTGRES_BUDGET_MS = 50.0
SQLITE_RATIO = 3.0


def queries(corpus: Corpus) -> dict[str, SearchCriteria]:
    """The measured searches: words picked by their rank in the Zipf distribution."""
    common, rare, prefixed = VOCABULARY[20], VOCABULARY[4000], VOCABULARY[1000]
    invoice = corpus.catalog.types["invoice"].id
    return {
        f"rare word ({rare})": SearchCriteria(text=rare),
        f"common word ({common}) + customer": SearchCriteria(
            text=common, customer_ids=(corpus.customer_ids[len(corpus.customer_ids) // 2],)
        ),
        f"common word ({common}) + type + year": SearchCriteria(
            text=common,
            document_type_ids=(invoice,),
            document_date=DateRange(dt.date(2024, 1, 1), dt.date(2025, 1, 1)),
        ),
        f"prefix ({prefixed[:5].lower()}…)": SearchCriteria(text=prefixed[:5]),
        f"two words ({VOCABULARY[3]} {VOCABULARY[300].lower()})": SearchCriteria(
            text=f"{VOCABULARY[3]} {VOCABULARY[300]}"
        ),
    }


@dataclass(frozen=True, slots=True)
class SearchBenchResult:
    engine: str
    documents: int
    seed_seconds: float
    timings: dict[str, Timing]
    totals: dict[str, int]


async def run_search_benchmark(
    runtime: Runtime, *, engine: str, documents: int, runs: int, warmup: int
) -> SearchBenchResult:
    corpus = await seed_corpus(runtime, documents)
    search = runtime.services().search
    principal = corpus.catalog.principal
    measured = queries(corpus)
    samples: dict[str, list[float]] = {name: [] for name in measured}
    totals: dict[str, int] = {}
    for i in range(warmup + runs):
        for name, criteria in measured.items():  # interleaved, so drift hits every query alike
            started = time.perf_counter_ns()
            result = await search.search(principal, criteria)
            elapsed = (time.perf_counter_ns() - started) / 1e6
            if result.total and not result.hits:
                raise AssertionError(f"{name}: a total without hits")
            totals[name] = result.total
            if i >= warmup:
                samples[name].append(elapsed)
    return SearchBenchResult(
        engine,
        documents,
        corpus.seconds,
        {name: Timing(tuple(s)) for name, s in samples.items()},
        totals,
    )


def format_search_table(results: Sequence[SearchBenchResult]) -> str:
    by_engine = {r.engine: r for r in results}
    pg, lite = by_engine.get("postgres"), by_engine.get("sqlite")
    any_result = pg or lite
    if any_result is None:
        return "search: nothing measured"
    lines = [
        f"search over {any_result.documents:,} documents "
        + ", ".join(f"{r.engine} seeded in {r.seed_seconds:.0f} s" for r in results),
        f"{'query':<44} {'found':>8}  {'postgres p50/p95 ms':>20}  {'sqlite p50/p95 ms':>18}  "
        f"{'ratio p95':>9}  verdict",
    ]
    lines.append("-" * len(lines[1]))
    for name in any_result.timings:
        found = any_result.totals[name]
        cells = []
        for r in (pg, lite):
            cells.append(
                f"{r.timings[name].p50:7.2f} / {r.timings[name].p95:7.2f}" if r else "      —"
            )
        verdicts = []
        if pg:
            verdicts.append("PASS" if pg.timings[name].p95 <= POSTGRES_BUDGET_MS else "FAIL")
        ratio = ""
        if pg and lite:
            value = lite.timings[name].p95 / pg.timings[name].p95
            ratio = f"{value:8.2f}×"
            verdicts.append("PASS" if value <= SQLITE_RATIO else "FAIL")
        lines.append(
            f"{name:<44} {found:>8}  {cells[0]:>20}  {cells[1]:>18}  {ratio:>9}  "
            f"{'/'.join(verdicts)} (pg ≤ {POSTGRES_BUDGET_MS:.0f} ms, sqlite ≤ {SQLITE_RATIO}×)"
        )
    return "\n".join(lines)
