import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { Repository } from "../data/repository";
import { IdbStore, type Catalog } from "../data/store";
import { openSyncDb } from "./db";
import { SyncClient } from "./client";
import { FakeServer, FakeTransport } from "./fake-server";
import type { PushLock } from "./coordination";
import { project, writeProjection } from "./projection";

let n = 0;
const soleTab: PushLock = { tryRun: (task) => task() };

const catalog = {
  me: { id: "u1", displayName: "Anna", actions: [] },
  tenant: { id: "t1", name: "Demo", locale: "en", coverFields: [{ key: "segment", label: "Segment", type: "text", required: false, choices: null }] },
  registers: [
    { id: "r-offers", key: "offers", name: "Offers", parentId: null, position: 1 },
    { id: "r-mail", key: "mail", name: "Mail", parentId: null, position: 2 },
  ],
  documentTypes: [{ id: "t-offer", key: "offer", name: "Offer", defaultRegisterKeys: [], fields: [] }],
} as unknown as Catalog;

/** A dossier as the server's feed gives it (the field names of backend/offline/fields.py). */
function dossier(server: FakeServer): void {
  server.write("customer", "c1", "c1", { name: "Acme", erp_number: "K-1", key_data: { segment: "A" }, status: "active" });
  server.write("address", "a1", "c1", { kind: "billing", label: "HQ", street: "Main 1", postal_code: "00-001", city: "Warsaw", country: "PL", latitude: 52.2, longitude: 21.0 });
  server.write("contact", "p1", "c1", { name: "Jan", role: "Buyer", email: "jan@example.com", phone: "+48 1" });
  server.write("document", "d1", "c1", {
    title: "Offer",
    document_date: "2026-11-01",
    status: "active",
    document_type_id: "t-offer",
    index_values: { number: "O-1" },
    created_at: "2026-11-01T08:00:00+00:00",
    updated_at: "2026-11-02T08:00:00+00:00",
    version_count: 2,
  });
  for (const [id, number, renditions] of [
    ["v1", 1, []],
    ["v2", 2, [
      { id: "th2", kind: "thumbnail", page: 1, width: 200, height: 280 },
      { id: "sc2", kind: "screen", page: 1, width: 1200, height: 1700 },
      { id: "sc2p2", kind: "screen", page: 2, width: 1200, height: 1700 },
    ]],
  ] as const) {
    server.write("version", id, "c1", { document_id: "d1", file_name: `offer-${number}.pdf`, media_type: "application/pdf", number, size: 1000 * number, preview: "ready", renditions: [...renditions] });
  }
  server.write("register_assignment", "d1/r-offers", "c1", { document_id: "d1", register_id: "r-offers" });
  server.write("document", "d2", "c1", { title: "Gone", document_date: "2026-10-01", status: "deleted" });
  server.write("lease", "c1/u1/tablet", "c1", { user_name: "Anna", device: "tablet", since: "2026-11-01T08:00:00+00:00", until: "2999-01-01T00:00:00+00:00", checked_in_at: null });
}

async function pulled(server: FakeServer): Promise<SyncClient> {
  const client = new SyncClient(await openSyncDb(`projection-${++n}`), new FakeTransport(server), { lock: soleTab, channel: null });
  await client.track("c1");
  await client.pull();
  return client;
}

describe("projecting a pinned dossier into the screens' store", () => {
  it("gives the customer, cover, register counts, documents with their current version and leases", async () => {
    const server = new FakeServer();
    dossier(server);
    const client = await pulled(server);
    const p = project("c1", await client.dossier("c1"), catalog, Date.parse("2026-11-29T00:00:00Z"));
    expect(p.customer).toMatchObject({ id: "c1", name: "Acme", erpNumber: "K-1", keyData: { segment: "A" } });
    expect(p.customer?.addresses).toEqual([
      { id: "a1", kind: "billing", label: "HQ", street: "Main 1", postalCode: "00-001", city: "Warsaw", country: "PL", latitude: 52.2, longitude: 21.0 },
    ]);
    expect(p.customer?.contacts).toEqual([{ id: "p1", name: "Jan", role: "Buyer", email: "jan@example.com", phone: "+48 1" }]);
    expect(p.dossier).toMatchObject({
      customerId: "c1",
      documentCount: 1,
      hasMore: false,
      coverFields: [{ key: "segment", label: "Segment", type: "text", value: "A" }],
      registers: [
        { registerId: "r-offers", key: "offers", count: 1 },
        { registerId: "r-mail", key: "mail", count: 0 },
      ],
    });
    expect(p.documents.map((d) => d.id)).toEqual(["d1"]); // the deleted one is not shown
    const [d1] = p.documents;
    expect(d1).toMatchObject({ title: "Offer", documentDate: "2026-11-01", documentTypeId: "t-offer", createdAt: "2026-11-01T08:00:00+00:00", registers: [{ id: "r-offers" }] });
    expect(d1?.currentVersion).toEqual({
      id: "v2",
      mimeType: "application/pdf",
      preview: {
        state: "READY",
        renditions: [
          { kind: "thumbnail", url: "/renditions/th2", width: 200, height: 280 },
          { kind: "screen", url: "/renditions/sc2", width: 1200, height: 1700 },
        ],
      },
    });
    expect(d1?.detail?.versions.map((v) => [v.number, v.viewUrl, v.size])).toEqual([
      [1, "/files/v1?inline=1", 1000],
      [2, "/files/v2?inline=1", 2000],
    ]);
    expect(d1?.detail).toMatchObject({ documentType: { id: "t-offer", name: "Offer" }, customer: { id: "c1", name: "Acme" }, versionCount: 2 });
    expect(d1?.detail?.versions[1]?.preview.pageCount).toBe(2);
    expect(p.leases).toEqual([{ userName: "Anna", device: "tablet", since: "2026-11-01T08:00:00+00:00", until: "2999-01-01T00:00:00+00:00" }]);
  });

  it("shows a pending edit of this device, and the next pull's changes and removals", async () => {
    const server = new FakeServer();
    dossier(server);
    const client = await pulled(server);
    await client.edit("document", "d1", "c1", { title: "Offer (signed)" });
    expect(project("c1", await client.dossier("c1"), catalog).documents[0]?.title).toBe("Offer (signed)");
    server.remove("register_assignment", "d1/r-offers");
    server.remove("contact", "p1");
    await client.sync();
    const p = project("c1", await client.dossier("c1"), catalog);
    expect(p.documents[0]?.registers).toEqual([]);
    expect(p.dossier.registers[0]).toMatchObject({ key: "offers", count: 0 });
    expect(p.customer?.contacts).toEqual([]);
  });

  it("is what the repository reads offline, and replaces documents the dossier no longer has", async () => {
    const server = new FakeServer();
    dossier(server);
    const client = await pulled(server);
    const store = await IdbStore.open(`projection-store-${n}`);
    await store.putDocuments([{ ...(project("c1", await client.dossier("c1"), catalog).documents[0]!), id: "stale", title: "Stale" }]);
    expect(await writeProjection(store, project("c1", await client.dossier("c1"), catalog))).toBe(true);
    const repo = new Repository(store, async () => {
      throw new Error("offline");
    });
    const local = await repo.dossier("c1");
    expect(local?.customer.name).toBe("Acme");
    expect(local?.documents.map((d) => d.id)).toEqual(["d1"]);
    expect((await repo.document("d1"))?.detail?.versions.at(-1)?.id).toBe("v2");
  });

  it("writes nothing before the customer itself has arrived", async () => {
    const store = await IdbStore.open(`projection-store-empty-${++n}`);
    expect(await writeProjection(store, project("c9", [], catalog))).toBe(false);
    expect(await store.dossier("c9")).toBeUndefined();
  });
});
