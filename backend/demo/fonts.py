"""Fonts for the generated demo files, with a fallback that never fails.

fpdf2 parses and subsets the TrueType font anew for every PDF it writes; with all 6,000 glyphs of
DejaVu Sans that costs about 50 ms a PDF. :func:`pdf_font` therefore cuts the font down once per
machine to the Latin letters the demo writes (about 330 glyphs) and caches that in the temporary
folder. Without DejaVu (Debian package ``fonts-dejavu-core``) PDFs use the core font Helvetica and
:func:`to_latin1` transliterates what Latin-1 cannot encode.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
import unicodedata
from pathlib import Path

from PIL import ImageFont

__all__ = ["DEJAVU", "image_font", "pdf_font", "to_latin1"]

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

#: Basic Latin, Latin-1, Latin Extended-A (every letter of Central European languages), ș ț,
#: dashes, quotes, bullet, ellipsis, €, №, ™. Fewer glyphs make every PDF faster.
_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    *(0x218, 0x219, 0x21A, 0x21B),
    *range(0x2010, 0x2027),
    *(0x2030, 0x2039, 0x203A, 0x20AC, 0x2116, 0x2122),
]
_LATIN1_SUBSTITUTES = str.maketrans(
    {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "–": "-", "—": "-", "…": "...", "€": "EUR"}
    | {"\u201e": '"', "\u201c": '"', "\u201d": '"', "\u201a": "'", "\u2018": "'", "\u2019": "'"}
    | {"ő": "ö", "ű": "ü"}
)

log = logging.getLogger(__name__)


def _subset(source: Path, target: Path) -> Path:
    """Write the subset to ``target`` (atomically); return where it ended up."""
    from fontTools import subset  # type: ignore[import-untyped]  # ships no type information
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["FFTM"]  # a FontForge timestamp fontTools cannot subset (and warns)
    font = TTFont(str(source))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_UNICODES)
    subsetter.subset(font)
    fd, staging = tempfile.mkstemp(prefix="dossier-demo-", suffix=".ttf", dir=target.parent)
    with os.fdopen(fd, "wb") as out:
        font.save(out)
    os.chmod(staging, 0o644)  # other users of this machine may share the cached font
    try:
        os.replace(staging, target)  # atomic: parallel processes never read half a font
    except OSError:  # another user's stale copy in a sticky /tmp: keep ours under its own name
        return Path(staging)
    return target


@functools.cache
def pdf_font() -> Path | None:
    """A TrueType font for PDFs covering Latin scripts, or None: use Helvetica and to_latin1."""
    if not DEJAVU.is_file():
        log.warning("%s is missing; demo PDFs fall back to Helvetica (Latin-1 only)", DEJAVU)
        return None
    stat = DEJAVU.stat()
    key = f"{stat.st_size}-{stat.st_mtime_ns}-{_UNICODES}".encode()
    target = (
        Path(tempfile.gettempdir()) / f"dossier-demo-{hashlib.sha256(key).hexdigest()[:16]}.ttf"
    )
    if os.access(target, os.R_OK):
        return target
    try:
        return _subset(DEJAVU, target)
    except Exception:  # any failure only costs speed: the full font works as well
        log.warning("could not subset %s; demo PDFs use the full font", DEJAVU, exc_info=True)
        return DEJAVU


@functools.cache
def image_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(DEJAVU), size)
    except OSError:
        return ImageFont.load_default(size)


def to_latin1(text: str) -> str:
    """``text`` with every character Latin-1 lacks replaced by its closest Latin-1 spelling."""
    out = []
    for ch in text.translate(_LATIN1_SUBSTITUTES):
        if ord(ch) < 256:
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch)[0]
        out.append(base if ord(base) < 256 else "?")
    return "".join(out)
