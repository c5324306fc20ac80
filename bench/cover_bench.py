"""The cover benchmark on one runtime: seed, check that A and B agree, count, time."""

from __future__ import annotations

from typing import Any

from backend.persistence.engines import count_statements
from backend.runtime import Runtime
from bench.cover_query import PAGE_SIZE, GraphQLCover, check_cover
from bench.cover_sql import SqlCover
from bench.report import CoverResult
from bench.seed import SeededDossier, seed_dossier
from bench.timing import Side, interleaved

__all__ = ["CoverPair", "cover_pair", "run_cover_benchmark"]


class CoverPair:
    """Measure A and measure B over one seeded dossier, checked to return the same data."""

    def __init__(self, runtime: Runtime, dossier: SeededDossier) -> None:
        self.dossier = dossier
        self.graphql = GraphQLCover(runtime, dossier.principal, dossier.customer_id)
        self.sql = SqlCover(runtime.database, dossier.tenant_id, dossier.customer_id)
        self.expected_items = min(PAGE_SIZE, dossier.documents)

    def check_graphql(self, result: Any) -> dict[str, Any]:
        return check_cover(result, self.expected_items)

    def check_sql(self, data: dict[str, Any]) -> dict[str, Any]:
        items = data["dossier"]["documents"]["items"]
        if len(items) != self.expected_items:
            raise AssertionError(f"expected {self.expected_items} documents, got {len(items)}")
        return data

    async def agree(self) -> tuple[int, int]:
        """Run each once; raise unless both return the same data. Return their statement counts."""
        with count_statements() as a:
            graphql = self.check_graphql(await self.graphql())
        with count_statements() as b:
            sql = self.check_sql(await self.sql())
        if graphql != sql:
            raise AssertionError(
                "the hand-written SQL does not return what the GraphQL query returns:\n"
                f"GraphQL: {graphql}\nSQL:     {sql}"
            )
        return a.value, b.value

    async def graphql_statements(self) -> list[str]:
        with count_statements() as count:
            self.check_graphql(await self.graphql())
        return count.statements


async def cover_pair(runtime: Runtime, *, documents: int, other_customers: int = 10) -> CoverPair:
    dossier = await seed_dossier(runtime, documents=documents, other_customers=other_customers)
    return CoverPair(runtime, dossier)


async def run_cover_benchmark(
    runtime: Runtime,
    *,
    engine: str,
    documents: int,
    runs: int,
    warmup: int,
    other_customers: int = 10,
    pair: CoverPair | None = None,
) -> CoverResult:
    """Seed a dossier of ``documents`` documents (unless ``pair`` is given) and measure it."""
    pair = pair or await cover_pair(runtime, documents=documents, other_customers=other_customers)
    graphql_statements, sql_statements = await pair.agree()
    graphql, sql = await interleaved(
        Side(pair.graphql, pair.check_graphql),
        Side(pair.sql, pair.check_sql),
        runs=runs,
        warmup=warmup,
    )
    return CoverResult(
        engine=engine,
        documents=pair.dossier.documents,
        other_documents=pair.dossier.other_documents,
        graphql=graphql,
        sql=sql,
        graphql_statements=graphql_statements,
        sql_statements=sql_statements,
        seed_seconds=pair.dossier.seconds,
    )
