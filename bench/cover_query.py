"""Measure A: the dossier cover query through the real GraphQL schema, in process.

One run is one request's worth of work after authentication: a fresh
:class:`~backend.graphql.context.Context` (per-request services and DataLoaders), parsing from
the schema's cache, validation, resolvers, DataLoaders, SQL and building the result. HTTP and JSON
encoding are left out, as they are for the hand-written SQL it is compared with.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import ExecutionResult

from backend.access.policy import Principal
from backend.graphql.context import Context
from backend.graphql.schema import build_schema
from backend.runtime import Runtime

__all__ = ["COVER", "PAGE_SIZE", "GraphQLCover", "check_cover"]

PAGE_SIZE = 50

#: What the dossier screen asks for; ``tests/api/test_graphql_contract.py`` pins its statements.
COVER = """
query($c: ID!) {
  dossier(customerId: $c) {
    customer { name erpNumber addresses { city } contacts { name } }
    coverFields { key label value }
    documentCount
    registers { register { key name } count }
    documents(first: 50) {
      items {
        title documentDate indexValues
        documentType { name }
        registers { key }
        currentVersion { filename size createdBy { displayName } }
        customer { name }
        createdBy { displayName }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


class GraphQLCover:
    """Runs :data:`COVER` for one customer as ``principal``, as the HTTP handler would."""

    def __init__(self, runtime: Runtime, principal: Principal, customer_id: str) -> None:
        self._runtime = runtime
        self._principal = principal
        self._variables = {"c": customer_id}
        self.schema: strawberry.Schema = build_schema(runtime.settings.limits)

    async def __call__(self) -> ExecutionResult:
        context = Context(
            services=self._runtime.services(),
            settings=self._runtime.settings,
            principal_or_none=self._principal,
        )
        return await self.schema.execute(
            COVER, variable_values=self._variables, context_value=context
        )


def check_cover(result: ExecutionResult, expected_items: int) -> dict[str, Any]:
    """The data of a successful cover query with ``expected_items`` documents; raise otherwise."""
    if result.errors:
        raise AssertionError(f"the cover query failed: {result.errors}")
    assert result.data is not None
    items = result.data["dossier"]["documents"]["items"]
    if len(items) != expected_items:
        raise AssertionError(f"expected {expected_items} documents, got {len(items)}")
    return result.data
