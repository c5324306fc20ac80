import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { Repository } from "../data/repository";
import { IdbStore } from "../data/store";
import { openSyncDb } from "./db";
import { SyncClient } from "./client";
import { FakeServer, FakeTransport } from "./fake-server";
import { MemoryCache, server as fileServer } from "./fake-files";
import type { PushLock } from "./coordination";
import type { PushRequest } from "./protocol";
import { LEASE_SECONDS, Pinning } from "./pinning";

let n = 0;
const soleTab: PushLock = { tryRun: (task) => task() };

async function setup() {
  const server = new FakeServer();
  server.write("customer", "c1", "c1", { name: "Acme", erp_number: "K-1", key_data: {} });
  server.write("document", "d1", "c1", { title: "Offer", document_date: "2026-11-01", status: "active", created_at: "2026-11-01T08:00:00Z" });
  server.write("version", "v1", "c1", {
    document_id: "d1",
    file_name: "offer.pdf",
    media_type: "application/pdf",
    number: 1,
    size: 10_000,
    preview: "ready",
    renditions: [{ id: "th1", kind: "thumbnail", page: 1, width: 10, height: 10 }],
  });
  const transport = new FakeTransport(server);
  const sent: string[] = [];
  const push = transport.push.bind(transport);
  transport.push = (request: PushRequest) => (sent.push(...request.mutations.map((m) => `${m.kind}:${m.entity_id}`)), push(request));
  const client = new SyncClient(await openSyncDb(`pinning-${++n}`), transport, { lock: soleTab, channel: null });
  const store = await IdbStore.open(`pinning-store-${n}`);
  const repo = new Repository(store, async () => {
    throw new Error("no GraphQL here");
  });
  let persisted = 0;
  const cache = new MemoryCache();
  const files = fileServer();
  const options = { cache: cache as unknown as Cache, fetcher: files.fetcher, budget: 1e9 };
  const pinning = new Pinning(client, repo, async () => (persisted++, true), options);
  return { server, client, store, pinning, sent, cache, files, options, persisted: () => persisted };
}

describe("pinning a dossier", () => {
  it("checks it out, pulls it into the screens' store with its files; unpinning checks in and drops it", async () => {
    const { client, store, pinning, sent, cache, persisted } = await setup();
    await pinning.pin("c1");
    await pinning.refresh();
    expect(sent).toEqual(["checkout:c1"]);
    expect(persisted()).toBe(1);
    expect(await pinning.isPinned("c1")).toBe(true);
    expect((await store.customer("c1"))?.name).toBe("Acme");
    expect((await store.document("d1"))?.detail?.versions[0]?.viewUrl).toBe("/files/v1?inline=1");
    expect([...cache.entries.keys()].sort()).toEqual(["/files/v1?inline=1", "/renditions/th1"]);
    expect(await pinning.usage()).toEqual([{ customerId: "c1", name: "Acme", documents: 1, files: 2, bytes: 11_000, skipped: 0 }]);

    await pinning.unpin("c1");
    expect(sent).toEqual(["checkout:c1", "checkin:c1"]);
    expect(await pinning.isPinned("c1")).toBe(false);
    expect(cache.entries.size).toBe(0);
    expect(await pinning.usage()).toEqual([]);
    expect((await client.status()).waiting).toBe(0);
  });

  it("drops what no longer fits when the budget is lowered, and fetches it again when raised", async () => {
    const { pinning, cache, files, options } = await setup();
    await pinning.pin("c1");
    await pinning.refresh();
    expect(cache.entries.size).toBe(2);
    options.budget = 5_000; // the user chose less storage than the kept file needs
    await pinning.refresh();
    expect([...cache.entries.keys()]).toEqual(["/renditions/th1"]);
    expect((await pinning.usage())[0]).toMatchObject({ files: 1, skipped: 1 });
    files.asked.length = 0;
    options.budget = 1e9;
    await pinning.refresh();
    expect(files.asked).toEqual(["/files/v1?inline=1"]);
    expect(cache.entries.size).toBe(2);
  });

  it("asks the browser to keep the storage on the first pin only", async () => {
    const { server, pinning, persisted } = await setup();
    server.write("customer", "c2", "c2", { name: "Beta" });
    await pinning.pin("c1");
    await pinning.pin("c2");
    expect(persisted()).toBe(1);
  });

  it("pins the day's dossiers in one go, each checked out once, with one sync", async () => {
    const { server, client, store, pinning, sent } = await setup();
    server.write("customer", "c2", "c2", { name: "Beta" });
    server.write("customer", "c3", "c3", { name: "Gamma" });
    await pinning.pin("c1");
    let syncs = 0;
    const sync = client.sync.bind(client);
    client.sync = () => (syncs++, sync());
    expect(await pinning.pinAll(["c2", "c1", "c3", "c2"])).toBe(2);
    await pinning.refresh();
    expect(syncs).toBe(1);
    expect(sent).toEqual(["checkout:c1", "checkout:c2", "checkout:c3"]);
    expect((await pinning.pinned()).sort()).toEqual(["c1", "c2", "c3"]);
    expect((await store.customer("c3"))?.name).toBe("Gamma");
    expect(await pinning.pinAll(["c1", "c3"])).toBe(0); // nothing new: no sync either
    expect(syncs).toBe(1);
  });

  it("drops the pin and files of a dossier the server evicted", async () => {
    const { server, client, pinning, cache } = await setup();
    await pinning.pin("c1");
    await pinning.refresh();
    server.remove("customer", "c1");
    await client.pull();
    await pinning.refresh();
    expect(await pinning.pinned()).toEqual([]);
    expect(cache.entries.size).toBe(0);
  });

  it("fetches thumbnails while the pull goes on, and the rest once the dossier is in", async () => {
    const { server, client, store, pinning, cache, files } = await setup();
    // A second dossier still being pulled when the first one's entities are all in.
    server.write("customer", "c2", "c2", { name: "Beta" });
    for (let i = 0; i < 6; i++) server.write("document", `e${i}`, "c2", { title: `E${i}`, document_date: "2026-11-02", status: "active" });
    server.pageLimit = 3;
    let storedWhenThumbnailsCame: number | null = null;
    let secondStillPulling: boolean | null = null;
    const fetcher = files.fetcher;
    const watched = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).startsWith("/renditions?ids=") && storedWhenThumbnailsCame === null) {
        storedWhenThumbnailsCame = (await store.documentsOf("c1")).length;
        secondStillPulling = (await client.db.get("cursors", "c2")) === 0;
      }
      return fetcher(input, init);
    }) as typeof fetch;
    files.fetcher = watched;
    Object.assign(pinning as unknown as { files: object }, { files: { cache, fetcher: watched, budget: 1e9 } });
    await pinning.pinAll(["c1", "c2"]);
    await pinning.refresh();
    // The thumbnail came while the other dossier was still being pulled, and the screens' store
    // had none of the dossier's documents yet (it gets them after the whole pull).
    expect([secondStillPulling, storedWhenThumbnailsCame]).toEqual([true, 0]);
    expect([...cache.entries.keys()].sort()).toEqual(["/files/v1?inline=1", "/renditions/th1"]);
    expect((await store.documentsOf("c1")).length).toBe(1);
    expect((await store.documentsOf("c2")).length).toBe(6);
  });

  it("renews a check-out once half of it has passed", async () => {
    const { pinning, sent, client } = await setup();
    await pinning.pin("c1");
    await pinning.renewDue(Date.now() + 1000);
    await pinning.renewDue(Date.now() + (LEASE_SECONDS * 1000) / 2 + 60_000);
    await client.push();
    expect(sent).toEqual(["checkout:c1", "renew:c1"]);
  });
});
