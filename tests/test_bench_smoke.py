"""The cover benchmark (``python -m bench``) runs on the suite's engine with tiny numbers.

It seeds its own tenant in the session's database, checks that the GraphQL query and the
hand-written SQL return the same data, and reports both measures and their ratio.
"""

from __future__ import annotations

import pytest

from backend.runtime import Runtime
from bench import format_table, run_cover_benchmark
from bench.device_check import run_device_check_benchmark
from bench.last_visits import run_last_visits_benchmark
from bench.lighthouse import (
    LighthouseResult,
    PageScores,
    format_lighthouse_table,
    run_lighthouse_benchmark,
    scores_of,
)
from bench.nearby import format_nearby_table, run_nearby_benchmark
from bench.notify_fanout import format_notify_table, run_notify_benchmark
from bench.ocr import format_ocr_table, run_ocr_benchmark
from bench.permission_listing import format_permission_table, run_permission_benchmark
from bench.route import format_route_table, run_route_benchmark
from bench.search_bench import format_search_table, run_search_benchmark
from bench.sync_pull import format_pull_table, run_sync_pull_benchmark
from bench.sync_push import format_push_table, run_sync_push_benchmark
from bench.thumbnails import format_thumbnail_table, run_thumbnail_benchmark
from bench.timing import percentile


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([3.0], 95) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert percentile([float(i) for i in range(1, 101)], 95) == 95.05


async def test_the_cover_benchmark_reports_both_measures_and_the_ratio(runtime: Runtime) -> None:
    engine = "postgres" if runtime.database.is_postgres else "sqlite"
    result = await run_cover_benchmark(
        runtime, engine=engine, documents=200, other_customers=2, runs=5, warmup=1
    )
    assert result.documents == 200
    assert result.other_documents == 100
    assert result.graphql.runs == result.sql.runs == 5
    assert result.graphql.p95 > 0
    assert result.sql.p95 > 0
    assert result.graphql_statements > result.sql_statements == 7
    rows = [line for line in format_table([result]).splitlines() if line.startswith(f"{engine} ")]
    assert len(rows) == 3, rows
    assert "A GraphQL cover query" in rows[0]
    assert "B hand-written SQL" in rows[1]
    assert "ratio A/B" in rows[2]
    assert ("PASS" if result.passed else "FAIL") in rows[2]


async def test_the_permission_benchmark_lists_the_same_documents_both_ways(
    runtime: Runtime,
) -> None:
    engine = "postgres" if runtime.database.is_postgres else "sqlite"
    result = await run_permission_benchmark(runtime, engine=engine, runs=3, warmup=1, documents=250)
    assert result.grants > 50
    assert result.checked.runs == result.unchecked.runs == 3
    [row] = [
        line for line in format_permission_table([result]).splitlines() if line.startswith(engine)
    ]
    assert "×" in row


async def test_the_thumbnail_benchmark_renders_and_runs_preview_jobs(runtime: Runtime) -> None:
    engine = "postgres" if runtime.database.is_postgres else "sqlite"
    result = await run_thumbnail_benchmark(runtime, engine=engine, photos=2)
    assert result.render_per_second > 0
    assert result.job_per_second > 0
    [row] = [
        line for line in format_thumbnail_table([result]).splitlines() if line.startswith(engine)
    ]
    assert "/s on one core" in row


async def test_the_notify_benchmark_delivers_every_push(runtime: Runtime) -> None:
    engine = "postgres" if runtime.database.is_postgres else "sqlite"
    result = await run_notify_benchmark(runtime, engine=engine, push=3, mail=2, workers=2)
    assert result.crypto_seconds > 0
    assert result.delivery_seconds > 0
    [row] = [line for line in format_notify_table([result]).splitlines() if line.startswith(engine)]
    assert "×" in row


async def test_the_nearby_benchmark_seeds_in_bulk_and_answers_within_the_radius(
    runtime: Runtime,
) -> None:
    engine = "postgres" if runtime.database.is_postgres else "sqlite"
    result = await run_nearby_benchmark(runtime, engine=engine, runs=3, warmup=1, addresses=2000)
    assert result.addresses == 2000
    assert [s.timing.runs for s in result.scenarios] == [3, 3]
    assert result.scenarios[1].mean_hits > 0, "a 50 km circle finds customers even when sparse"
    rows = [line for line in format_nearby_table([result]).splitlines() if line.startswith(engine)]
    assert len(rows) == 2
    assert "×" in rows[0]


async def test_the_route_benchmark_compares_with_random_restarts(runtime: Runtime) -> None:
    engine = "postgres" if runtime.database.is_postgres else "sqlite"
    result = await run_route_benchmark(
        runtime, engine=engine, runs=2, warmup=0, stops=8, restarts=3, customers=12
    )
    assert result.timing.runs == 2
    assert all(r <= 1.10 for r in result.ratios), result.ratios
    [row] = [line for line in format_route_table([result]).splitlines() if line.startswith(engine)]
    assert "8 stops" in row


async def test_the_search_benchmark_seeds_a_corpus_and_times_each_query(runtime: Runtime) -> None:
    engine = "postgres" if runtime.database.is_postgres else "sqlite"
    result = await run_search_benchmark(runtime, engine=engine, documents=400, runs=3, warmup=1)
    assert result.documents == 400
    assert all(t.runs == 3 for t in result.timings.values())
    assert sum(result.totals.values()) > 0
    rows = format_search_table([result]).splitlines()
    assert rows[0].startswith("search over 400 documents")
    assert len(rows) == 3 + len(result.timings)
    assert all(" / " in row for row in rows[3:])  # p50 / p95 of every query


def test_the_ocr_benchmark_reads_every_page_with_one_and_two_workers() -> None:
    result = run_ocr_benchmark(pages=2, rounds=1, size=(1200, 500), lines=3)
    assert result.one_worker_per_second > 0
    assert result.two_workers_per_second > 0
    [row] = [line for line in format_ocr_table([result]).splitlines() if "MP)" in line]
    assert "×" in row
    assert ("PASS" if result.passed else "FAIL") in row


def test_lighthouse_scores_are_read_from_the_report_and_held_against_the_budgets() -> None:
    report = {
        "categories": {
            "performance": {"score": 0.93, "auditRefs": [{"id": "tbt", "weight": 30}]},
            "accessibility": {"score": 1, "auditRefs": [{"id": "skip-link", "weight": 0}]},
            "best-practices": {"score": 0.94, "auditRefs": [{"id": "console", "weight": 1}]},
            "seo": {"score": None, "auditRefs": []},
        },
        "audits": {
            "tbt": {"score": 0.8, "displayValue": "270 ms"},
            "skip-link": {"score": 0},
            "console": {"score": 0},
        },
    }
    scores, findings = scores_of(report)
    assert scores == {"performance": 93, "accessibility": 100, "best-practices": 94, "seo": 0}
    assert findings == [
        "performance: tbt (270 ms)",
        "best-practices: console (score 0.00)",
    ]
    page = PageScores(page="login", path="/", scores=scores, findings=tuple(findings))
    assert not page.passed  # best practices below 95
    table = format_lighthouse_table(
        [LighthouseResult(pages=(page,), runs=1, lighthouse_version="13.5.0")]
    )
    assert "FAIL" in table.splitlines()[2]


@pytest.mark.browser
@pytest.mark.sqlite_only
def test_the_lighthouse_benchmark_scores_the_sign_in_screen() -> None:
    result = run_lighthouse_benchmark(build=False, runs=1, pages=("login",))
    [page] = result.pages
    assert set(page.scores) == {"performance", "accessibility", "best-practices", "seo"}
    assert all(0 < score <= 100 for score in page.scores.values())
    assert "login" in format_lighthouse_table([result])


async def test_the_sync_benchmarks_pull_their_changes_and_push_every_mutation(
    runtime: Runtime,
) -> None:
    engine = "postgres" if runtime.database.is_postgres else "sqlite"
    pull = await run_sync_pull_benchmark(
        runtime, engine=engine, runs=3, warmup=1, large=60, small=20
    )
    assert pull.large.runs == pull.small.runs == 3
    [row] = [line for line in format_pull_table([pull]).splitlines() if line.startswith(engine)]
    assert "×" in row
    push = await run_sync_push_benchmark(
        runtime, engine=engine, mutations=40, documents=10, rounds=2
    )
    assert len(push.push_rounds) == len(push.raw_rounds) == 2
    assert push.push_seconds > 0
    assert push.raw_seconds > 0
    [row] = [line for line in format_push_table([push]).splitlines() if line.startswith(engine)]
    assert "×" in row


async def test_the_last_visits_benchmark_times_busy_and_quiet_pages(runtime: Runtime) -> None:
    many, one, visits = await run_last_visits_benchmark(runtime, runs=3, warmup=1, customers=40)
    assert visits == 20 * 100 + 20
    assert many.runs == one.runs == 3


async def test_the_device_check_benchmark_times_requests_with_and_without_a_device(
    runtime: Runtime,
) -> None:
    without, with_device = await run_device_check_benchmark(runtime, runs=3, warmup=1)
    assert without.runs == with_device.runs == 3
