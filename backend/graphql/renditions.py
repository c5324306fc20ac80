"""GraphQL for preview images: renditions, and the pages of a PDF (docs/adr/0020).

``Version.pages(first, count)`` lists pages with the size they show at and, once rendered, their
rendition; ``url`` always gives the page's image (rendered on demand when it has none yet), and
``renderPage`` renders one and answers with its rendition or a ``PageError`` with a stable code.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from backend.documents.models import RenditionRef
from backend.documents.pages import PageEntry
from backend.errors import DossierError
from backend.graphql.context import Info
from backend.graphql.errors import ForbiddenError, NotFoundError, PageError, as_error

__all__ = ["PageNode", "RenditionMutation", "RenditionNode", "page_url", "rendition_node"]

#: The most pages one ``Version.pages`` call lists.
MAX_PAGES_PER_CALL = 100


@strawberry.type(name="Rendition", description="A preview image of a version.")
class RenditionNode:
    id: strawberry.ID
    kind: str = strawberry.field(
        description="thumbnail (up to 320 px), screen (up to 1600 px) or text (the beginning of "
        "a text file, UTF-8)"
    )
    page: int = strawberry.field(description="The page shown, from 1.")
    mime_type: str
    size: int
    width: int
    height: int

    @strawberry.field
    def url(self) -> str:
        return f"/renditions/{self.id}"


def rendition_node(r: RenditionRef) -> RenditionNode:
    return RenditionNode(
        id=strawberry.ID(r.id),
        kind=r.kind,
        page=r.page,
        mime_type=r.mime_type,
        size=r.size,
        width=r.width,
        height=r.height,
    )


def page_url(version_id: str, number: int) -> str:
    return f"/renditions/versions/{version_id}/pages/{number}"


@strawberry.type(name="Page", description="A page of a PDF (or converted office) version.")
class PageNode:
    number: int = strawberry.field(description="From 1.")
    width: int = strawberry.field(description="Width of its screen image in pixels.")
    height: int = strawberry.field(description="Height of its screen image in pixels.")
    rendition: RenditionNode | None = strawberry.field(
        description="Its screen image; null until rendered (see url and renderPage)."
    )
    url: str = strawberry.field(
        description="The page's image, rendered on demand when it has none yet (an error with a "
        "stable code if it cannot be: HTTP 422)."
    )

    @classmethod
    def of(cls, entry: PageEntry) -> PageNode:
        return cls(
            number=entry.number,
            width=entry.width,
            height=entry.height,
            rendition=None if entry.rendition is None else rendition_node(entry.rendition),
            url=page_url(entry.version_id, entry.number),
        )


RenderPageResult = Annotated[
    RenditionNode | PageError | NotFoundError | ForbiddenError,
    strawberry.union("RenderPageResult"),
]


@strawberry.type
class RenditionMutation:
    @strawberry.mutation(
        description="Render page `page` of a PDF version now (kept like the preview's images); "
        "a page rendered already is returned as it is."
    )
    async def render_page(
        self, info: Info, version_id: strawberry.ID, page: int
    ) -> RenderPageResult:
        ctx = info.context
        try:
            rendition, _ = await ctx.services.pages.render(ctx.principal, str(version_id), page)
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return rendition_node(rendition)
