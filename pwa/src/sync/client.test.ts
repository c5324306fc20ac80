import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { openSyncDb } from "./db";
import { SyncClient } from "./client";
import { FakeServer, FakeTransport, seeded } from "./fake-server";
import { checkin, checkout, documentView, newDocument, sha256Hex } from "./mutations";
import { same, type JsonObject } from "./merge";
import type { PushLock } from "./coordination";
import { PROTOCOL_VERSION, type PullRequest } from "./protocol";

let n = 0;
/** Each test its own database; one tab, so the lock is trivial. */
const soleTab: PushLock = { tryRun: (task) => task() };

async function setup(server = new FakeServer(), name = `client-test-${++n}`) {
  const transport = new FakeTransport(server);
  const client = new SyncClient(await openSyncDb(name), transport, { lock: soleTab, channel: null });
  return { server, transport, client, name };
}

function dossier(server: FakeServer): void {
  server.write("customer", "c1", "c1", { name: "Acme", erp_number: "K-1", key_data: { segment: "A" } });
  server.write("document", "d1", "c1", { title: "Offer", document_date: "2026-11-01", index_values: { amount: 100, number: "O-1" } });
}

describe("the sync client", () => {
  it("asks nothing (not even who is signed in) while nothing is queued or pinned", async () => {
    let asked = 0;
    const transport = new FakeTransport(new FakeServer());
    const client = new SyncClient(await openSyncDb(`client-test-${++n}`), transport, {
      lock: soleTab,
      channel: null,
      user: async () => (asked++, "u1"),
    });
    expect(await client.sync()).toMatchObject({ ran: true, sent: 0, pulled: 0 });
    expect([transport.calls, asked]).toEqual([0, 0]);
    await client.track("c1");
    await client.sync();
    expect([transport.calls, asked]).toEqual([1, 1]);
  });

  it("shows an edit at once and rebases it on the server's answer", async () => {
    const { server, client } = await setup();
    dossier(server);
    await client.track("c1");
    await client.sync();
    await client.edit("document", "d1", "c1", { title: "Offer v2" });
    expect((await client.entity("document", "d1"))?.fields["title"]).toBe("Offer v2");
    expect((await client.entity("document", "d1"))?.pending).toBe(true);
    expect((await client.status()).waiting).toBe(1);

    server.write("document", "d1", "c1", { document_date: "2026-11-02" });
    const report = await client.sync();
    expect(report).toMatchObject({ ran: true, sent: 1 });
    const shown = await client.entity("document", "d1");
    expect(shown?.fields).toMatchObject({ title: "Offer v2", document_date: "2026-11-02" });
    expect(shown?.pending).toBe(false);
    expect(same(shown!.fields, server.fields("document", "d1")!)).toBe(true);
    expect(await client.status()).toMatchObject({ state: "idle", waiting: 0, conflicts: 0 });
  });

  it("merges a colleague's change to another key and keeps a conflict on the same one for a person", async () => {
    const { server, client } = await setup();
    dossier(server);
    await client.track("c1");
    await client.sync();
    const shown = (await client.entity("document", "d1"))!.fields["index_values"] as JsonObject;
    await client.edit("document", "d1", "c1", { index_values: { ...shown, amount: 120, number: "O-1a" } });
    server.write("document", "d1", "c1", { index_values: { amount: 150, number: "O-1" } });
    await client.pull();
    // Before the push the device shows its own values and knows the index values are contested.
    expect((await client.entity("document", "d1"))?.fields["index_values"]).toEqual({ amount: 120, number: "O-1a" });
    expect((await client.entity("document", "d1"))?.contested).toEqual(["index_values"]);
    await client.sync();
    expect(server.fields("document", "d1")?.["index_values"]).toEqual({ amount: 150, number: "O-1a" });
    const conflicts = await client.conflicts("c1");
    expect(conflicts.map((c) => [c.field, c.key, c.base, c.mine, c.theirs])).toEqual([["index_values", "amount", 100, 120, 150]]);
    expect((await client.outbox.items()).map((i) => i.state)).toEqual(["conflict"]);

    await client.resolve(conflicts[0]!, "keep_mine");
    expect(await client.conflicts("c1")).toEqual([]);
    await client.sync();
    expect(server.fields("document", "d1")?.["index_values"]).toEqual({ amount: 120, number: "O-1a" });
    expect(await client.outbox.items()).toEqual([]);
    expect((await client.entity("document", "d1"))?.fields["index_values"]).toEqual({ amount: 120, number: "O-1a" });
  });

  it("sends again after a crash before the answer; the server answers duplicate and applies once", async () => {
    const server = new FakeServer();
    dossier(server);
    const first = await setup(server);
    await first.client.track("c1");
    await first.client.sync();
    await first.client.edit("customer", "c1", "c1", { name: "Acme AG" });
    await first.client.change(documentView("d1", "c1"));
    first.transport.faults.push("lose-answer");
    expect((await first.client.sync()).error).toBe("offline");
    expect(server.applied).toHaveLength(2);
    first.client.db.close();

    // The app starts again over the same database.
    const second = await setup(server, first.name);
    expect((await second.client.outbox.pending()).length).toBe(2);
    await second.client.sync();
    expect(server.applied).toHaveLength(2);
    expect(server.received.slice(-2)).toEqual(server.received.slice(0, 2));
    expect(server.views).toEqual(["d1"]);
    expect(await second.client.outbox.items()).toEqual([]);
    expect((await second.client.entity("customer", "c1"))?.fields["name"]).toBe("Acme AG");
  });

  it("reads answers by id, not by position", async () => {
    const { server, transport, client } = await setup();
    dossier(server);
    await client.track("c1");
    await client.sync();
    await client.edit("customer", "c1", "c1", { name: "X" });
    await client.change(documentView("missing", "c1"));
    transport.faults.push("shuffle");
    await client.push();
    expect((await client.outbox.items()).map((i) => [i.id, i.state, i.code])).toEqual([[2, "rejected", "unknown_entity"]]);
  });

  it("keeps the outbox and asks for an update when the server needs a newer protocol", async () => {
    const { server, client } = await setup();
    dossier(server);
    await client.change(checkout("c1", 3600));
    server.minVersion = PROTOCOL_VERSION + 1;
    let asked = 0;
    client.events.addEventListener("update-required", () => (asked += 1));
    await client.sync();
    expect(asked).toBe(1);
    expect(await client.status()).toMatchObject({ state: "update-required", waiting: 1 });
    expect((await client.outbox.items()).map((i) => i.state)).toEqual(["waiting"]);
  });

  it("keeps the outbox and asks to sign in again on 401", async () => {
    const { server, client } = await setup();
    dossier(server);
    await client.change(checkout("c1", 3600));
    server.signedIn = false;
    let asked = 0;
    client.events.addEventListener("signed-out", () => (asked += 1));
    await client.sync();
    expect(asked).toBe(1);
    expect(await client.status()).toMatchObject({ state: "signed-out", waiting: 1 });
    server.signedIn = true;
    await client.sync();
    expect(await client.status()).toMatchObject({ state: "idle", waiting: 0 });
    expect(server.applied).toHaveLength(1);
  });

  it("uploads a captured file in chunks, resumes where the server stopped, then sends its document", async () => {
    const { server, transport, client } = await setup();
    dossier(server);
    const bytes = new Uint8Array(10_000).map((_, i) => i % 251).buffer as ArrayBuffer;
    const sha = await sha256Hex(bytes);
    const slow = new SyncClient(client.db, transport, { lock: soleTab, channel: null, chunkSize: 3000 });
    await slow.track("c1");
    await slow.capture({ documentId: "d2", customerId: "c1", fileName: "photo.jpg", mediaType: "image/jpeg", title: "Signed order" }, new Blob([bytes]));
    expect((await slow.outbox.items())[0]?.mutation.blob_sha256).toBe(sha);
    expect((await slow.entity("document", "d2"))?.fields["title"]).toBe("Signed order");
    // status, chunk 0-2999, chunk 3000-5999 (its answer lost with the connection).
    transport.faults.push("none", "none", "lose-answer");
    await slow.sync();
    expect(server.blobStatus(sha)).toEqual({ size: 10_000, received: 6000, complete: false });
    expect(server.applied).toEqual([]);
    await slow.sync();
    expect(server.complete.has(sha)).toBe(true);
    expect(server.fields("document", "d2")).toMatchObject({ title: "Signed order", file_name: "photo.jpg" });
    expect(await slow.outbox.blob(sha)).toBeUndefined();
    expect(await slow.outbox.items()).toEqual([]);
  });

  it("answers missing_blob by keeping the document and what follows it, in order", async () => {
    const { server, client } = await setup();
    dossier(server);
    await client.change(newDocument({ documentId: "d3", customerId: "c1", sha256: "ab".repeat(32), fileName: "x.pdf", mediaType: "application/pdf" }));
    await client.change(checkin("c1"));
    await client.sync();
    expect((await client.outbox.items()).map((i) => [i.state, i.code])).toEqual([
      ["waiting", "missing_blob"],
      ["waiting", "blocked"],
    ]);
    expect(server.applied).toEqual([]);
  });

  it("pulls page by page and evicts a dossier the server no longer gives", async () => {
    const { server, client } = await setup();
    dossier(server);
    for (let i = 0; i < 9; i++) server.write("document", `x${i}`, "c1", { title: `Doc ${i}` });
    server.write("customer", "c2", "c2", { name: "Beta" });
    server.pageLimit = 4;
    await client.track("c1");
    await client.track("c2");
    const report = await client.pull();
    expect(report.pulled).toBe(12);
    expect((await client.dossier("c1")).length).toBe(11);
    server.remove("document", "x0");
    server.remove("customer", "c2");
    await client.pull();
    expect(await client.entity("document", "x0")).toBeUndefined();
    expect(await client.dossier("c2")).toEqual([]);
    expect(await client.tracked()).toEqual(["c1"]);
  });
});

describe("a first pull (snapshot)", () => {
  it("brings each entity once, in pages, and loses nothing changed between them", async () => {
    const { server, client, transport } = await setup();
    dossier(server);
    for (let i = 0; i < 6; i++) server.write("document", `x${i}`, "c1", { title: `Doc ${i}` });
    for (let i = 0; i < 6; i++) server.write("document", `x${i}`, "c1", { title: `Doc ${i} again` });
    server.write("document", "gone", "c1", { title: "Gone" });
    server.remove("document", "gone");
    server.pageLimit = 3;
    const requests: PullRequest[] = [];
    const pull = transport.pull.bind(transport);
    let round = 0;
    transport.pull = async (request) => {
      requests.push(structuredClone(request));
      const answer = await pull(request);
      if (++round === 1) {
        // Between the first and the second page: one already sent changes, one not yet sent goes.
        server.write("customer", "c1", "c1", { name: "Acme Renamed" });
        server.remove("document", "x5");
      }
      return answer;
    };
    await client.track("c1");
    const report = await client.pull();
    expect(report.pulled).toBeLessThan(12);
    expect(requests[0]?.snapshots).toBeUndefined();
    expect(requests[1]?.snapshots?.["c1"]).toMatch(/^\d+:customer:c1$|^\d+:document:/);
    const shown = await client.dossier("c1");
    expect(shown.map((e) => e.entityId).sort()).toEqual(["c1", "d1", "x0", "x1", "x2", "x3", "x4"]);
    expect((await client.entity("customer", "c1"))?.fields["name"]).toBe("Acme Renamed");
    expect((await client.entity("document", "x3"))?.fields["title"]).toBe("Doc 3 again");
    expect(await client.db.get("meta", "snapshot:c1")).toBeUndefined();
  });

  it("starts over when its token is lost, dropping what the device held", async () => {
    const { server, client, transport } = await setup();
    dossier(server);
    server.write("document", "d2", "c1", { title: "Two" });
    server.pageLimit = 2;
    await client.track("c1");
    const pull = transport.pull.bind(transport);
    transport.pull = async (request) => {
      const answer = await pull(request);
      answer.has_more = false; // the app closed after the first page
      return answer;
    };
    await client.pull();
    expect(typeof (await client.db.get("meta", "snapshot:c1"))).toBe("string");
    await client.db.delete("meta", "snapshot:c1");
    server.remove("document", "d1");
    transport.pull = pull;
    await client.pull();
    expect((await client.dossier("c1")).map((e) => e.entityId).sort()).toEqual(["c1", "d2"]);
    await client.untrack("c1");
    expect(await client.db.get("meta", "snapshot:c1")).toBeUndefined();
  });
});

describe("another user on the same device", () => {
  it("waits while the first user's changes wait, then starts afresh with a new client id", async () => {
    const server = new FakeServer();
    dossier(server);
    let user = "anna";
    const name = `client-test-${++n}`;
    const transport = new FakeTransport(server);
    const client = new SyncClient(await openSyncDb(name), transport, { lock: soleTab, channel: null, user: async () => user });
    await client.track("c1");
    await client.sync();
    await client.change(documentView("d1", "c1"));
    const annasId = await client.outbox.clientId();
    user = "bert";
    expect((await client.sync()).error).toBe("other-user");
    expect(await client.status()).toMatchObject({ state: "other-user", waiting: 1 });
    expect(server.views).toEqual([]);
    user = "anna";
    await client.sync();
    expect(server.views).toEqual(["d1"]);
    user = "bert";
    expect((await client.sync()).error).toBeUndefined();
    expect(await client.outbox.clientId()).not.toBe(annasId);
    expect(await client.tracked()).toEqual([]);
    expect(await client.dossier("c1")).toEqual([]);
    expect((await client.outbox.add(documentView("d1", "c1"))).id).toBe(1);
  });
});

describe("seeded runs over a faulty network", () => {
  // Two devices edit one dossier while requests are lost, answers are lost, requests arrive twice
  // or late, answers come shuffled and apps are closed and opened again; then the network heals. Every replica must equal the
  // server, every mutation must be applied at most once and every acknowledged one exactly once.
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])("seed %i", async (seed) => {
    const random = seeded(seed);
    const server = new FakeServer();
    dossier(server);
    const devices = [await setup(server), await setup(server)];
    for (const d of devices) {
      await d.client.track("c1");
      await d.client.sync();
      d.transport.random = random;
    }
    const fields = ["title", "document_date"] as const;
    for (let step = 0; step < 30; step++) {
      const d = devices[Math.floor(random() * devices.length)]!;
      const r = random();
      if (r < 0.5) {
        const field = fields[Math.floor(random() * fields.length)]!;
        await d.client.edit("document", "d1", "c1", { [field]: `${field}-${seed}-${step}` });
      } else if (r < 0.6) {
        const conflict = (await d.client.conflicts())[0];
        if (conflict) await d.client.resolve(conflict, random() < 0.5 ? "keep_mine" : "keep_theirs");
      } else if (r < 0.9) {
        await d.client.sync();
      } else if (r < 0.95) {
        d.transport.deliverLate();
      } else {
        // The app is closed (perhaps right after a lost answer) and opened again.
        d.client.db.close();
        d.client = new SyncClient(await openSyncDb(d.name), d.transport, { lock: soleTab, channel: null });
      }
    }
    for (const d of devices) {
      d.transport.random = null;
      d.transport.deliverLate();
    }
    for (let round = 0; round < 3; round++) for (const d of devices) await d.client.sync();
    expect(new Set(server.applied).size).toBe(server.applied.length);
    for (const d of devices) {
      expect(await d.client.outbox.pending()).toEqual([]);
      const clientId = await d.client.outbox.clientId();
      const made = (((await d.client.db.get("meta", "nextId")) as number | undefined) ?? 1) - 1;
      expect(server.ledger.get(clientId) ?? 0).toBe(made);
      expect(server.applied.filter((a) => a.startsWith(clientId + "#"))).toHaveLength(made);
      for (const local of await d.client.dossier("c1")) {
        expect(same(local.fields, server.fields(local.entity, local.entityId) ?? {})).toBe(true);
      }
    }
  });
});
