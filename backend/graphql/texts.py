"""GraphQL for the extracted text of a version (docs/adr/0013): its state, where it came from,
and the text itself, cut to a length the client chooses. States load in one batch per request
(without the texts); the text only where it is asked for, in another batch."""

from __future__ import annotations

from enum import Enum

import strawberry

from backend.documents.models import TextSummary
from backend.graphql.context import Info

__all__ = ["TextExcerpt", "VersionTextNode"]

#: The most characters one excerpt returns, whatever the client asks.
MAX_EXCERPT = 100_000


@strawberry.enum(name="TextState")
class TextStateEnum(Enum):
    PENDING = "pending"
    READY = "ready"
    NONE = "none"


@strawberry.type(name="TextExcerpt", description="The beginning of an extracted text.")
class TextExcerpt:
    text: str
    truncated: bool = strawberry.field(description="True when the text goes on after this.")


@strawberry.type(
    name="VersionText", description="The text of a version, extracted for search by a job."
)
class VersionTextNode:
    version_id: strawberry.Private[str]
    state: TextStateEnum
    reason: str | None = strawberry.field(
        description="State NONE: why there is no text (corrupt_pdf, encrypted_pdf, "
        "corrupt_image, ocr_timeout, ocr_failed, no_text_for_type …). State READY: what was "
        "left out (text_truncated, ocr_page_limit, or ocr_timeout / ocr_failed for some pages)."
    )
    source: str | None = strawberry.field(
        description="text (a text file), pdf_text (a PDF's text layer), ocr, pdf_text+ocr, "
        "email or office."
    )
    language: str | None = strawberry.field(description="The OCR languages used, e.g. deu+eng.")
    page_count: int | None
    length: int = strawberry.field(description="Characters of text.")

    @classmethod
    def of(cls, t: TextSummary) -> VersionTextNode:
        return cls(
            version_id=t.version_id,
            state=TextStateEnum(t.state),
            reason=t.reason,
            source=t.source,
            language=t.language,
            page_count=t.page_count,
            length=t.length,
        )

    @strawberry.field(description="The text, at most maxLength characters (up to 100,000).")
    async def excerpt(self, info: Info, max_length: int = 10_000) -> TextExcerpt:
        limit = max(0, min(max_length, MAX_EXCERPT))
        if self.state is not TextStateEnum.READY or self.length == 0:
            return TextExcerpt(text="", truncated=False)
        [text] = await info.context.loaders.texts.load_many([self.version_id])
        return TextExcerpt(text=text.text[:limit], truncated=len(text.text) > limit)
