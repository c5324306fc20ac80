"""Hostile files, made at test time (some are large once decoded, none is large on disk): each is
a way a preview job could crash, hang or blow up a worker's memory."""

from __future__ import annotations

import io
import struct
import zlib
from email.message import EmailMessage

from fpdf import FPDF
from PIL import Image

__all__ = [
    "corrupt_jpeg",
    "corrupt_pdf",
    "encrypted_pdf",
    "huge_page_pdf",
    "many_pages_pdf",
    "nasty_files",
    "png_beyond_pixel_limit",
    "polyglot_jpeg",
    "slow_pdf",
    "svg_with_script",
    "tiff_bomb",
]


def _jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def corrupt_jpeg() -> bytes:
    good = _jpeg()
    return good[: len(good) // 3]


def corrupt_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer garbage\n"


def _raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF from numbered objects (1 is the catalogue), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def many_pages_pdf(pages: int = 20_001) -> bytes:
    """A page-count bomb: more pages than the limit (each an empty page object, ~70 bytes)."""
    kids = b" ".join(b"%d 0 R" % (n + 3) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>"] * pages
    return _raw_pdf(objects)


def huge_page_pdf() -> bytes:
    """A page of 14,400 × 14,400 points scaled by a user unit of 75,000 (a plane of 15,000 km)."""
    return _raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] /UserUnit 75000 >>",
        ]
    )


def slow_pdf(operations: int = 3_000_000) -> bytes:
    """A render-time bomb: one page drawing millions of lines (a small compressed stream)."""
    stream = zlib.compress(b"0 0 m 600 800 l S\n" * operations, 9)
    return _raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream",
        ]
    )


def hostile_second_page_pdf(operations: int = 3_000_000) -> bytes:
    """Three pages with a text layer, the second drawing millions of lines (as :func:`slow_pdf`):
    harmless on page one, a bomb for whoever reads on."""
    bomb = zlib.compress(b"0 0 m 600 800 l S\n" * operations, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R 6 0 R 8 0 R] /Count 3 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for number, stream in (
        (1, b"BT /F1 24 Tf 72 700 Td (Page one says Rechnung 4711 in words) Tj ET"),
        (2, bomb),
        (3, b"BT /F1 24 Tf 72 700 Td (Page three says Lieferschein 815 here) Tj ET"),
    ):
        contents = len(objects) + 2
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % contents
        )
        flate = b" /Filter /FlateDecode" if number == 2 else b""
        objects.append(
            b"<< /Length %d%s >>\nstream\n" % (len(stream), flate) + stream + b"\nendstream"
        )
    return _raw_pdf(objects)


def encrypted_pdf() -> bytes:
    document = FPDF()
    document.set_encryption(owner_password="owner-secret", user_password="user-secret")
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="secret")
    return bytes(document.output())


def _tiff(width: int, height: int, strip: bytes) -> bytes:
    """A one-strip, 8-bit grey, deflate-compressed TIFF claiming ``width`` × ``height``."""
    entries = [
        (256, 4, width),  # ImageWidth, LONG
        (257, 4, height),  # ImageLength
        (258, 3, 8),  # BitsPerSample, SHORT
        (259, 3, 8),  # Compression: deflate
        (262, 3, 1),  # BlackIsZero
        (273, 4, 0),  # StripOffsets, set below
        (277, 3, 1),  # SamplesPerPixel
        (278, 4, height),  # RowsPerStrip
        (279, 4, len(strip)),  # StripByteCounts
    ]
    data_offset = 8 + 2 + 12 * len(entries) + 4
    ifd = struct.pack("<H", len(entries))
    for tag, kind, value in entries:
        value = data_offset if tag == 273 else value
        packed = struct.pack("<HI", value, 0)[:4] if kind == 3 else struct.pack("<I", value)
        ifd += struct.pack("<HHI", tag, kind, 1) + packed
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + strip


def tiff_bomb(side: int = 7000) -> bytes:
    """Like a zip bomb: ~50 KB of deflate that decodes to 49 megapixels (just within the limit)."""
    return _tiff(side, side, zlib.compress(bytes(side * side), 9))


def png_beyond_pixel_limit() -> bytes:
    """A PNG whose header claims 100,000 × 100,000 pixels (the data is one tiny row)."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    header = struct.pack(">II", 100_000, 100_000) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<script>fetch("/graphql",{method:"POST"})</script><rect width="10" height="10"/></svg>\n'
    )


def polyglot_jpeg() -> bytes:
    """A valid JPEG that is also a ZIP archive (appended) and carries HTML in a comment."""
    zip_buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(zip_buffer, "w") as archive:
        archive.writestr("index.html", "<script>alert(document.cookie)</script>")
    jpeg = _jpeg()
    comment = b"<html><script>alert(1)</script></html>"
    marked = jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + jpeg[2:]
    return marked + zip_buffer.getvalue()


def _many_attachments(count: int = 200) -> bytes:
    message = EmailMessage()
    message["From"] = "flood@example.com"
    message["To"] = "b@example.com"
    message["Subject"] = "flood"
    message.set_content("many")
    for n in range(count):
        message.add_attachment(b"%d\n" % n, maintype="text", subtype="plain", filename=f"{n}.txt")
    return message.as_bytes()


def _malformed_mime() -> bytes:
    nested = "".join(
        f'Content-Type: multipart/mixed; boundary="b{n}"\r\n\r\n--b{n}\r\n' for n in range(500)
    )
    return f"From: a@example.com\r\nSubject: deep\r\nMIME-Version: 1.0\r\n{nested}x\r\n".encode()


def nasty_files() -> dict[str, tuple[bytes, str | None]]:
    """File name → (content, the preview's reason: None when it is shown all the same)."""
    return {
        "cut.jpg": (corrupt_jpeg(), "corrupt_image"),
        "broken.pdf": (corrupt_pdf(), "corrupt_pdf"),
        "pages.pdf": (many_pages_pdf(), "too_many_pages"),
        "plane.pdf": (huge_page_pdf(), None),
        "locked.pdf": (encrypted_pdf(), "encrypted_pdf"),
        "bomb.tiff": (tiff_bomb(), None),
        "huge.tiff": (_tiff(100_000, 100_000, zlib.compress(bytes(10_000))), "too_many_pixels"),
        "huge.png": (png_beyond_pixel_limit(), "too_many_pixels"),
        "script.svg": (svg_with_script(), "no_preview_for_type"),
        "polyglot.jpg": (polyglot_jpeg(), None),
        "flood.eml": (_many_attachments(), None),
        "deep.eml": (_malformed_mime(), None),
    }
