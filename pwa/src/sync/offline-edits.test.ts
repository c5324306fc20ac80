import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { Repository } from "../data/repository";
import { IdbStore, type Customer, type StoredDocument } from "../data/store";
import { openSyncDb } from "./db";
import { SyncClient } from "./client";
import { FakeServer, FakeTransport } from "./fake-server";
import { MemoryCache, server as fileServer } from "./fake-files";
import type { PushLock } from "./coordination";
import { Pinning } from "./pinning";
import { captureDrafts, customerDraft, documentDraft, editedCustomer, OfflineEdits, type CaptureInput } from "./offline-edits";

let n = 0;
const soleTab: PushLock = { tryRun: (task) => task() };

const customer: Customer = {
  id: "c1",
  erpNumber: "K-1",
  name: "Acme",
  status: "active",
  keyData: { segment: "A", payment_terms: "30 days" },
  revision: 1,
  updatedAt: "",
  addresses: [],
  contacts: [],
};

const document: StoredDocument = {
  id: "d1",
  title: "Offer",
  documentDate: "2026-11-01",
  status: "active",
  revision: 1,
  customerId: "c1",
  documentTypeId: "t1",
  indexValues: { amount: 10, number: "A-1" },
  createdAt: "2026-11-01T08:00:00Z",
  registers: [],
  currentVersion: null,
};

function capture(overrides: Partial<CaptureInput> = {}): CaptureInput {
  return {
    customerId: "c1",
    documentTypeId: "t1",
    title: "Delivery note",
    documentDate: null,
    indexValues: { number: "L-7", empty: null },
    registerIds: ["r1", "r3"],
    defaultRegisterIds: ["r1", "r2"],
    file: new Blob([new Uint8Array([1, 2, 3, 4])], { type: "image/jpeg" }),
    fileName: "scan.jpg",
    ...overrides,
  };
}

describe("drafts on the shown values", () => {
  it("a customer edit sends the shown name and key data as base, key data per key", () => {
    const draft = customerDraft(customer, { name: "Acme GmbH", keyData: { payment_terms: "14 days", segment: null } });
    expect(draft).toEqual({
      kind: "update",
      entity: "customer",
      entity_id: "c1",
      customer_id: "c1",
      base: { name: "Acme", key_data: { segment: "A", payment_terms: "30 days" } },
      patch: { name: "Acme GmbH", key_data: { payment_terms: "14 days" } },
    });
    expect(editedCustomer(customer, { keyData: { segment: "B" } }).keyData).toEqual({ segment: "B", payment_terms: "30 days" });
    expect(customerDraft(customer, { name: "Acme" })).toBeNull();
  });

  it("a document edit patches only what changed", () => {
    expect(documentDraft(document, { title: "Offer 2", indexValues: { amount: 12 } })).toEqual({
      kind: "update",
      entity: "document",
      entity_id: "d1",
      customer_id: "c1",
      base: { title: "Offer", index_values: { amount: 10, number: "A-1" } },
      patch: { title: "Offer 2", index_values: { amount: 12, number: "A-1" } },
    });
    expect(documentDraft(document, { documentDate: "2026-11-01" })).toBeNull();
  });

  it("a capture is a new document by hash, dated today, with its register changes", () => {
    const drafts = captureDrafts("d9", capture(), "ab".repeat(32), new Date(2026, 10, 29, 12));
    expect(drafts.map((d) => `${d.kind}:${d.entity}:${d.entity_id}`)).toEqual([
      "create:document:d9",
      "create:register_assignment:d9/r3",
      "delete:register_assignment:d9/r2",
    ]);
    expect(drafts[0]?.patch).toEqual({
      file_name: "scan.jpg",
      media_type: "image/jpeg",
      title: "Delivery note",
      document_type_id: "t1",
      document_date: "2026-11-29",
      index_values: { number: "L-7" },
    });
    expect(drafts[0]?.blob_sha256).toBe("ab".repeat(32));
  });
});

async function setup(online = true) {
  const server = new FakeServer();
  server.write("customer", "c1", "c1", { name: "Acme", erp_number: "K-1", key_data: { segment: "A", payment_terms: "30 days" } });
  server.write("document", "d1", "c1", { title: "Offer", document_date: "2026-11-01", status: "active", document_type_id: "t1", index_values: { amount: 10 } });
  const transport = new FakeTransport(server);
  const client = new SyncClient(await openSyncDb(`offline-edits-${++n}`), transport, { lock: soleTab, channel: null });
  const store = await IdbStore.open(`offline-edits-store-${n}`);
  const refreshed: string[] = [];
  const repo = new Repository(store, async (query: string, variables?: object) => {
    refreshed.push(query.includes("dossier(") ? "dossier" : "other");
    void variables;
    throw new Error("no GraphQL here");
  });
  const pinning = new Pinning(client, repo, async () => true, { cache: new MemoryCache() as unknown as Cache, fetcher: fileServer().fetcher, budget: 1e9 });
  const state = { online };
  const edits = new OfflineEdits(client, repo, pinning, () => state.online);
  return { server, transport, client, store, repo, pinning, edits, state, refreshed };
}

describe("edits through the outbox", () => {
  it("queue when offline or pinned, not when online and unpinned", async () => {
    const { edits, pinning, state } = await setup(true);
    expect(await edits.queues("c1")).toBe(false);
    state.online = false;
    expect(await edits.queues("c1")).toBe(true);
    state.online = true;
    await pinning.pin("c1");
    expect(await edits.queues("c1")).toBe(true);
  });

  it("a pinned dossier's edit shows at once, merges with a colleague's change and conflicts on the same field", async () => {
    const { server, client, store, pinning, edits, transport } = await setup(true);
    await pinning.pin("c1");
    await pinning.refresh();
    const shown = (await store.customer("c1")) as Customer;
    expect(shown.name).toBe("Acme");

    transport.fallback = "down"; // no connection
    await edits.editCustomer(shown, { name: "Acme (mine)", keyData: { payment_terms: "14 days" } });
    expect((await store.customer("c1"))?.name).toBe("Acme (mine)");
    expect((await store.customer("c1"))?.keyData).toEqual({ segment: "A", payment_terms: "14 days" });

    // Meanwhile a colleague, online: the same field and another one.
    server.write("customer", "c1", "c1", { name: "Acme (theirs)", key_data: { segment: "B", payment_terms: "30 days" } });
    transport.fallback = "none";
    await client.sync();
    await pinning.refresh();
    expect(server.fields("customer", "c1")).toEqual({
      name: "Acme (theirs)",
      erp_number: "K-1",
      key_data: { segment: "B", payment_terms: "14 days" },
    });
    const conflicts = await client.conflicts("c1");
    expect(conflicts.map((c) => [c.field, c.mine, c.theirs])).toEqual([["name", "Acme (mine)", "Acme (theirs)"]]);
    expect((await store.customer("c1"))?.keyData).toEqual({ segment: "B", payment_terms: "14 days" });

    const [conflict] = conflicts;
    if (!conflict) throw new Error("no conflict");
    await client.resolve(conflict, "keep_mine");
    await client.sync();
    await pinning.refresh();
    expect(server.fields("customer", "c1")?.["name"]).toBe("Acme (mine)");
    expect((await store.customer("c1"))?.name).toBe("Acme (mine)");
  });

  it("an unpinned dossier's offline edit shows at once and is read again from the server once sent", async () => {
    const { server, client, store, edits, state, refreshed } = await setup(false);
    await store.putCustomers([customer]);
    await store.putDossier({
      customerId: "c1",
      documentCount: 1,
      coverFields: [{ key: "payment_terms", label: "Terms", type: "text", value: "30 days" }],
      registers: [],
      hasMore: false,
      syncedAt: 0,
    });
    await store.putDocuments([document]);
    await edits.editCustomer(customer, { keyData: { payment_terms: "14 days" } });
    expect((await store.dossier("c1"))?.coverFields[0]?.value).toBe("14 days");
    await edits.editDocument(document, { title: "Offer 2" });
    expect((await store.document("d1"))?.title).toBe("Offer 2");

    state.online = true;
    await client.sync();
    expect(server.fields("document", "d1")?.["title"]).toBe("Offer 2");
    expect(server.fields("customer", "c1")?.["key_data"]).toEqual({ segment: "A", payment_terms: "14 days" });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(refreshed).toContain("dossier"); // the server's state replaces the optimistic one
  });

  it("a capture keeps its file, shows in the dossier at once and arrives once", async () => {
    const { server, client, store, edits, transport } = await setup(false);
    transport.fallback = "down";
    const id = await edits.capture(capture({ registerIds: ["r1", "r2"] }));
    const listed = await store.documentsOf("c1");
    expect(listed.map((d) => d.id)).toEqual([id]);
    expect(listed[0]?.title).toBe("Delivery note");
    expect((await client.outbox.blobsToUpload()).map((b) => b.size)).toEqual([4]);

    await client.sync(); // no connection: nothing lost
    expect(server.fields("document", id)).toBeUndefined();
    transport.fallback = "none";
    await client.sync();
    await client.sync();
    expect(server.fields("document", id)?.["title"]).toBe("Delivery note");
    expect(server.applied.length).toBe(1);
    expect([...server.complete]).toHaveLength(1);
    expect(await client.outbox.pending()).toEqual([]);
    expect(await client.db.count("blobs")).toBe(0);
  });

  it("an offline view is a view mutation with the device's time", async () => {
    const { server, client, edits } = await setup(false);
    await edits.viewed("d1", "c1");
    const [item] = await client.outbox.pending();
    expect(item?.mutation.kind).toBe("view");
    expect(item?.mutation.device_time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await client.sync();
    expect(server.views).toEqual(["d1"]);
  });
});
