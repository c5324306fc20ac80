/**
 * The pages a document version shows: one entry per page of a PDF (or converted office file),
 * with the size its image has so the view reserves the right space before it loads. Pages the
 * server rendered already point at their rendition; the others at the page route, which renders
 * them on demand. Both live under /renditions/, which the service worker keeps for offline use.
 */
import type { DocumentDetail } from "./store";

export type VersionDetail = DocumentDetail["versions"][number];

export interface PageView {
  number: number;
  src: string;
  width: number;
  height: number;
  /** Whether the server has the image already (else asking for it renders it). */
  rendered: boolean;
}

/** Beyond the pages the document query lists, pages are asked for by this route. */
export function pageUrl(versionId: string, page: number): string {
  return `/renditions/versions/${encodeURIComponent(versionId)}/pages/${page}`;
}

/**
 * All pages of ``version`` in order; empty when it has no paged preview. Pages beyond those the
 * query listed take the size of the last listed page (documents rarely change format midway).
 */
export function pageViews(version: VersionDetail): PageView[] {
  const count = version.preview.state === "READY" ? (version.preview.pageCount ?? 0) : 0;
  const listed = version.pages ?? [];
  if (!listed.length || count < 1) return [];
  const views: PageView[] = [];
  for (let number = 1; number <= count; number++) {
    const entry = listed[number - 1];
    const like = entry ?? listed[listed.length - 1]!;
    views.push({
      number,
      src: entry ? (entry.rendition?.url ?? entry.url) : pageUrl(version.id, number),
      width: like.width,
      height: like.height,
      rendered: Boolean(entry?.rendition),
    });
  }
  return views;
}
