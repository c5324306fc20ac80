"""GraphQL for search: full text and field conditions across every dossier the user may read."""

from __future__ import annotations

import strawberry

from backend.graphql.context import Context, Info
from backend.graphql.criteria import SearchCriteriaInput
from backend.graphql.documents import DocumentNode, document_nodes
from backend.search.models import SearchResult

__all__ = ["SearchQuery", "SearchResults", "search_results"]


@strawberry.type(description="Plain text of a document; highlighted when the search found it.")
class SnippetPart:
    text: str
    highlighted: bool


@strawberry.type
class SearchHitNode:
    document: DocumentNode
    rank: float = strawberry.field(description="Higher is more relevant; 0 without text.")
    snippet: list[SnippetPart]


@strawberry.type
class SearchGroupNode:
    key: str = strawberry.field(description="Customer, register or type id, or YYYY-MM.")
    label: str
    count: int


@strawberry.type(name="SearchResults")
class SearchResults:
    hits: list[SearchHitNode]
    total: int = strawberry.field(description="Documents found that you may read.")
    total_exact: bool = strawberry.field(description="False when there are more than total.")
    groups: list[SearchGroupNode]
    next_cursor: str | None


async def search_results(ctx: Context, result: SearchResult) -> SearchResults:
    """The GraphQL form of a page of search results (also a saved view's results)."""
    nodes = await document_nodes(ctx, [h.document for h in result.hits])
    return SearchResults(
        hits=[
            SearchHitNode(
                document=node,
                rank=hit.rank,
                snippet=[SnippetPart(text=p.text, highlighted=p.highlighted) for p in hit.snippet],
            )
            for node, hit in zip(nodes, result.hits, strict=True)
        ],
        total=result.total,
        total_exact=result.total_exact,
        groups=[SearchGroupNode(key=g.key, label=g.label, count=g.count) for g in result.groups],
        next_cursor=result.next_cursor,
    )


@strawberry.type
class SearchQuery:
    @strawberry.field(description="Search every dossier you may read.")
    async def search(
        self,
        info: Info,
        criteria: SearchCriteriaInput,
        after: str | None = None,
        limit: int = 50,
    ) -> SearchResults:
        ctx = info.context
        result = await ctx.services.search.search(
            ctx.principal, criteria.to_domain(), after=after, limit=limit
        )
        return await search_results(ctx, result)
