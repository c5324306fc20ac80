/**
 * Test doubles for the files of pinned dossiers: Cache Storage's part the files use, in memory
 * (happy-dom has none), a server answering every file URL, and a document with all three files.
 */
import type { StoredDocument } from "../data/store";
import { BUNDLE_TYPE } from "./files";

/** A document with a thumbnail, a screen image and a file of `size` bytes. */
export function document(id: string, createdAt: string, size: number): StoredDocument {
  const renditions = [
    { kind: "thumbnail", url: `/renditions/th-${id}`, width: 10, height: 10 },
    { kind: "screen", url: `/renditions/sc-${id}`, width: 100, height: 100 },
  ];
  const version = { id: `v-${id}`, mimeType: "application/pdf", preview: { state: "READY" as const, renditions } };
  return {
    id,
    title: id,
    documentDate: createdAt.slice(0, 10),
    status: "active",
    revision: 1,
    customerId: "c1",
    documentTypeId: "t",
    indexValues: {},
    createdAt,
    registers: [],
    currentVersion: version,
    detail: { versions: [{ ...version, viewUrl: `/files/v-${id}?inline=1`, size }] } as unknown as StoredDocument["detail"],
  };
}

/** Cache Storage's part the files use, in memory (happy-dom has none). */
export class MemoryCache {
  readonly entries = new Map<string, Response>();
  async put(url: string, response: Response): Promise<void> {
    this.entries.set(url, response);
  }
  async delete(url: string): Promise<boolean> {
    return this.entries.delete(url);
  }
}

/**
 * The server: every URL answers `size` bytes (thumbnails 100, screens 1,000), counting requests;
 * `/renditions?ids=…` answers a bundle of those (none without `bundles`: an older server).
 */
export function server(offlineAfter = Infinity, { bundles = true } = {}) {
  const asked: string[] = [];
  const fetcher = (async (input: RequestInfo | URL) => {
    const url = String(input);
    if (asked.length >= offlineAfter) throw new TypeError("Failed to fetch");
    asked.push(url);
    if (url.startsWith("/renditions?ids=")) {
      if (!bundles) return new Response("not found", { status: 404 });
      const ids = url.slice("/renditions?ids=".length).split(",").map(decodeURIComponent);
      const found = ids.filter((id) => !id.includes("missing"));
      const sizes = found.map((id) => (id.startsWith("th-") ? 100 : 1_000));
      const head = new TextEncoder().encode(JSON.stringify(found.map((id, i) => ({ id, type: "image/webp", size: sizes[i] }))) + "\n");
      return new Response(new Blob([head, ...sizes.map((size) => new Uint8Array(size))]), { headers: { "content-type": BUNDLE_TYPE } });
    }
    const size = url.startsWith("/files/") ? 10_000 : url.includes("/th-") ? 100 : 1_000;
    return new Response(new Uint8Array(size), { headers: { "content-type": "application/octet-stream" } });
  }) as typeof fetch;
  return { asked, fetcher };
}

