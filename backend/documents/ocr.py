"""Optical character recognition of one page image with Tesseract (through ``pytesseract``).

Contract:

- One page per call, one Tesseract process per page, started with ``OMP_THREAD_LIMIT=1``: a page
  uses one core, so two workers use two cores instead of fighting over both (Tesseract's own
  threads gain little and cost a lot when several pages run at once).
- A page that takes longer than ``timeout_seconds`` is killed (``OcrFailed("ocr_timeout")``);
  Tesseract exiting with an error is ``ocr_failed``; Tesseract or its language data missing is
  ``ocr_unavailable`` (an installation problem: retrying after it is fixed helps). Tesseract runs
  in a process of its own, so a crash or a memory spike never takes the worker down.
- Languages are Tesseract codes joined with ``+`` (``deu+eng``), checked by
  :mod:`backend.documents.ocr_languages`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Final, Literal

import pytesseract
from PIL import Image

__all__ = ["OcrFailed", "OcrReason", "ocr_image"]

#: Automatic page segmentation without orientation detection (Tesseract's default).
_CONFIG: Final = "--psm 3"

OcrReason = Literal["ocr_timeout", "ocr_failed", "ocr_unavailable"]


class OcrFailed(Exception):
    """A page that could not be read; ``reason`` is a stable code."""

    def __init__(self, reason: OcrReason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason: OcrReason = reason
        self.detail = detail


class _OneThread(Mapping[str, str]):
    """The process environment as it is when Tesseract starts, with ``OMP_THREAD_LIMIT=1``.

    ``pytesseract`` passes its module-level ``environ`` to every Tesseract process it starts; this
    view takes its place, so the worker's own environment is never changed."""

    def __getitem__(self, key: str) -> str:
        if key == "OMP_THREAD_LIMIT":
            return "1"
        return os.environ[key]

    def __iter__(self) -> Iterator[str]:
        yield from (key for key in os.environ if key != "OMP_THREAD_LIMIT")
        yield "OMP_THREAD_LIMIT"

    def __len__(self) -> int:
        return len(os.environ) + (0 if "OMP_THREAD_LIMIT" in os.environ else 1)


pytesseract.pytesseract.environ = _OneThread()


def ocr_image(image: Image.Image, languages: str, *, timeout_seconds: float) -> str:
    """The text Tesseract reads on ``image`` (one page), stripped; "" when there is none."""
    if image.mode not in {"L", "RGB"}:
        image = image.convert("L")
    try:
        text = pytesseract.image_to_string(
            image, lang=languages, config=_CONFIG, timeout=timeout_seconds
        )
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrFailed("ocr_unavailable", "tesseract is not installed") from exc
    except pytesseract.TesseractError as exc:
        message = str(exc.message)
        if "Failed loading language" in message or "Could not initialize" in message:
            raise OcrFailed("ocr_unavailable", message) from exc
        raise OcrFailed("ocr_failed", message[:200]) from exc
    except RuntimeError as exc:  # pytesseract's way of saying it killed a slow Tesseract
        if "timeout" in str(exc).lower():
            raise OcrFailed("ocr_timeout", f"more than {timeout_seconds:g} s") from exc
        raise OcrFailed("ocr_failed", str(exc)) from exc
    except OSError as exc:  # no room for the temporary page file, too many processes …
        raise OcrFailed("ocr_failed", f"{type(exc).__name__}: {exc}") from exc
    return str(text).strip()
