"""Image previews: golden samples made with Pillow, hostile files, limits (no database)."""

from __future__ import annotations

import io
import random
import struct
import time
import warnings
import zlib
from concurrent.futures import ThreadPoolExecutor

import pillow_heif
import pytest
from PIL import Image

from backend.documents.imaging import (
    IMAGE_TYPES,
    ImagePreview,
    PreviewRefused,
    Rendition,
    render_image,
)

RED = (255, 0, 0)
BLUE = (0, 0, 255)
GREEN = (0, 255, 0)

# -- samples -------------------------------------------------------------------------------------


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def heic(image: Image.Image) -> bytes:
    """HEIC written by pillow-heif without registering it with Pillow (the code under test does)."""
    buffer = io.BytesIO()
    pillow_heif.from_pillow(image).save(buffer, quality=70)
    return buffer.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares ``width``×``height`` RGB pixels but carries almost none."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + png_chunk(b"IEND", b"")
    )


def tiff(pages: int, size: tuple[int, int] = (1, 1), *, loop: bool = False) -> bytes:
    """A hand-made TIFF of ``pages`` 8-bit grey pages that all declare ``size`` and share one strip.

    ``loop`` points the last page back at the first, as a hostile file might."""
    width, height = size
    ifd_size = 2 + 8 * 12 + 4
    first = 12  # after the 8-byte header and the 4-byte strip
    out = bytearray(b"II*\x00" + struct.pack("<I", first) + b"\x80" * 4)
    for page in range(pages):
        entries = [
            (256, 4, width),  # ImageWidth, LONG
            (257, 4, height),  # ImageLength
            (258, 3, 8),  # BitsPerSample, SHORT
            (259, 3, 1),  # Compression: none
            (262, 3, 1),  # PhotometricInterpretation: black is zero
            (273, 4, 8),  # StripOffsets
            (278, 4, height),  # RowsPerStrip
            (279, 4, min(width * height, 2**32 - 1)),  # StripByteCounts
        ]
        out += struct.pack("<H", len(entries))
        for tag, kind, value in entries:
            out += struct.pack("<HHII", tag, kind, 1, value)  # a SHORT sits in the low bytes
        last = page == pages - 1
        out += struct.pack("<I", (first if loop else 0) if last else first + (page + 1) * ifd_size)
    return bytes(out)


def exif_orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def damaged_exif(orientation: int) -> bytes:
    """EXIF whose first tag claims more data than the block holds (Pillow warns and skips it)."""
    exif = Image.Exif()
    exif[0x010F] = "Maker" * 20
    exif[0x0112] = orientation
    data = bytearray(exif.tobytes())
    struct.pack_into(">I", data, 6 + 8 + 2 + 4, 5000)  # "Exif\0\0", TIFF header, entry count, tag
    return bytes(data)


def corner_marked(size: tuple[int, int]) -> Image.Image:
    """Blue, with a red square in the stored top-left corner."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 4, size[1] // 4))
    return image


def decoded(rendition: Rendition) -> Image.Image:
    assert rendition.mime_type == "image/webp"
    assert rendition.data[:4] == b"RIFF"
    assert rendition.data[8:12] == b"WEBP"
    image = Image.open(io.BytesIO(rendition.data))
    assert image.format == "WEBP"
    assert image.size == (rendition.width, rendition.height)
    return image


def close(actual: object, expected: tuple[int, ...], tolerance: int = 24) -> bool:
    assert isinstance(actual, tuple)
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def sizes(preview: ImagePreview) -> list[tuple[str, int, int]]:
    return [(r.kind, r.width, r.height) for r in preview.renditions]


def refusal(data: bytes, mime_type: str, **limits: int) -> str:
    with pytest.raises(PreviewRefused) as caught:
        render_image(data, mime_type, **limits)
    return caught.value.reason


# -- golden samples ------------------------------------------------------------------------------


def test_jpeg_with_exif_orientation_6_is_turned_upright() -> None:
    stored = corner_marked((640, 320))
    preview = render_image(encoded(stored, "JPEG", exif=exif_orientation(6)), "image/jpeg")

    assert (preview.width, preview.height) == (320, 640)
    assert sizes(preview) == [("thumbnail", 160, 320), ("screen", 320, 640)]
    for rendition in preview.renditions:
        image = decoded(rendition).convert("RGB")
        # Orientation 6 means "turn a quarter clockwise": the stored top-left lands top-right.
        assert close(image.getpixel((image.width - 5, 5)), RED)
        assert close(image.getpixel((5, 5)), BLUE)
        assert close(image.getpixel((image.width - 5, image.height - 5)), BLUE)


def test_large_jpeg_photo_is_scaled_down_never_past_the_limits() -> None:
    preview = render_image(encoded(corner_marked((3200, 2400)), "JPEG"), "image/jpeg")

    assert (preview.width, preview.height, preview.page_count) == (3200, 2400, 1)
    assert sizes(preview) == [("thumbnail", 320, 240), ("screen", 1600, 1200)]
    thumbnail = decoded(preview.renditions[0])
    assert thumbnail.mode == "RGB"
    assert close(thumbnail.getpixel((10, 10)), RED)
    assert close(thumbnail.getpixel((300, 200)), BLUE)


def test_multi_picture_jpeg_from_a_phone_is_one_page() -> None:
    photo = Image.new("RGB", (640, 480), RED)
    data = encoded(photo, "MPO", save_all=True, append_images=[Image.new("RGB", (64, 48), BLUE)])
    assert Image.open(io.BytesIO(data)).format == "MPO"

    preview = render_image(data, "image/jpeg")

    assert (preview.page_count, preview.width, preview.height) == (1, 640, 480)
    assert close(decoded(preview.renditions[0]).getpixel((10, 10)), RED)


def test_small_images_are_never_upscaled() -> None:
    preview = render_image(encoded(Image.new("RGB", (40, 30), GREEN), "PNG"), "image/png")

    assert sizes(preview) == [("thumbnail", 40, 30), ("screen", 40, 30)]


def test_png_alpha_is_kept() -> None:
    image = Image.new("RGBA", (400, 300), (*RED, 255))
    image.paste((0, 0, 0, 0), (200, 0, 400, 300))
    preview = render_image(encoded(image, "PNG"), "image/png")

    assert sizes(preview) == [("thumbnail", 320, 240), ("screen", 400, 300)]
    for rendition in preview.renditions:
        rendered = decoded(rendition)
        assert rendered.mode == "RGBA"
        assert close(rendered.getpixel((5, 5)), (*RED, 255))
        assert rendered.getpixel((rendered.width - 5, 5))[3] == 0  # type: ignore[index]


def test_palette_transparency_becomes_alpha() -> None:
    image = Image.new("P", (60, 40), 0)
    image.putpalette([*RED, *BLUE])
    image.paste(1, (30, 0, 60, 40))
    preview = render_image(encoded(image, "PNG", transparency=1), "image/png")

    rendered = decoded(preview.renditions[0])
    assert rendered.mode == "RGBA"
    assert close(rendered.getpixel((5, 5)), (*RED, 255))
    assert rendered.getpixel((55, 5))[3] == 0  # type: ignore[index]


def test_animated_gif_counts_its_frames_and_shows_the_first() -> None:
    frames = []
    for colour in (RED, GREEN, BLUE):
        frame = Image.new("P", (90, 60), 0)
        frame.putpalette([*colour, 0, 0, 0])
        frames.append(frame)
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    preview = render_image(data, "image/gif")

    assert preview.page_count == 3
    assert sizes(preview) == [("thumbnail", 90, 60), ("screen", 90, 60)]
    assert close(decoded(preview.renditions[0]).convert("RGB").getpixel((45, 30)), RED)


def test_animated_webp_counts_its_frames() -> None:
    frames = [Image.new("RGB", (64, 48), colour) for colour in (GREEN, RED)]
    data = encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    preview = render_image(data, "image/webp")

    assert preview.page_count == 2
    assert close(decoded(preview.renditions[0]).getpixel((32, 24)), GREEN)


def test_multi_page_tiff_counts_pages_and_shows_the_first() -> None:
    pages = [Image.new("RGB", (800, 600), colour) for colour in (RED, GREEN, BLUE, (9, 9, 9))]
    data = encoded(pages[0], "TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw")
    preview = render_image(data, "image/tiff")

    assert (preview.page_count, preview.width, preview.height) == (4, 800, 600)
    assert sizes(preview) == [("thumbnail", 320, 240), ("screen", 800, 600)]
    assert close(decoded(preview.renditions[1]).getpixel((400, 300)), RED)


def test_bmp() -> None:
    preview = render_image(encoded(Image.new("RGB", (500, 400), GREEN), "BMP"), "image/bmp")

    assert sizes(preview) == [("thumbnail", 320, 256), ("screen", 500, 400)]
    assert close(decoded(preview.renditions[0]).getpixel((10, 10)), GREEN)


def test_cmyk_jpeg_becomes_rgb() -> None:
    cmyk_red = Image.new("CMYK", (700, 500), (0, 255, 255, 0))
    preview = render_image(encoded(cmyk_red, "JPEG"), "image/jpeg")

    assert sizes(preview) == [("thumbnail", 320, 229), ("screen", 700, 500)]
    rendered = decoded(preview.renditions[0])
    assert rendered.mode == "RGB"
    assert close(rendered.getpixel((100, 100)), RED, tolerance=32)


def test_sixteen_bit_grey_png_is_scaled_not_clipped() -> None:
    grey = Image.new("I;16", (100, 80), 32768)  # mid-grey in 16 bits
    grey.paste(65535, (50, 0, 100, 80))
    data = encoded(grey, "PNG")
    assert Image.open(io.BytesIO(data)).mode == "I;16"
    preview = render_image(data, "image/png")

    rendered = decoded(preview.renditions[0])
    assert rendered.mode == "RGB"
    assert close(rendered.getpixel((10, 40)), (128, 128, 128), tolerance=6)
    assert close(rendered.getpixel((90, 40)), (255, 255, 255), tolerance=6)


def test_one_bit_tiff() -> None:
    preview = render_image(encoded(Image.new("1", (100, 80), 1), "TIFF"), "image/tiff")

    assert close(decoded(preview.renditions[0]).getpixel((50, 40)), (255, 255, 255), tolerance=4)


@pytest.mark.parametrize("mime_type", ["image/heic", "image/heif"])
def test_heic_phone_photo(mime_type: str) -> None:
    preview = render_image(heic(corner_marked((640, 480))), mime_type)

    assert (preview.width, preview.height, preview.page_count) == (640, 480, 1)
    assert sizes(preview) == [("thumbnail", 320, 240), ("screen", 640, 480)]
    thumbnail = decoded(preview.renditions[0])
    assert close(thumbnail.getpixel((10, 10)), RED, tolerance=40)
    assert close(thumbnail.getpixel((300, 200)), BLUE, tolerance=40)


def test_damaged_exif_still_gets_a_preview_and_no_warning() -> None:
    data = encoded(corner_marked((64, 32)), "JPEG", exif=damaged_exif(6))

    preview = render_image(data, "image/jpeg")  # the suite turns any escaping warning into an error

    assert (preview.width, preview.height) == (32, 64)


def test_kinds_picks_renditions_and_keeps_their_order() -> None:
    data = encoded(corner_marked((2000, 1000)), "JPEG")

    thumbnail_only = render_image(data, "image/jpeg", kinds=("thumbnail",))
    both = render_image(data, "image/jpeg", kinds=("screen", "thumbnail"))

    assert sizes(thumbnail_only) == [("thumbnail", 320, 160)]
    assert sizes(both) == [("thumbnail", 320, 160), ("screen", 1600, 800)]
    assert (thumbnail_only.width, thumbnail_only.height) == (2000, 1000)


def test_image_types() -> None:
    assert {
        "image/jpeg",
        "image/png",
        "image/webp",
        "image/tiff",
        "image/gif",
        "image/bmp",
        "image/heic",
        "image/heif",
    } == IMAGE_TYPES


# -- hostile and broken input --------------------------------------------------------------------


@pytest.mark.parametrize("mime_type", sorted(IMAGE_TYPES))
def test_zero_bytes(mime_type: str) -> None:
    assert refusal(b"", mime_type) == "corrupt_image"


def test_truncated_jpeg() -> None:
    data = encoded(Image.effect_noise((300, 300), 60).convert("RGB"), "JPEG")

    assert refusal(data[: len(data) // 2], "image/jpeg") == "corrupt_image"
    assert refusal(data[:100], "image/jpeg") == "corrupt_image"


@pytest.mark.parametrize(
    ("data", "mime_type"),
    [
        (random.Random(7).randbytes(4096), "image/png"),
        (b"Dear customer,\nplease find our offer attached.\n" * 20, "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png"),
        # Only the parser of the declared type reads the bytes: a PNG is no JPEG.
        (encoded(Image.new("RGB", (8, 8)), "PNG"), "image/jpeg"),
        (encoded(Image.new("RGB", (8, 8)), "GIF"), "image/heic"),
    ],
    ids=["random-as-png", "text-as-jpeg", "png-signature-only", "png-as-jpeg", "gif-as-heic"],
)
def test_garbage_is_corrupt(data: bytes, mime_type: str) -> None:
    assert refusal(data, mime_type) == "corrupt_image"


@pytest.mark.parametrize("mime_type", ["application/pdf", "image/svg+xml", "image/x-icon", ""])
def test_other_types_are_unsupported(mime_type: str) -> None:
    assert refusal(encoded(Image.new("RGB", (8, 8)), "PNG"), mime_type) == "unsupported_image"


def test_png_bomb_is_refused_from_its_header() -> None:
    bomb = png_header_only(100_000, 100_000)  # 10^10 pixels, 30 GB decoded, 100 bytes stored
    started = time.perf_counter()

    assert refusal(bomb, "image/png") == "too_many_pixels"
    assert time.perf_counter() - started < 0.5


def test_bomb_check_ignores_pillows_global_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)  # as careless code elsewhere might

    assert refusal(png_header_only(100_000, 100_000), "image/png") == "too_many_pixels"
    assert refusal(png_header_only(1000, 1000), "image/png", max_pixels=999_999) == (
        "too_many_pixels"
    )


def test_pillows_own_bomb_error_and_warning_refuse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    data = encoded(Image.new("RGB", (40, 40)), "PNG")  # 1,600 pixels: Pillow warns
    larger = encoded(Image.new("RGB", (50, 50)), "PNG")  # 2,500 pixels: Pillow raises

    assert refusal(data, "image/png") == "too_many_pixels"
    assert refusal(larger, "image/png") == "too_many_pixels"


def test_tiff_with_huge_dimensions() -> None:
    assert refusal(tiff(1, (100_000, 100_000)), "image/tiff") == "too_many_pixels"


def test_tiff_with_thousands_of_pages_is_refused_early() -> None:
    data = tiff(5000)
    started = time.perf_counter()

    assert refusal(data, "image/tiff") == "too_many_frames"
    assert time.perf_counter() - started < 1.0
    assert render_image(tiff(300), "image/tiff").page_count == 300


def test_tiff_pages_that_loop_end() -> None:
    assert render_image(tiff(3, loop=True), "image/tiff").page_count == 3


def test_gif_frame_limit() -> None:
    frames = [Image.new("L", (4, 4), 255 * (i % 2)) for i in range(12)]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])

    assert render_image(data, "image/gif").page_count == 12
    assert refusal(data, "image/gif", max_frames=11) == "too_many_frames"
    assert render_image(data, "image/gif", max_frames=12).page_count == 12


def test_refusal_carries_reason_and_detail() -> None:
    with pytest.raises(PreviewRefused) as caught:
        render_image(png_header_only(8000, 8000), "image/png")  # within Pillow's own limit

    assert caught.value.reason == "too_many_pixels"
    assert "8000×8000" in str(caught.value)


# -- concurrency ---------------------------------------------------------------------------------


def test_concurrent_renders_leave_warning_filters_alone() -> None:
    samples: list[tuple[bytes, str]] = [
        (encoded(corner_marked((900, 600)), "JPEG", exif=damaged_exif(1)), "image/jpeg"),  # warns
        (encoded(Image.new("RGBA", (700, 500), (*RED, 90)), "PNG"), "image/png"),
        (png_header_only(100_000, 100_000), "image/png"),
        (tiff(600), "image/tiff"),
    ]
    filters_before = list(warnings.filters)
    showwarning_before = warnings.showwarning

    def attempt(sample: tuple[bytes, str]) -> str:
        try:
            return f"{render_image(*sample).page_count}"
        except PreviewRefused as refused:
            return refused.reason

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, samples * 10))

    assert outcomes == ["1", "1", "too_many_pixels", "too_many_frames"] * 10
    assert warnings.filters == filters_before
    assert warnings.showwarning is showwarning_before


def test_a_frame_too_big_for_a_workers_memory_is_refused_before_decoding() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (1000, 1000), (1, 2, 3, 4)).save(out, "PNG")
    with pytest.raises(PreviewRefused) as refused:
        render_image(out.getvalue(), "image/png", max_bytes=5_000_000)
    assert refused.value.reason == "too_many_pixels"
    assert "MiB" in refused.value.detail
    assert render_image(out.getvalue(), "image/png", max_bytes=20_000_000).width == 1000
