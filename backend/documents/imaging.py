"""Previews of image documents: a thumbnail and a screen-sized rendition, both WebP.

``render_image`` is a pure function of the bytes: no database, no files, no settings. The original
is always kept as it is; a file that cannot be shown safely gets no preview (``PreviewRefused`` with
a stable ``reason``), never another exception and never a warning.

Safety contract:

- Only the Pillow plugin of the declared MIME type parses the bytes, so a file labelled
  ``image/png`` never reaches the parsers of exotic formats.
- The size in the header is checked against ``max_pixels`` before a pixel is decoded, whatever
  ``PIL.Image.MAX_IMAGE_PIXELS`` says; Pillow's own decompression-bomb error and warning refuse too.
- Frames are counted without decoding them, stopping at ``max_frames + 1``; only the first frame of
  a multi-page or animated file is decoded. JPEG photos decode at reduced scale (``draft``).
- Memory peaks at about 10 bytes per pixel of the first frame (16-bit grey, or RGBA, which Pillow
  premultiplies before resizing), so about 500 MB at the default ``max_pixels``; a JPEG photo
  decodes at reduced scale and needs far less.
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Final, Literal

from PIL import ExifTags, GifImagePlugin, Image, UnidentifiedImageError

__all__ = [
    "IMAGE_TYPES",
    "ImagePreview",
    "OpenedImage",
    "PreviewRefused",
    "Rendition",
    "check_frame",
    "eight_bit_grey",
    "open_image",
    "refusing_hostile_input",
    "render_image",
    "renditions_of",
    "upright",
]

RefusalReason = Literal[
    "too_many_pixels",
    "too_many_frames",
    "corrupt_image",
    "unsupported_image",
    "corrupt_pdf",
    "encrypted_pdf",
    "too_many_pages",
    "not_text",
    "corrupt_mail",
    "mail_too_large",
    "converter_unavailable",
    "conversion_failed",
    "conversion_timeout",
    "pdf_render_timeout",
    "pdf_too_complex",
    "page_out_of_range",
]
RenditionKind = Literal["thumbnail", "screen", "text", "pdf"]

#: The longest side of each rendition, smallest first.
_SIDES: Final[dict[RenditionKind, int]] = {"thumbnail": 320, "screen": 1600}
#: Chosen for speed (a 12-megapixel photo's thumbnail in about 30 ms on one core): BOX averages the
#: source pixels each output pixel covers, so ``reduce()`` by the largest whole factor first (a gap
#: of 1.0) gives the same picture faster; WebP ``method`` 0 encodes four times faster than the
#: default 4, for files a little larger.
RESAMPLING: Final = Image.Resampling.BOX
REDUCING_GAP: Final = 1.0
WEBP_QUALITY: Final = 80
WEBP_METHOD: Final = 0

#: The Pillow plugins allowed to parse each MIME type.
_FORMATS: Final[dict[str, str]] = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "image/tiff": "TIFF",
    "image/gif": "GIF",
    "image/bmp": "BMP",
    "image/heic": "HEIF",
    "image/heif": "HEIF",
}
IMAGE_TYPES: Final = frozenset(_FORMATS)

#: Formats whose frames are pages or animation steps; other formats count as one page (a JPEG's
#: multi-picture extras are previews and depth maps, not pages).
_DECLARED_FRAMES: Final = frozenset({"PNG", "WEBP"})  # the header states the count
_WALKED_FRAMES: Final = frozenset({"GIF", "TIFF"})  # the count is found by walking the file

#: The same table as ``ImageOps.exif_transpose``, applied to the renditions rather than to the
#: full-size source, so turning a photo upright copies a small image, not a large one.
_UPRIGHT: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True, slots=True)
class Rendition:
    kind: RenditionKind  # longest side at most 320 or 1600 px, never upscaled
    mime_type: str
    data: bytes = field(repr=False)
    width: int
    height: int
    page: int = 1  # from 1; a PDF has a screen rendition per rendered page


@dataclass(frozen=True, slots=True)
class ImagePreview:
    renditions: tuple[Rendition, ...]  # thumbnail first, then screen
    page_count: int  # frames of a multi-page TIFF or an animated GIF, PNG or WebP; else 1
    width: int  # of the source, upright (after EXIF orientation)
    height: int
    page_sizes: tuple[tuple[int, int], ...] = ()  # a PDF's pages at screen size (see pdf_preview)


class PreviewRefused(Exception):
    """A file that is kept as-is but gets no preview; ``reason`` is a stable code."""

    def __init__(self, reason: RefusalReason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason: RefusalReason = reason
        self.detail = detail


# warnings.catch_warnings changes process-wide state (Python 3.11), so two renders entering and
# leaving it in an interleaved order could leave each other's filters behind. The lock serialises
# only the header phase (open, size and frame checks, EXIF); decoding and encoding run unlocked.
_header_lock = threading.Lock()
_heif_registered = False


def render_image(
    data: bytes,
    mime_type: str,
    *,
    max_pixels: int = 50_000_000,
    max_frames: int = 500,
    kinds: Collection[RenditionKind] = ("thumbnail", "screen"),
    max_bytes: int = 300_000_000,
) -> ImagePreview:
    """Render the thumbnail and screen renditions of the first frame, upright.

    ``kinds`` picks the renditions made (they come back in the order thumbnail, screen): a
    thumbnail alone decodes a JPEG at 1/8 scale and costs about a third of both.

    Raises ``PreviewRefused`` for anything that cannot be previewed within the limits: an
    unsupported type, corrupt or truncated bytes, more than ``max_pixels`` pixels in the first
    frame, more than ``max_frames`` frames, or a frame whose decoding would need more than
    ``max_bytes`` (so that a worker stays within its memory). Thread-safe; see the module
    docstring for the guarantees.
    """
    with refusing_hostile_input():
        opened = open_image(
            data, mime_type, max_pixels=max_pixels, max_frames=max_frames, max_bytes=max_bytes
        )
        return _render(opened.image, opened.page_count, opened.orientation, kinds)


@dataclass(frozen=True, slots=True)
class OpenedImage:
    """An image whose header passed the checks; no pixel decoded yet."""

    image: Image.Image  # positioned on the first frame
    page_count: int
    orientation: int  # EXIF orientation, 1 (upright) to 8


def open_image(
    data: bytes,
    mime_type: str,
    *,
    max_pixels: int = 50_000_000,
    max_frames: int = 500,
    max_bytes: int = 300_000_000,
) -> OpenedImage:
    """Open ``data`` with the plugin of ``mime_type`` alone and check its header against the
    limits (see :func:`render_image`); call it inside :func:`refusing_hostile_input`."""
    plugin = _FORMATS.get(mime_type)
    if plugin is None:
        raise PreviewRefused("unsupported_image", f"no preview for {mime_type}")
    if not data:
        raise PreviewRefused("corrupt_image", "the file is empty")
    try:
        with _pillow_warnings() as caught:
            if plugin == "HEIF" and not _register_heif():
                raise PreviewRefused("unsupported_image", "HEIF support is not installed")
            source = Image.open(io.BytesIO(data), formats=(plugin,))
            _check_pixels(source.size, max_pixels)
            _check_memory(source, max_bytes)
            page_count = _count_frames(source, max_frames)
            orientation = _orientation(source)
    except UnidentifiedImageError as exc:
        raise PreviewRefused("corrupt_image", f"not a readable {plugin} image") from exc
    if any(issubclass(w.category, Image.DecompressionBombWarning) for w in caught):
        raise PreviewRefused("too_many_pixels", "Pillow reports a decompression bomb")
    # Other warnings concern metadata (a damaged EXIF block, a malformed MPO index): the pixels
    # are still fine, so the image is used and the warnings stay here.
    return OpenedImage(source, page_count, orientation)


def check_frame(image: Image.Image, *, max_pixels: int, max_bytes: int) -> None:
    """Check the current frame (after ``seek``) like the first: frames of a TIFF differ in size."""
    _check_pixels(image.size, max_pixels)
    _check_memory(image, max_bytes)


def upright(image: Image.Image, orientation: int) -> Image.Image:
    """``image`` turned as its EXIF ``orientation`` says."""
    turn = _UPRIGHT.get(orientation)
    return image if turn is None else image.transpose(turn)


@contextmanager
def refusing_hostile_input() -> Iterator[None]:
    """Turn whatever Pillow raises on hostile bytes into :class:`PreviewRefused`."""
    try:
        yield
    except PreviewRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PreviewRefused("too_many_pixels", str(exc)) from exc
    except Exception as exc:
        # Decoders fed hostile bytes raise nearly anything (OSError, SyntaxError, struct.error,
        # EOFError, IndexError, MemoryError …); every one of them means "refused".
        raise PreviewRefused("corrupt_image", f"{type(exc).__name__}: {exc}") from exc


def renditions_of(
    image: Image.Image,
    page_count: int,
    kinds: Collection[RenditionKind] = ("thumbnail", "screen"),
) -> ImagePreview:
    """The renditions of an image made elsewhere (a rendered PDF page), already upright."""
    return _render(image, page_count, 1, kinds)


@contextmanager
def _pillow_warnings() -> Iterator[list[warnings.WarningMessage]]:
    with _header_lock, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


#: Peak bytes per source pixel while a frame is decoded and converted (measured at 49 megapixels):
#: RGB about 5, RGBA about 9, 16-bit grey about 10. A JPEG decodes at a fraction of its size
#: (``draft``), so only other formats are held to this.
_PEAK_BYTES: Final = {"1": 2, "L": 3, "P": 5, "LA": 6, "RGB": 5, "YCbCr": 5}
_PEAK_BYTES_OTHER: Final = 10


def _check_memory(image: Image.Image, max_bytes: int) -> None:
    """Refuse a frame whose decoding would take more than ``max_bytes`` (a worker's budget)."""
    if image.format == "JPEG":
        return
    width, height = image.size
    needed = width * height * _PEAK_BYTES.get(image.mode, _PEAK_BYTES_OTHER)
    if needed > max_bytes:
        raise PreviewRefused(
            "too_many_pixels",
            f"{width}x{height} {image.mode} needs about {needed >> 20} MiB, at most "
            f"{max_bytes >> 20} MiB",
        )


def _register_heif() -> bool:
    """Teach Pillow to open HEIF/HEIC, once per process; False if pillow-heif is unavailable.

    Called under ``_header_lock``."""
    global _heif_registered  # registration with Pillow is process-wide anyway
    if not _heif_registered:
        try:
            import pillow_heif  # here, so libheif loads only when the first HEIF file arrives
        except ImportError:
            return False
        pillow_heif.register_heif_opener()
        _heif_registered = True
    return True


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise PreviewRefused("corrupt_image", f"the image is {width}×{height} pixels")
    if width * height > max_pixels:
        raise PreviewRefused(
            "too_many_pixels", f"{width}×{height} pixels exceed the limit of {max_pixels}"
        )


def _count_frames(image: Image.Image, max_frames: int) -> int:
    """The number of frames, found without decoding any; refuses beyond ``max_frames``."""
    if image.format in _DECLARED_FRAMES:
        count = int(getattr(image, "n_frames", 1))
    elif image.format in _WALKED_FRAMES:
        count = _walk_frames(image, max_frames + 1)
    else:
        count = 1
    if count > max_frames:
        raise PreviewRefused("too_many_frames", f"more than {max_frames} frames")
    return count


def _walk_frames(image: Image.Image, limit: int) -> int:
    """Step through the frames until the end or ``limit``, then go back to the first one.

    ``n_frames`` would walk a file of a million frames to its end; this stops early."""
    count = 1
    try:
        while count < limit:
            if isinstance(image, GifImagePlugin.GifImageFile):
                # What GifImageFile.n_frames itself does: parse the next frame without decoding
                # the current one (seek() would decode every frame on the way).
                image._seek(count, update_image=False)
            else:
                image.seek(count)  # a TIFF seek reads the next directory, no pixels
            count += 1
    except EOFError:
        pass
    image.seek(0)
    return count


def _orientation(image: Image.Image) -> int:
    value = image.getexif().get(ExifTags.Base.Orientation, 1)
    return value if isinstance(value, int) and value in _UPRIGHT else 1


def _render(
    source: Image.Image, page_count: int, orientation: int, kinds: Collection[RenditionKind]
) -> ImagePreview:
    width, height = source.size
    upright = _UPRIGHT.get(orientation)
    if orientation >= 5:  # orientations 5 to 8 turn the picture a quarter
        width, height = height, width
    renditions: list[Rendition] = []
    wanted = [(kind, side) for kind, side in _SIDES.items() if kind in kinds]
    if wanted:
        # Decode once at the size of the largest rendition wanted; JPEG decodes straight at 1/2,
        # 1/4 or 1/8 scale as long as the result stays at least that large (others ignore this).
        largest = _fit(source.size, wanted[-1][1])
        source.draft(None, largest)
        icc_profile = source.info.get("icc_profile")
        image = _resized(_displayable(source), largest)
        # Smallest last: each rendition is made from the next larger one, which is cheap.
        for kind, side in reversed(wanted):
            image = _resized(image, _fit(image.size, side))
            renditions.insert(0, _encode(kind, image, upright, icc_profile))
    return ImagePreview(
        renditions=tuple(renditions), page_count=page_count, width=width, height=height
    )


def _resized(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if image.size == size:
        return image
    return image.resize(size, RESAMPLING, reducing_gap=REDUCING_GAP)


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """``size`` scaled to fit a ``side``×``side`` box, keeping the aspect ratio; never larger."""
    width, height = size
    longest = max(width, height)
    if longest <= side:
        return size
    return max(1, round(width * side / longest)), max(1, round(height * side / longest))


def _displayable(image: Image.Image) -> Image.Image:
    """The first frame as L, LA, RGB or RGBA: modes that resize well and WebP can take."""
    mode = image.mode
    if mode in {"L", "RGB"} and "transparency" in image.info:
        return image.convert(f"{mode}A")  # a transparent colour becomes an alpha channel
    if mode in {"L", "LA", "RGB", "RGBA"}:
        return image
    if mode.startswith("I;16") or mode in {"I", "F"}:
        return eight_bit_grey(image)
    if mode == "1":
        return image.convert("L")
    if mode == "La":
        return image.convert("LA")
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


def eight_bit_grey(image: Image.Image) -> Image.Image:
    """16-bit and 32-bit grey scaled to 8 bits (a plain ``convert("L")`` clips at 255)."""
    if image.mode.startswith("I;16"):
        low, high = 0.0, 65535.0
    else:
        extrema = image.getextrema()
        low, high = float(extrema[0]), float(extrema[1])  # type: ignore[arg-type]
    scale = 255.0 / (high - low) if high > low else 0.0
    return image.convert("F").point(lambda value: (value - low) * scale).convert("L")


def _encode(
    kind: RenditionKind,
    image: Image.Image,
    upright: Image.Transpose | None,
    icc_profile: object,
) -> Rendition:
    if upright is not None:
        image = image.transpose(upright)
    if image.mode not in {"RGB", "RGBA"}:
        image = image.convert("RGBA" if image.mode == "LA" else "RGB")
    options: dict[str, object] = {"quality": WEBP_QUALITY, "method": WEBP_METHOD}
    # Keep an RGB colour profile (Display P3 phone photos, Adobe RGB scans) so browsers show the
    # colours right; a CMYK or grey profile does not describe the converted pixels.
    if isinstance(icc_profile, bytes) and icc_profile[16:20] == b"RGB ":
        options["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", **options)
    return Rendition(
        kind=kind,
        mime_type="image/webp",
        data=buffer.getvalue(),
        width=image.width,
        height=image.height,
    )
