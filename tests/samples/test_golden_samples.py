"""One golden sample per format with a preview (made by ``make_samples.py``, committed): uploaded
through the documents service, its jobs run, its preview, page count, rendition sizes and its
extracted text are what they should be (both engines).

Texts Dossier reads itself (text files, a PDF's text layer) must be exact; a mail's or an office
document's must contain the expected piece; OCR must read the expected words page by page
(pages joined by a form feed), compared without white space, which Tesseract may drop between a
word and a number."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from backend.documents.models import Preview, VersionText
from backend.documents.repository import PiccoloDocumentRepository
from backend.jobs.registry import job_handlers
from backend.runtime import Runtime
from tests.factories import TenantContext, make_tenant_context
from tests.samples.make_samples import IMAGE_WORDS

SAMPLES = Path(__file__).parent

Sizes = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class Expected:
    pages: int
    sizes: Sizes  # rendition kind → (width, height); a text or pdf rendition is (0, 0)
    text: str  # see the module docstring for how each source compares it
    source: str


def images(name: str, width: int, height: int, pages: int = 1) -> Expected:
    scale = min(1.0, 320 / max(width, height))
    thumbnail = (round(width * scale), round(height * scale))
    words = IMAGE_WORDS[name]
    # Only a TIFF's frames are pages; an animation is read from its first frame.
    text = (
        "\f".join(words)
        if name.endswith(".tiff")
        else words
        if isinstance(words, str)
        else words[0]
    )
    return Expected(pages, {"thumbnail": thumbnail, "screen": (width, height)}, text, "ocr")


A4 = {"thumbnail": (226, 320), "screen": (1132, 1600)}
A4_OFFICE = {**A4, "pdf": (0, 0)}
TEXT = {"text": (0, 0)}

GOLDEN: dict[str, Expected] = {
    "photo.jpg": images("photo.jpg", 300, 400),  # stored 400×300 with EXIF orientation 6
    "diagram.png": images("diagram.png", 120, 80),
    "photo.webp": images("photo.webp", 120, 80),
    "scan.bmp": images("scan.bmp", 120, 80),
    "pages.tiff": images("pages.tiff", 200, 100, pages=3),
    "moving.gif": images("moving.gif", 200, 100, pages=3),
    "phone.heic": images("phone.heic", 160, 120),
    "invoice.pdf": Expected(2, A4, "Invoice 4711, page 1\fInvoice 4711, page 2", "pdf_text"),
    "order.eml": Expected(1, TEXT, "order 4711 attached", "email"),
    "notes.txt": Expected(
        2, TEXT, "Call back about order 4711.\nZażółć gęślą jaźń – Rechnung Nummer 4711", "text"
    ),
    "prices.csv": Expected(3, TEXT, "item;price\nScrew;0,12\nNut;0,05", "text"),
    "order.json": Expected(
        7, TEXT, '{\n  "order": 4711,\n  "items": [\n    "screw",\n    "nut"\n  ]\n}', "text"
    ),
    "order.xml": Expected(
        2,
        TEXT,
        '<?xml version="1.0"?>\n<order number="4711"><item>screw</item></order>',
        "text",
    ),
    "readme.md": Expected(4, TEXT, "# Order 4711\n\n- screw\n- nut", "text"),
}
OFFICE: dict[str, Expected] = {
    "offer.docx": Expected(1, A4_OFFICE, "Zażółć gęślą jaźń", "office"),
    "offer.odt": Expected(1, A4_OFFICE, "Offer 4711", "office"),
    "offer.rtf": Expected(1, A4_OFFICE, "Rechnung Nummer 4711", "office"),
    "prices.xlsx": Expected(1, {}, "Screw 4711", "office"),
    "prices.ods": Expected(1, {}, "Screw 4711", "office"),
    "slides.pptx": Expected(2, {}, "Slide 2: offer 4711", "office"),
}


async def run_jobs(runtime: Runtime) -> None:
    worker = runtime.worker(job_handlers(runtime))
    while await worker.run_once() is not None:
        pass


async def upload_sample(
    runtime: Runtime, ctx: TenantContext, name: str
) -> tuple[str, Preview, VersionText | None]:
    customer = await ctx.customer()
    document = await ctx.document(
        customer, "letter", filename=name, data=(SAMPLES / name).read_bytes()
    )
    await run_jobs(runtime)
    services = runtime.services()
    [[version]] = await services.documents.versions_of(ctx.principal, [document.id])
    [preview] = await services.documents.previews(ctx.principal, [version.id])
    texts = await PiccoloDocumentRepository().texts_of(ctx.tenant.id, [version.id])
    return document.id, preview, texts.get(version.id)


@pytest.fixture
async def ctx(runtime: Runtime) -> TenantContext:
    return await make_tenant_context(runtime)


def check(preview: Preview, text: VersionText | None, expected: Expected) -> None:
    assert (preview.state, preview.reason, preview.page_count) == ("ready", None, expected.pages)
    sizes = {r.kind: (r.width, r.height) for r in preview.renditions}
    if expected.sizes:
        assert sizes == expected.sizes
    else:  # a spreadsheet's or a slide's page size is LibreOffice's choice
        assert set(sizes) == {"thumbnail", "screen", "pdf"}
        assert (max(sizes["thumbnail"]), max(sizes["screen"])) == (320, 1600)
    assert text is not None
    assert (text.state, text.source, text.reason) == ("ready", expected.source, None)
    if expected.source == "ocr":
        assert [_squeezed(page) for page in text.text.split("\f")] == [
            _squeezed(page) for page in expected.text.split("\f")
        ]
        assert text.page_count == expected.pages
    elif expected.source in ("text", "pdf_text"):
        assert text.text == expected.text
    else:
        assert expected.text in text.text


def _squeezed(text: str) -> str:
    return "".join(text.split())


def test_the_samples_are_small_and_complete() -> None:
    files = {p.name for p in SAMPLES.iterdir() if p.suffix not in {".py", ".pyc", ""}}
    assert files == set(GOLDEN) | set(OFFICE)
    assert sum((SAMPLES / n).stat().st_size for n in files) < 2 << 20


@pytest.mark.parametrize("name", sorted(GOLDEN))
async def test_golden_sample(runtime: Runtime, ctx: TenantContext, name: str) -> None:
    _, preview, text = await upload_sample(runtime, ctx, name)
    check(preview, text, GOLDEN[name])


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(OFFICE))
async def test_golden_office_sample(runtime: Runtime, ctx: TenantContext, name: str) -> None:
    _, preview, text = await upload_sample(runtime, ctx, name)
    check(preview, text, OFFICE[name])
    pdf = next(r for r in preview.renditions if r.kind == "pdf")
    ref, data = await runtime.services().documents.rendition(ctx.principal, pdf.id)
    assert (ref.mime_type, data[:5]) == ("application/pdf", b"%PDF-")
