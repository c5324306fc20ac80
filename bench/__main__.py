"""``python -m bench``: the cover-query budget on SQLite and PostgreSQL, printed as a table.

The exit status is 0 whether or not the budget holds (the table says so); it is 1 when an engine
could not be measured (no PostgreSQL server, say), 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

from bench.audit_write import AuditWriteResult, format_audit_table, run_audit_write_benchmark
from bench.cover_bench import cover_pair, run_cover_benchmark
from bench.databases import ENGINES, DatabaseUnavailable, bench_runtime, postgres_admin_url
from bench.lighthouse import format_lighthouse_table, run_lighthouse_benchmark
from bench.nearby import NearbyResult, format_nearby_table, run_nearby_benchmark
from bench.notify_fanout import NotifyResult, format_notify_table, run_notify_benchmark
from bench.ocr import format_ocr_table, run_ocr_benchmark
from bench.permission_listing import (
    PermissionListingResult,
    format_permission_table,
    run_permission_benchmark,
)
from bench.profiling import profile_graphql
from bench.report import CoverResult, format_table
from bench.route import RouteResult, format_route_table, run_route_benchmark
from bench.search_bench import SearchBenchResult, format_search_table, run_search_benchmark
from bench.sync_pull import SyncPullResult, format_pull_table, run_sync_pull_benchmark
from bench.sync_push import SyncPushResult, format_push_table, run_sync_push_benchmark
from bench.thumbnails import ThumbnailResult, format_thumbnail_table, run_thumbnail_benchmark
from bench.verify_scan import VerifyScanResult, format_verify_table, run_verify_benchmark

SUITES = {
    "cover": "cover query",
    "audit": "audited writes",
    "verify": "verify vs scan",
    "permissions": "permission-checked listing",
    "thumbnails": "thumbnails of photos",
    "notify": "notification fan-out",
    "nearby": "nearby search",
    "route": "route planning",
    "search": "full-text search",
    "sync": "sync pull of 10 changes, 10,000 vs 100 documents",
    "ocr": "OCR with one and two workers (no database)",
    "lighthouse": "Lighthouse scores of the PWA (needs npm, Chromium; not in all)",
    "pinning": "pinned 1,000-document dossier: first pull, offline open (Chromium; not in all)",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Dossier cover query: GraphQL vs hand-written SQL, p95 ratio per engine.",
    )
    parser.add_argument("--engine", choices=[*ENGINES, "both"], default="both")
    parser.add_argument(
        "--documents",
        type=int,
        default=None,
        help="documents in the dossier (cover: 10,000) or the search corpus (1,000,000)",
    )
    parser.add_argument("--runs", type=int, default=200, help="timed runs of each measure")
    parser.add_argument("--warmup", type=int, default=None, help="untimed runs first (runs/10)")
    parser.add_argument("--other-customers", type=int, default=10)
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 300 documents, 20 runs, 3 warm-up"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also print cProfile of the GraphQL runs"
    )
    parser.add_argument(
        "--suite",
        choices=[*SUITES, "all"],
        default="all",
        help=", ".join(f"{name}: {what}" for name, what in SUITES.items()) + ", or all",
    )
    parser.add_argument(
        "--addresses", type=int, default=100_000, help="geocoded addresses for the nearby suite"
    )
    parser.add_argument(
        "--events", type=int, default=1_000_000, help="audit events for the verify suite"
    )
    parser.add_argument("--pages", type=int, default=8, help="scanned pages for the ocr suite")
    return parser


async def _run(args: argparse.Namespace) -> int:
    if args.suite == "lighthouse":
        print("building the PWA and running Lighthouse …", file=sys.stderr, flush=True)
        result = await asyncio.to_thread(run_lighthouse_benchmark, runs=1 if args.quick else 3)
        print(format_lighthouse_table([result]))
        return 0
    if args.suite == "pinning":
        # Playwright is a development dependency: imported only for this suite.
        from bench.pinning import format_pinning, run_pinning_benchmark

        documents = args.documents or (100 if args.quick else 1000)
        print(f"building the PWA, pinning {documents} documents …", file=sys.stderr, flush=True)
        pinned = await asyncio.to_thread(run_pinning_benchmark, documents)
        print(format_pinning(pinned))
        return 0 if pinned.passed else 1
    if args.suite == "ocr":
        print(f"reading {args.pages} scanned pages …", file=sys.stderr, flush=True)
        print(format_ocr_table([await asyncio.to_thread(run_ocr_benchmark, pages=args.pages)]))
        return 0
    engines = ENGINES if args.engine == "both" else (args.engine,)
    postgres_url = postgres_admin_url(os.environ)
    results: list[CoverResult] = []
    audit_results: list[AuditWriteResult] = []
    verify_results: list[VerifyScanResult] = []
    permission_results: list[PermissionListingResult] = []
    thumbnail_results: list[ThumbnailResult] = []
    notify_results: list[NotifyResult] = []
    nearby_results: list[NearbyResult] = []
    route_results: list[RouteResult] = []
    search_results: list[SearchBenchResult] = []
    sync_results: list[SyncPullResult] = []
    push_results: list[SyncPushResult] = []
    unavailable: list[str] = []
    for engine in engines:
        if args.suite in ("search", "all"):
            documents = args.documents or 1_000_000
            try:
                async with bench_runtime(engine, postgres_url) as runtime:
                    print(
                        f"{engine}: seeding {documents:,} documents to search …",
                        file=sys.stderr,
                        flush=True,
                    )
                    search_results.append(
                        await run_search_benchmark(
                            runtime,
                            engine=engine,
                            documents=documents,
                            runs=args.runs,
                            warmup=args.warmup,
                        )
                    )
            except DatabaseUnavailable as exc:
                unavailable.append(f"{engine}: NOT MEASURED ({exc})")
                continue
        if args.suite in ("sync", "all"):
            try:
                async with bench_runtime(engine, postgres_url) as runtime:
                    print(f"{engine}: timing sync pulls …", file=sys.stderr, flush=True)
                    sync_results.append(
                        await run_sync_pull_benchmark(
                            runtime,
                            engine=engine,
                            runs=args.runs,
                            warmup=args.warmup,
                            large=300 if args.quick else 10_000,
                            small=100 if not args.quick else 30,
                        )
                    )
                async with bench_runtime(engine, postgres_url) as runtime:
                    print(f"{engine}: timing sync pushes …", file=sys.stderr, flush=True)
                    push_results.append(
                        await run_sync_push_benchmark(
                            runtime,
                            engine=engine,
                            mutations=500 if args.quick else 10_000,
                            rounds=1 if args.quick else 3,
                        )
                    )
            except DatabaseUnavailable as exc:
                unavailable.append(f"{engine}: NOT MEASURED ({exc})")
                continue
        if args.suite in ("thumbnails", "all"):
            try:
                async with bench_runtime(engine, postgres_url) as runtime:
                    print(f"{engine}: rendering thumbnails …", file=sys.stderr, flush=True)
                    thumbnail_results.append(await run_thumbnail_benchmark(runtime, engine=engine))
            except DatabaseUnavailable as exc:
                unavailable.append(f"{engine}: NOT MEASURED ({exc})")
                continue
        if args.suite in ("notify", "all"):
            try:
                async with bench_runtime(engine, postgres_url) as runtime:
                    print(f"{engine}: fanning out notifications …", file=sys.stderr, flush=True)
                    size = 50 if args.quick else 1000
                    notify_results.append(
                        await run_notify_benchmark(runtime, engine=engine, push=size, mail=size)
                    )
            except DatabaseUnavailable as exc:
                unavailable.append(f"{engine}: NOT MEASURED ({exc})")
                continue
        if args.suite in ("nearby", "all"):
            try:
                async with bench_runtime(engine, postgres_url) as runtime:
                    print(
                        f"{engine}: seeding {args.addresses:,} addresses …",
                        file=sys.stderr,
                        flush=True,
                    )
                    nearby_results.append(
                        await run_nearby_benchmark(
                            runtime,
                            engine=engine,
                            runs=args.runs,
                            warmup=args.warmup,
                            addresses=args.addresses,
                        )
                    )
            except DatabaseUnavailable as exc:
                unavailable.append(f"{engine}: NOT MEASURED ({exc})")
                continue
        if args.suite in ("route", "all"):
            try:
                async with bench_runtime(engine, postgres_url) as runtime:
                    print(f"{engine}: planning routes …", file=sys.stderr, flush=True)
                    route_results.append(
                        await run_route_benchmark(
                            runtime, engine=engine, runs=min(args.runs, 30), warmup=2
                        )
                    )
            except DatabaseUnavailable as exc:
                unavailable.append(f"{engine}: NOT MEASURED ({exc})")
                continue
        if args.suite in ("permissions", "all"):
            try:
                async with bench_runtime(engine, postgres_url) as runtime:
                    print(f"{engine}: timing permission checks …", file=sys.stderr, flush=True)
                    permission_results.append(
                        await run_permission_benchmark(
                            runtime, engine=engine, runs=args.runs, warmup=args.warmup
                        )
                    )
            except DatabaseUnavailable as exc:
                unavailable.append(f"{engine}: NOT MEASURED ({exc})")
                continue
        if args.suite in ("audit", "all"):
            try:
                async with bench_runtime(engine, postgres_url) as runtime:
                    print(f"{engine}: timing audited writes …", file=sys.stderr, flush=True)
                    audit_results += await run_audit_write_benchmark(
                        runtime, engine=engine, runs=args.runs, warmup=args.warmup
                    )
            except DatabaseUnavailable as exc:
                unavailable.append(f"{engine}: NOT MEASURED ({exc})")
                continue
        if args.suite in ("verify", "all"):
            async with bench_runtime(engine, postgres_url) as runtime:
                print(
                    f"{engine}: seeding {args.events:,} audit events …", file=sys.stderr, flush=True
                )
                verify_results.append(
                    await run_verify_benchmark(runtime, engine=engine, events=args.events)
                )
        if args.suite not in ("cover", "all"):
            continue
        documents = args.documents or 10_000
        print(f"{engine}: seeding {documents:,} documents …", file=sys.stderr, flush=True)
        try:
            async with bench_runtime(engine, postgres_url) as runtime:
                pair = await cover_pair(
                    runtime, documents=documents, other_customers=args.other_customers
                )
                print(
                    f"{engine}: seeded in {pair.dossier.seconds:.1f} s; timing {args.runs} runs …",
                    file=sys.stderr,
                    flush=True,
                )
                results.append(
                    await run_cover_benchmark(
                        runtime,
                        engine=engine,
                        documents=documents,
                        runs=args.runs,
                        warmup=args.warmup,
                        pair=pair,
                    )
                )
                if args.profile:
                    print(f"\n===== {engine}: profile =====")
                    print(await profile_graphql(pair))
        except DatabaseUnavailable as exc:
            unavailable.append(f"{engine}: NOT MEASURED ({exc})")
    ocr_table = ""
    if args.suite == "all":
        print(f"reading {args.pages} scanned pages …", file=sys.stderr, flush=True)
        ocr_table = format_ocr_table([await asyncio.to_thread(run_ocr_benchmark, pages=args.pages)])
    if results:
        print(format_table(results))
    if sync_results:
        print()
        print(format_pull_table(sync_results))
    if push_results:
        print()
        print(format_push_table(push_results))
    if audit_results:
        print()
        print(format_audit_table(audit_results))
    if verify_results:
        print()
        print(format_verify_table(verify_results))
    if permission_results:
        print()
        print(format_permission_table(permission_results))
    if thumbnail_results:
        print()
        print(format_thumbnail_table(thumbnail_results))
    if notify_results:
        print()
        print(format_notify_table(notify_results))
    if nearby_results:
        print()
        print(format_nearby_table(nearby_results))
    if route_results:
        print()
        print(format_route_table(route_results))
    if search_results:
        print()
        print(format_search_table(search_results))
    if ocr_table:
        print()
        print(ocr_table)
    for line in unavailable:
        print(line)
    # Over budget is a finding, not a failure; an engine that could not be measured is.
    return 1 if unavailable else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.quick:
        args.documents, args.runs = 300, 20
        args.warmup = 3 if args.warmup is None else args.warmup
    if args.warmup is None:
        args.warmup = max(3, args.runs // 10)
    if (
        (args.documents is not None and args.documents < 1)
        or args.runs < 1
        or args.pages < 1
        or args.warmup < 0
    ):
        _parser().error("--documents, --runs and --pages must be at least 1, --warmup at least 0")
    return asyncio.run(_run(args))


if __name__ == "__main__":
    sys.exit(main())
