import { describe, expect, it } from "vitest";
import { pageUrl, pageViews, type VersionDetail } from "./pages";

function version(pageCount: number, listed: number, rendered: number, state = "READY"): VersionDetail {
  return {
    id: "v 1",
    number: 1,
    filename: "a.pdf",
    mimeType: "application/pdf",
    size: 10,
    comment: "",
    createdAt: "2026-11-29T00:00:00Z",
    downloadUrl: "/files/v",
    viewUrl: "/files/v?inline=1",
    createdBy: null,
    preview: { state, reason: null, pageCount, renditions: [] },
    pages: Array.from({ length: listed }, (_, i) => ({
      number: i + 1,
      width: i === 1 ? 1600 : 1132,
      height: i === 1 ? 1132 : 1600,
      url: pageUrl("v 1", i + 1),
      rendition: i < rendered ? { url: `/renditions/r${i + 1}` } : null,
    })),
  } as VersionDetail;
}

describe("pageViews", () => {
  it("lists every page, rendered ones from their rendition and the rest on demand", () => {
    const views = pageViews(version(5, 5, 3));
    expect(views.map((v) => [v.number, v.src, v.rendered])).toEqual([
      [1, "/renditions/r1", true],
      [2, "/renditions/r2", true],
      [3, "/renditions/r3", true],
      [4, "/renditions/versions/v%201/pages/4", false],
      [5, "/renditions/versions/v%201/pages/5", false],
    ]);
  });

  it("keeps each page's own proportions so nothing shifts when an image arrives", () => {
    const [first, second] = pageViews(version(2, 2, 0));
    expect([first!.width, first!.height]).toEqual([1132, 1600]);
    expect([second!.width, second!.height]).toEqual([1600, 1132]);
  });

  it("sizes pages beyond the listed ones like the last listed page", () => {
    const views = pageViews(version(150, 100, 3));
    expect(views).toHaveLength(150);
    expect(views[149]).toEqual({
      number: 150,
      src: "/renditions/versions/v%201/pages/150",
      width: 1132,
      height: 1600,
      rendered: false,
    });
  });

  it("shows no pages before the preview is ready or for files without pages", () => {
    expect(pageViews(version(3, 3, 1, "PENDING"))).toEqual([]);
    expect(pageViews(version(1, 0, 0))).toEqual([]);
  });
});
