"""Office documents (Word, Excel, PowerPoint, OpenDocument, RTF) converted to PDF by LibreOffice.

:func:`convert_to_pdf` runs ``soffice --headless --convert-to pdf`` in a fresh temporary folder
with a fresh user profile (``-env:UserInstallation``), so that conversions running at the same
time in several workers never share LibreOffice's profile lock, and nothing of one document is
left for the next. The process gets ``time_limit`` seconds; then it and every process it started
(its process group) are killed and the conversion is refused (``conversion_timeout``). The PDF
then takes the PDF path (:mod:`backend.documents.pdf_preview`).

Without LibreOffice (:func:`find_soffice` finds nothing) office files get no preview
(``converter_unavailable``) and download as uploaded.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path
from typing import Final

from backend.documents.imaging import PreviewRefused
from backend.documents.subprocesses import run_limited

__all__ = ["OFFICE_TYPES", "convert_to_pdf", "find_soffice"]

#: Detected MIME type → the extension LibreOffice is told the file has (it picks its filter from
#: the content anyway).
_EXTENSIONS: Final[dict[str, str]] = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "text/rtf": "rtf",
    "application/rtf": "rtf",
}
OFFICE_TYPES: Final = frozenset(_EXTENSIONS)
MAX_PDF_BYTES: Final = 200 << 20


def find_soffice(configured: str | None) -> str | None:
    """The LibreOffice program to run: ``configured`` (a path or a name on PATH) or ``soffice``
    on PATH; None if there is none (or ``configured`` is empty: conversion switched off)."""
    if configured is not None and not configured.strip():
        return None
    return shutil.which(configured or "soffice")


async def convert_to_pdf(data: bytes, mime_type: str, soffice: str, *, time_limit: float) -> bytes:
    """The document as PDF; ``PreviewRefused`` if LibreOffice fails, times out or makes none."""
    extension = _EXTENSIONS.get(mime_type)
    if extension is None:
        raise PreviewRefused("conversion_failed", f"no conversion for {mime_type}")
    with tempfile.TemporaryDirectory(prefix="dossier-office-") as folder:
        work = Path(folder)
        source = work / f"document.{extension}"
        await asyncio.to_thread(source.write_bytes, data)
        try:
            finished = await run_limited(
                soffice,
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--nologo",
                "--nolockcheck",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work / "out"),
                str(source),
                stdin=None,
                time_limit=time_limit,
                env={**os.environ, "HOME": str(work)},
            )
        except TimeoutError:
            raise PreviewRefused(
                "conversion_timeout", f"LibreOffice took more than {time_limit:g} s"
            ) from None
        result = work / "out" / "document.pdf"
        if finished.returncode != 0 or not result.is_file():
            detail = finished.stderr.decode(errors="replace").strip()[-300:]
            raise PreviewRefused(
                "conversion_failed", f"LibreOffice exit {finished.returncode}: {detail}"
            )
        if result.stat().st_size > MAX_PDF_BYTES:
            raise PreviewRefused("conversion_failed", "the PDF is too large")
        return await asyncio.to_thread(result.read_bytes)
