/**
 * Several photographed pages become one PDF: each page is a JPEG shown full-page (DCTDecode, so
 * the JPEG bytes go in unchanged). Enough PDF for the server's previews, text extraction and any
 * viewer; nothing else is written.
 */

export interface JpegPage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** The longer side of a page in points (A4's long side). */
const LONG_SIDE = 842;

export function jpegsToPdf(pages: readonly JpegPage[]): Uint8Array {
  if (pages.length === 0) throw new Error("a PDF needs at least one page");
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (chunk: Uint8Array | string): void => {
    const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
    chunks.push(bytes);
    length += bytes.length;
  };
  const object = (id: number, body: string, stream?: Uint8Array): void => {
    offsets[id] = length;
    push(`${id} 0 obj\n${body}\n`);
    if (stream) {
      push("stream\n");
      push(stream);
      push("\nendstream\n");
    }
    push("endobj\n");
  };

  push("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n");
  // objects: 1 catalog, 2 pages, then per page: page, contents, image
  const pageId = (i: number): number => 3 + i * 3;
  object(1, "<< /Type /Catalog /Pages 2 0 R >>");
  object(2, `<< /Type /Pages /Count ${pages.length} /Kids [${pages.map((_, i) => `${pageId(i)} 0 R`).join(" ")}] >>`);
  pages.forEach((page, i) => {
    const scale = LONG_SIDE / Math.max(page.width, page.height);
    const w = Math.round(page.width * scale * 100) / 100;
    const h = Math.round(page.height * scale * 100) / 100;
    const id = pageId(i);
    object(
      id,
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] /Resources << /XObject << /Im${i} ${id + 2} 0 R >> >> /Contents ${id + 1} 0 R >>`,
    );
    const content = encoder.encode(`q ${w} 0 0 ${h} 0 0 cm /Im${i} Do Q`);
    object(id + 1, `<< /Length ${content.length} >>`, content);
    object(
      id + 2,
      `<< /Type /XObject /Subtype /Image /Width ${page.width} /Height ${page.height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${page.data.length} >>`,
      page.data,
    );
  });
  const count = 3 + pages.length * 3;
  const xref = length;
  push(`xref\n0 ${count}\n0000000000 65535 f \n`);
  for (let id = 1; id < count; id++) push(`${String(offsets[id]).padStart(10, "0")} 00000 n \n`);
  push(`trailer\n<< /Size ${count} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);

  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Any image the browser can decode, as a JPEG page (at most `maxSide` pixels on its long side). */
export async function toJpegPage(file: Blob, maxSide = 2400): Promise<JpegPage> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  if (!context) throw new Error("no canvas");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const blob = await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("JPEG encoding failed"))), "image/jpeg", 0.85),
  );
  return { data: new Uint8Array(await blob.arrayBuffer()), width, height };
}
