"""Make the golden sample files in this folder: one small file per format with a preview.

Run once (``uv run python -m tests.samples.make_samples [--images]``) and commit what it writes; the tests
read the committed files, so they never depend on this script's tools at test time. Images come
from Pillow (HEIC through pillow-heif), the PDF from fpdf2, the e-mail from the standard library,
and the office documents from LibreOffice, converted from flat OpenDocument files written here.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tempfile
from email.message import EmailMessage
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).parent
WORDS = "Zażółć gęślą jaźń – Rechnung Nummer 4711"


FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
IMAGE_WORDS = {
    "photo.jpg": "Foto 4711",
    "diagram.png": "4711",
    "photo.webp": "Nr 12",
    "scan.bmp": "Scan 7",
    "pages.tiff": ("Seite 1", "Seite 2", "Seite 3"),
    "moving.gif": ("Bild 1", "Bild 2", "Bild 3"),
    "phone.heic": "Handy 42",
}
"""What OCR reads in each image sample (a tuple: one per page)."""


def picture(size: tuple[int, int], colour: tuple[int, int, int], words: str) -> Image.Image:
    """A coloured picture with a white mark at the top left (it shows which way is up) and
    ``words`` in black on a white band across its lower half, large enough for OCR."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0] // 2, size[1] // 4), fill=(255, 255, 255))  # marks "up"
    band = size[1] // 2
    draw.rectangle((0, size[1] - band, size[0], size[1]), fill=(255, 255, 255))
    points = int(band * 0.55)
    font = ImageFont.truetype(FONT, points)
    while font.getlength(words) > size[0] * 0.85:
        points -= 1
        font = ImageFont.truetype(FONT, points)
    draw.text((size[0] // 2, size[1] - band // 2), words, fill=(0, 0, 0), font=font, anchor="mm")
    return image


def _words(name: str) -> str:
    words = IMAGE_WORDS[name]
    assert isinstance(words, str)
    return words


def images() -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    exif = Image.Exif()
    exif[0x0112] = 6  # stored on its side: shown upright it is 300 wide, 400 high
    buffer = io.BytesIO()
    upright = picture((300, 400), (200, 40, 40), _words("photo.jpg"))
    upright.rotate(90, expand=True).save(buffer, "JPEG", quality=60, exif=exif)
    out["photo.jpg"] = buffer.getvalue()
    for name, fmt, options in [
        ("diagram.png", "PNG", {}),
        ("photo.webp", "WEBP", {"quality": 50}),
        ("scan.bmp", "BMP", {}),
    ]:
        buffer = io.BytesIO()
        picture((120, 80), (40, 120, 200), _words(name)).save(buffer, fmt, **options)
        out[name] = buffer.getvalue()
    for name, fmt, options in [
        ("pages.tiff", "TIFF", {"compression": "tiff_lzw"}),
        ("moving.gif", "GIF", {"duration": 200}),
    ]:
        frames = [
            picture((200, 100), (i * 60, 80, 80), words)
            for i, words in enumerate(IMAGE_WORDS[name])
        ]
        buffer = io.BytesIO()
        frames[0].save(buffer, fmt, save_all=True, append_images=frames[1:], **options)
        out[name] = buffer.getvalue()
    import pillow_heif

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    picture((160, 120), (90, 160, 60), _words("phone.heic")).save(buffer, "HEIF", quality=40)
    out["phone.heic"] = buffer.getvalue()
    return out


def pdf(pages: int = 2) -> bytes:
    document = FPDF(format="A4")
    document.set_font("helvetica", size=14)
    for number in range(1, pages + 1):
        document.add_page()
        document.cell(text=f"Invoice 4711, page {number}")
    return bytes(document.output())


def mail() -> bytes:
    message = EmailMessage()
    message["From"] = "Anna Nowak <anna.nowak@example.com>"
    message["To"] = "Sales <sales@example.com>, Jan Kowalski <jan@example.com>"
    message["Cc"] = "archive@example.com"
    message["Date"] = "Tue, 03 Nov 2026 10:15:00 +0100"
    message["Subject"] = "Order 4711 – Zażółć gęślą jaźń"
    message["Message-ID"] = "<order-4711@example.com>"
    message.set_content("Hello,\n\nplease find our order 4711 attached.\n\nAnna\n")
    message.add_alternative(
        "<html><body><p>Hello,</p><p>please find our <b>order 4711</b> attached.</p>"
        '<img src="https://tracker.example.com/pixel.gif" width="1" height="1">'
        '<script>alert("x")</script><p onclick="steal()">Anna</p></body></html>',
        subtype="html",
    )
    message.add_attachment(pdf(1), maintype="application", subtype="pdf", filename="order.pdf")
    message.add_attachment(
        b"item;quantity\nScrew M4;100\n", maintype="text", subtype="csv", filename="items.csv"
    )
    forwarded = EmailMessage()
    forwarded["From"] = "jan@example.com"
    forwarded["To"] = "anna.nowak@example.com"
    forwarded["Subject"] = "Earlier offer"
    forwarded.set_content("Our offer of last week.\n")
    message.add_attachment(forwarded)
    return message.as_bytes()


def _flat(kind: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
        'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
        'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
        'office:version="1.3" '
        f'office:mimetype="application/vnd.oasis.opendocument.{kind}">'
        f"<office:body>{body}</office:body></office:document>"
    )


FLAT_TEXT = _flat(
    "text",
    f"<office:text><text:h>Offer 4711</text:h><text:p>{WORDS}</text:p></office:text>",
)
FLAT_SHEET = _flat(
    "spreadsheet",
    '<office:spreadsheet><table:table table:name="Prices">'
    + "".join(
        f"<table:table-row><table:table-cell><text:p>{a}</text:p></table:table-cell>"
        f"<table:table-cell><text:p>{b}</text:p></table:table-cell></table:table-row>"
        for a, b in [("Item", "Price"), ("Screw 4711", "0.12"), ("Nut", "0.05")]
    )
    + "</table:table></office:spreadsheet>",
)
FLAT_SLIDES = _flat(
    "presentation",
    "<office:presentation>"
    + "".join(
        f'<draw:page draw:name="p{n}"><draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" '
        f'svg:height="3cm"><draw:text-box><text:p>Slide {n}: offer 4711</text:p>'
        "</draw:text-box></draw:frame></draw:page>"
        for n in (1, 2)
    )
    + "</office:presentation>",
)


def office(soffice: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    plan = [
        ("offer.fodt", FLAT_TEXT, ["docx", "odt", "rtf"]),
        ("prices.fods", FLAT_SHEET, ["xlsx", "ods"]),
        ("slides.fodp", FLAT_SLIDES, ["pptx"]),
    ]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for name, xml, targets in plan:
            (work / name).write_text(xml, encoding="utf-8")
            for target in targets:
                subprocess.run(  # noqa: S603 (our own arguments, soffice found on PATH)
                    [
                        soffice,
                        f"-env:UserInstallation={(work / 'profile').as_uri()}",
                        "--headless",
                        "--convert-to",
                        target,
                        "--outdir",
                        str(work / "out"),
                        str(work / name),
                    ],
                    check=True,
                    capture_output=True,
                    timeout=120,
                )
                made = work / "out" / f"{Path(name).stem}.{target}"
                out[made.name] = made.read_bytes()
    return out


def texts() -> dict[str, bytes]:
    return {
        "notes.txt": f"Call back about order 4711.\n{WORDS}\n".encode(),
        "prices.csv": b"item;price\r\nScrew;0,12\r\nNut;0,05\r\n",
        "order.json": json.dumps({"order": 4711, "items": ["screw", "nut"]}, indent=2).encode(),
        "order.xml": b'<?xml version="1.0"?>\n<order number="4711"><item>screw</item></order>\n',
        "readme.md": b"# Order 4711\n\n- screw\n- nut\n",
    }


def main() -> None:
    """Write every sample; with ``--images`` only the images (no LibreOffice needed)."""
    files = images()
    if sys.argv[1:] != ["--images"]:
        soffice = shutil.which("soffice")
        if soffice is None:
            sys.exit("LibreOffice (soffice) is needed to make the office samples")
        files.update({"invoice.pdf": pdf(), "order.eml": mail(), **texts(), **office(soffice)})
    for name, data in sorted(files.items()):
        (HERE / name).write_bytes(data)
        print(f"{name:16} {len(data):>8} bytes")
    print(f"{'total':16} {sum(map(len, files.values())):>8} bytes")


if __name__ == "__main__":
    main()
