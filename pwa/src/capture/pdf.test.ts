import { expect, it } from "vitest";
import { jpegsToPdf } from "./pdf";

const text = (bytes: Uint8Array): string => new TextDecoder("latin1").decode(bytes);

it("writes one page per JPEG with a correct cross-reference table", () => {
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
  const pdf = jpegsToPdf([
    { data: jpeg, width: 600, height: 800 },
    { data: jpeg, width: 800, height: 600 },
  ]);
  const body = text(pdf);
  expect(body.startsWith("%PDF-1.4")).toBe(true);
  expect(body.trimEnd().endsWith("%%EOF")).toBe(true);
  expect(body).toContain("/Count 2");
  expect(body.match(/\/Subtype \/Image/g)).toHaveLength(2);
  expect(body).toContain("/MediaBox [0 0 631.5 842]");
  // every xref entry points at "N 0 obj"
  const xref = Number(/startxref\n(\d+)/.exec(body)?.[1]);
  const entries = body.slice(xref).split("\n").slice(3, 3 + 8);
  entries.forEach((line, i) => {
    const offset = Number(line.slice(0, 10));
    expect(body.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
  });
});

it("refuses to write a PDF without pages", () => {
  expect(() => jpegsToPdf([])).toThrow();
});
