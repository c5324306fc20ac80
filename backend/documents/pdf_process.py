"""PDF page one rendered in a process of its own, with a time limit and a memory ceiling.

PDFium cannot be interrupted from another thread, and a hostile PDF can make it work for minutes
(a page with millions of drawing operations) or crash (it is C++). So the preview job renders in a
child process (``python -m backend.documents.pdf_process``): it reads the PDF on stdin, limits its
own address space to :data:`MEMORY_LIMIT` bytes, renders with :func:`render_pdf`, and writes the
renditions on stdout as msgpack. The parent kills it (and its process group) after ``time_limit``
seconds (``pdf_render_timeout``); a crash or a memory failure is ``pdf_too_complex``; a refusal in
the child comes back with its own reason. Starting the child costs about a tenth of a second, small
next to rendering, and the worker's own memory never holds PDFium's.
"""

from __future__ import annotations

import resource
import sys
from typing import Final

import msgspec

from backend.documents.imaging import (
    ImagePreview,
    PreviewRefused,
    RefusalReason,
    Rendition,
    RenditionKind,
)
from backend.documents.subprocesses import run_limited

__all__ = ["MEMORY_LIMIT", "render_pdf_isolated"]

#: Address space of the child (so its memory, too, stays under what a worker may use): the
#: interpreter, Pillow and PDFium take about 150 MiB of it.
MEMORY_LIMIT: Final = 512 << 20


class _Rendition(msgspec.Struct):
    kind: RenditionKind
    mime_type: str
    data: bytes
    width: int
    height: int


class _Reply(msgspec.Struct):
    refused: RefusalReason | None = None  # msgspec checks the child says only known reasons
    detail: str = ""
    page_count: int = 0
    width: int = 0
    height: int = 0
    renditions: list[_Rendition] = []


async def render_pdf_isolated(data: bytes, *, time_limit: float) -> ImagePreview:
    """:func:`backend.documents.pdf_preview.render_pdf` in a child process (see the module)."""
    if not data:
        raise PreviewRefused("corrupt_pdf", "the file is empty")
    try:
        finished = await run_limited(
            sys.executable,
            "-m",
            "backend.documents.pdf_process",
            stdin=data,
            time_limit=time_limit,
        )
    except TimeoutError:
        raise PreviewRefused(
            "pdf_render_timeout", f"page one took more than {time_limit:g} s"
        ) from None
    if finished.returncode != 0:
        # PDFium aborts when an allocation fails at the ceiling; a crash on hostile bytes looks
        # the same from here.
        raise PreviewRefused("pdf_too_complex", f"the renderer stopped ({finished.returncode})")
    try:
        reply = msgspec.msgpack.decode(finished.stdout, type=_Reply)
    except msgspec.DecodeError as exc:
        raise PreviewRefused("corrupt_pdf", "the renderer gave no answer") from exc
    if reply.refused is not None:
        raise PreviewRefused(reply.refused, reply.detail)
    return ImagePreview(
        renditions=tuple(
            Rendition(r.kind, r.mime_type, r.data, r.width, r.height) for r in reply.renditions
        ),
        page_count=reply.page_count,
        width=reply.width,
        height=reply.height,
    )


def _child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    # The WebP encoder registered up front, so that saving does not load all of Pillow's plugins
    # (a third of the child's start-up).
    from PIL import WebPImagePlugin  # noqa: F401

    from backend.documents.pdf_preview import render_pdf

    data = sys.stdin.buffer.read()
    try:
        image = render_pdf(data)
        reply = _Reply(
            page_count=image.page_count,
            width=image.width,
            height=image.height,
            renditions=[
                _Rendition(r.kind, r.mime_type, r.data, r.width, r.height) for r in image.renditions
            ],
        )
    except PreviewRefused as refused:
        reply = _Reply(refused=refused.reason, detail=refused.detail[:500])
    except MemoryError:
        reply = _Reply(refused="pdf_too_complex", detail="rendering needs too much memory")
    sys.stdout.buffer.write(msgspec.msgpack.encode(reply))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _child()
