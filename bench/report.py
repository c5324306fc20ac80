"""The result of the cover benchmark on one engine, and the table printed for all engines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.timing import Timing

__all__ = ["BUDGET", "CoverResult", "format_table"]

#: DESIGN.md, Budgets: cover query p95 at most 3× the hand-written SQL of the same data.
BUDGET = 3.0


@dataclass(frozen=True, slots=True)
class CoverResult:
    engine: str
    documents: int
    """Documents in the measured dossier."""
    other_documents: int
    graphql: Timing
    sql: Timing
    graphql_statements: int
    sql_statements: int
    seed_seconds: float
    budget: float = BUDGET

    @property
    def ratio_p50(self) -> float:
        return self.graphql.p50 / self.sql.p50

    @property
    def ratio_p95(self) -> float:
        return self.graphql.p95 / self.sql.p95

    @property
    def passed(self) -> bool:
        return self.ratio_p95 <= self.budget


_HEADER = ("engine", "measure", "runs", "p50 ms", "p95 ms", "statements", "verdict")
_ALIGN_RIGHT = {2, 3, 4, 5}


def _rows(r: CoverResult) -> list[tuple[str, ...]]:
    verdict = "PASS" if r.passed else "FAIL"
    return [
        (
            r.engine,
            "A GraphQL cover query",
            str(r.graphql.runs),
            f"{r.graphql.p50:.2f}",
            f"{r.graphql.p95:.2f}",
            str(r.graphql_statements),
            "",
        ),
        (
            r.engine,
            "B hand-written SQL",
            str(r.sql.runs),
            f"{r.sql.p50:.2f}",
            f"{r.sql.p95:.2f}",
            str(r.sql_statements),
            "",
        ),
        (
            r.engine,
            "ratio A/B",
            "",
            f"{r.ratio_p50:.2f}×",
            f"{r.ratio_p95:.2f}×",
            "",
            f"{verdict} (p95 budget ≤ {r.budget:g}×)",
        ),
    ]


def format_table(results: Sequence[CoverResult]) -> str:
    """A plain-text table: for each engine the two measures and their ratio with the verdict."""
    rows = [_HEADER, *(row for r in results for row in _rows(r))]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADER))]

    def line(row: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(w) if i in _ALIGN_RIGHT else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [line(_HEADER), rule]
    for i, r in enumerate(results):
        if i:
            out.append("")
        out += [line(row) for row in _rows(r)]
    if results:
        first = results[0]
        out.append("")
        out.append(
            f"dossier: first 50 of {first.documents:,} documents "
            f"(+{first.other_documents:,} of other customers in the tenant); "
            "runs interleaved A,B,A,B after warm-up"
        )
        out += [
            f"{r.engine}: one GraphQL run = {r.graphql_statements} SQL statements, "
            f"hand-written = {r.sql_statements}; seeded in {r.seed_seconds:.1f} s"
            for r in results
        ]
        over = [r.engine for r in results if not r.passed]
        out.append(f"OVER BUDGET on {', '.join(over)}" if over else "within budget on every engine")
    return "\n".join(out)
