"""PDF pages rendered in a process of their own, with a time limit and a memory ceiling.

PDFium cannot be interrupted from another thread, and a hostile PDF can make it work for minutes
(a page with millions of drawing operations) or crash (it is C++). So previews are rendered in a
child process (``python -m backend.documents.pdf_process preview N`` or ``page N``): it reads the
PDF on stdin, limits its own address space to :data:`~backend.documents.subprocesses.
MEMORY_LIMIT` bytes, renders with :mod:`backend.documents.pdf_preview`, and writes the renditions
on stdout as msgpack. The parent kills it (and its process group) after ``time_limit`` seconds
(``pdf_render_timeout``); a crash or a memory failure is ``pdf_too_complex``; a refusal in the
child comes back with its own reason. The worker's own memory never holds PDFium's.

- ``preview N``: the thumbnail of page one and screen images of the first N pages, the page count
  and every page's screen size (:func:`render_pdf_isolated`, the preview job).
- ``page N``: the screen image of page N (:func:`render_page_isolated`, a page on demand).
"""

from __future__ import annotations

import sys

import msgspec

from backend.documents.imaging import (
    ImagePreview,
    PreviewRefused,
    RefusalReason,
    Rendition,
    RenditionKind,
)
from backend.documents.subprocesses import limit_own_memory, run_limited

__all__ = ["render_page_isolated", "render_pdf_isolated"]


class _Rendition(msgspec.Struct):
    kind: RenditionKind
    mime_type: str
    data: bytes
    width: int
    height: int
    page: int = 1


class _Reply(msgspec.Struct):
    refused: RefusalReason | None = None  # msgspec checks the child says only known reasons
    detail: str = ""
    page_count: int = 0
    width: int = 0
    height: int = 0
    renditions: list[_Rendition] = []
    page_sizes: list[tuple[int, int]] = []


async def render_pdf_isolated(data: bytes, *, pages: int = 1, time_limit: float) -> ImagePreview:
    """:func:`backend.documents.pdf_preview.render_pdf` in a child process (see the module)."""
    reply = await _run(data, "preview", pages, time_limit)
    return ImagePreview(
        renditions=tuple(_rendition(r) for r in reply.renditions),
        page_count=reply.page_count,
        width=reply.width,
        height=reply.height,
        page_sizes=tuple(reply.page_sizes),
    )


async def render_page_isolated(data: bytes, page: int, *, time_limit: float) -> Rendition:
    """:func:`backend.documents.pdf_preview.render_page` in a child process (see the module)."""
    reply = await _run(data, "page", page, time_limit)
    [rendition] = reply.renditions
    return _rendition(rendition)


def _rendition(r: _Rendition) -> Rendition:
    return Rendition(r.kind, r.mime_type, r.data, r.width, r.height, r.page)


async def _run(data: bytes, mode: str, number: int, time_limit: float) -> _Reply:
    if not data:
        raise PreviewRefused("corrupt_pdf", "the file is empty")
    try:
        finished = await run_limited(
            sys.executable,
            "-m",
            "backend.documents.pdf_process",
            mode,
            str(number),
            stdin=data,
            time_limit=time_limit,
        )
    except TimeoutError:
        raise PreviewRefused(
            "pdf_render_timeout", f"rendering took more than {time_limit:g} s"
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
    return reply


def _child(mode: str, number: int) -> None:
    limit_own_memory()
    # The WebP encoder registered up front, so that saving does not load all of Pillow's plugins
    # (a third of the child's start-up).
    from PIL import WebPImagePlugin  # noqa: F401

    from backend.documents.pdf_preview import render_page, render_pdf

    data = sys.stdin.buffer.read()
    try:
        if mode == "page":
            made = render_page(data, number)
            reply = _Reply(renditions=[_wire(made)])
        else:
            image = render_pdf(data, pages=number)
            reply = _Reply(
                page_count=image.page_count,
                width=image.width,
                height=image.height,
                renditions=[_wire(r) for r in image.renditions],
                page_sizes=list(image.page_sizes),
            )
    except PreviewRefused as refused:
        reply = _Reply(refused=refused.reason, detail=refused.detail[:500])
    except MemoryError:
        reply = _Reply(refused="pdf_too_complex", detail="rendering needs too much memory")
    sys.stdout.buffer.write(msgspec.msgpack.encode(reply))
    sys.stdout.buffer.flush()


def _wire(r: Rendition) -> _Rendition:
    return _Rendition(r.kind, r.mime_type, r.data, r.width, r.height, r.page)


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]))
