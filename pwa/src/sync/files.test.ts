import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { openSyncDb } from "./db";
import { document, MemoryCache, server } from "./fake-files";
import { bytesOf, dropFiles, filePlan, keepFiles, keptFiles, trimToBudget } from "./files";

let n = 0;

describe("the files of a pinned dossier", () => {
  it("plans every thumbnail first, then screen and file per document, newest first", () => {
    const plan = filePlan([document("old", "2026-01-01T00:00:00Z", 5), document("new", "2026-11-01T00:00:00Z", 5)]);
    expect(plan.map((p) => [p.kind, p.documentId])).toEqual([
      ["thumbnail", "new"],
      ["thumbnail", "old"],
      ["screen", "new"],
      ["file", "new"],
      ["screen", "old"],
      ["file", "old"],
    ]);
    expect(plan.find((p) => p.kind === "file")).toMatchObject({ url: "/files/v-new?inline=1", size: 5 });
  });

  it("keeps what the budget allows, newest documents first, and does not fetch them again", async () => {
    const db = await openSyncDb(`files-${++n}`);
    const cache = new MemoryCache() as unknown as Cache;
    const docs = [document("a", "2026-01-01T00:00:00Z", 10_000), document("b", "2026-02-01T00:00:00Z", 10_000), document("c", "2026-03-01T00:00:00Z", 10_000)];
    const net = server();
    // Room for three thumbnails (300) and two documents' screen and file (2 × 11,000), not a third.
    const record = await keepFiles(db, "c1", docs, { budget: 23_000, fetcher: net.fetcher, cache, parallel: 1 });
    const kept = Object.entries(record.files).map(([url, f]) => [f.kind, f.documentId, url.startsWith("/files/") ? 10_000 : f.bytes]);
    expect(kept.filter(([kind]) => kind === "thumbnail").length).toBe(3);
    expect(kept.filter(([kind]) => kind === "file").map(([, id]) => id)).toEqual(["c", "b"]);
    expect(record.skipped).toBe(2); // the oldest document's screen and file
    expect(bytesOf(record)).toBe(300 + 2 * 11_000);
    expect((cache as unknown as MemoryCache).entries.size).toBe(7);

    net.asked.length = 0;
    await keepFiles(db, "c1", docs, { budget: 23_000, fetcher: net.fetcher, cache, parallel: 1 });
    expect(net.asked).toEqual([]); // the budget is still spent: nothing new fetched
  });

  it("counts the other pinned dossiers against the budget", async () => {
    const db = await openSyncDb(`files-${++n}`);
    const cache = new MemoryCache() as unknown as Cache;
    const net = server();
    await keepFiles(db, "c0", [document("x", "2026-01-01T00:00:00Z", 10_000)], { budget: 100_000, fetcher: net.fetcher, cache });
    const record = await keepFiles(db, "c1", [document("a", "2026-01-01T00:00:00Z", 10_000)], { budget: 11_200, fetcher: net.fetcher, cache });
    expect(Object.values(record.files).map((f) => f.kind)).toEqual(["thumbnail"]);
  });

  it("stops at the first failed request and keeps what arrived; unpinning drops it all", async () => {
    const db = await openSyncDb(`files-${++n}`);
    const cache = new MemoryCache() as unknown as Cache;
    const docs = [document("a", "2026-01-01T00:00:00Z", 10_000), document("b", "2026-02-01T00:00:00Z", 10_000)];
    // The thumbnails in one request, then the newest document's screen image and file.
    const record = await keepFiles(db, "c1", docs, { budget: 1e9, fetcher: server(3).fetcher, cache, parallel: 1 });
    expect(Object.keys(record.files).length).toBe(4);
    expect(await keptFiles(db, "c1")).toEqual(record);
    await dropFiles(db, "c1", cache);
    expect((cache as unknown as MemoryCache).entries.size).toBe(0);
    expect(await keptFiles(db, "c1")).toBeUndefined();
  });

  it("fetches thumbnails many to a request, and one by one from a server without bundles", async () => {
    const db = await openSyncDb(`files-${++n}`);
    const cache = new MemoryCache() as unknown as Cache;
    const docs = Array.from({ length: 150 }, (_, i) => document(`d${i}`, `2026-01-01T00:00:${String(i % 60).padStart(2, "0")}Z`, 10));
    docs.push({ ...document("missing", "2025-01-01T00:00:00Z", 10) });
    const net = server();
    const record = await keepFiles(db, "c1", docs, { budget: 150 * 100 + 10, fetcher: net.fetcher, cache });
    expect(net.asked.filter((url) => url.startsWith("/renditions?ids=")).length).toBe(2);
    expect(net.asked.filter((url) => url.startsWith("/renditions/th-"))).toEqual([]);
    expect(Object.values(record.files).filter((f) => f.kind === "thumbnail").length).toBe(150);
    expect(record.skipped).toBe(1 + 2 * 151); // the missing thumbnail; no room for screens and files
    const thumb = (cache as unknown as MemoryCache).entries.get("/renditions/th-d0");
    expect([thumb?.headers.get("content-type"), (await thumb?.arrayBuffer())?.byteLength]).toEqual(["image/webp", 100]);

    const old = server(Infinity, { bundles: false });
    const again = await keepFiles(await openSyncDb(`files-${++n}`), "c1", docs.slice(0, 3), { budget: 1e9, fetcher: old.fetcher, cache: new MemoryCache() as unknown as Cache });
    expect(Object.keys(again.files).length).toBe(9);
    expect(old.asked.filter((url) => url.startsWith("/renditions/th-")).length).toBe(3);
  });

  it("drops files of documents the dossier no longer has", async () => {
    const db = await openSyncDb(`files-${++n}`);
    const cache = new MemoryCache() as unknown as Cache;
    const net = server();
    await keepFiles(db, "c1", [document("a", "2026-01-01T00:00:00Z", 10), document("b", "2026-02-01T00:00:00Z", 10)], { fetcher: net.fetcher, cache, budget: 1e9 });
    const record = await keepFiles(db, "c1", [document("b", "2026-02-01T00:00:00Z", 10)], { fetcher: net.fetcher, cache, budget: 1e9 });
    expect(new Set(Object.values(record.files).map((f) => f.documentId))).toEqual(new Set(["b"]));
    expect([...(cache as unknown as MemoryCache).entries.keys()].some((url) => url.includes("-a"))).toBe(false);
  });
});

describe("a lowered storage budget", () => {
  it("drops files and screen images of the oldest documents first, across dossiers, thumbnails last", async () => {
    const db = await openSyncDb(`files-${++n}`);
    const cache = new MemoryCache() as unknown as Cache;
    const net = server();
    const first = [document("a-old", "2026-01-01T00:00:00Z", 10_000), document("a-new", "2026-06-01T00:00:00Z", 10_000)];
    const second = [document("b-mid", "2026-03-01T00:00:00Z", 10_000)];
    await keepFiles(db, "c1", first, { budget: 1e9, fetcher: net.fetcher, cache });
    await keepFiles(db, "c2", second, { budget: 1e9, fetcher: net.fetcher, cache });
    const dossiers = new Map([["c1", first], ["c2", second]]);
    expect(await trimToBudget(db, dossiers, 1e9, cache)).toBe(0); // within the budget: nothing goes

    // 3 × 11,100 kept; 23,000 leaves room for two documents' files: the oldest one's go.
    expect(await trimToBudget(db, dossiers, 23_000, cache)).toBe(2);
    const kinds = async (customerId: string) =>
      Object.values((await keptFiles(db, customerId))?.files ?? {}).map((f) => `${f.kind}:${f.documentId}`).sort();
    expect(await kinds("c1")).toEqual(["file:a-new", "screen:a-new", "thumbnail:a-new", "thumbnail:a-old"]);
    expect(await kinds("c2")).toEqual(["file:b-mid", "screen:b-mid", "thumbnail:b-mid"]);
    expect((await keptFiles(db, "c1"))?.skipped).toBe(2);
    expect((cache as unknown as MemoryCache).entries.has("/files/v-a-old?inline=1")).toBe(false);

    // Room for the thumbnails only: every file and screen image goes, the thumbnails stay.
    await trimToBudget(db, dossiers, 300, cache);
    expect(await kinds("c1")).toEqual(["thumbnail:a-new", "thumbnail:a-old"]);
    expect(await kinds("c2")).toEqual(["thumbnail:b-mid"]);
    expect((cache as unknown as MemoryCache).entries.size).toBe(3);

    // Less than that: the oldest thumbnails go too.
    await trimToBudget(db, dossiers, 150, cache);
    expect([...(await kinds("c1")), ...(await kinds("c2"))]).toEqual(["thumbnail:a-new"]);
  });
});
