"""Benchmarks for the budgets of DESIGN.md, reported as ratios measured in one run.

``uv run python -m bench`` measures the dossier cover query (cover sheet, registers and the first
50 of 10,000 documents) through the GraphQL schema (A) against the hand-written SQL of the same
data (B), interleaved on the same engine, and prints p50, p95 and the p95 ratio per engine against
the 3× budget. ``--quick`` is a smoke run; ``--profile`` adds a cProfile of A.

Modules: :mod:`bench.seed` (catalog via services, documents in bulk), :mod:`bench.cover_query` (A),
:mod:`bench.cover_sql` (B), :mod:`bench.timing` (interleaving, percentiles), :mod:`bench.report`
(the table), :mod:`bench.databases` (a fresh database per engine).
"""

from __future__ import annotations

from bench.cover_bench import CoverPair, cover_pair, run_cover_benchmark
from bench.report import BUDGET, CoverResult, format_table

__all__ = [
    "BUDGET",
    "CoverPair",
    "CoverResult",
    "cover_pair",
    "format_table",
    "run_cover_benchmark",
]
