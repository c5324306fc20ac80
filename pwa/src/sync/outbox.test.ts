import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { openSyncDb } from "./db";
import { Outbox } from "./outbox";
import { assignRegister, checkin, checkout, customerEdit, documentView, indexValueEdit, newDocument, sha256Hex } from "./mutations";

let n = 0;
const freshName = (): string => `outbox-test-${++n}`;

describe("the outbox", () => {
  it("numbers mutations 1, 2, 3 and keeps client id and next id across reopening", async () => {
    const name = freshName();
    const db = await openSyncDb(name);
    const outbox = new Outbox(db);
    const clientId = await outbox.clientId();
    const a = await outbox.add(customerEdit("c1", { name: "A" }, { name: "B" }));
    const b = await outbox.add(checkout("c1", 3600));
    expect([a.id, b.id]).toEqual([1, 2]);
    db.close();

    const again = new Outbox(await openSyncDb(name));
    expect(await again.clientId()).toBe(clientId);
    const c = await again.add(checkin("c1"));
    expect(c.id).toBe(3);
    expect((await again.items()).map((i) => [i.id, i.state, i.mutation.kind])).toEqual([
      [1, "waiting", "update"],
      [2, "waiting", "checkout"],
      [3, "waiting", "checkin"],
    ]);
    expect(c.mutation.device_time).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
  });

  it("gives two outboxes over one database distinct ids", async () => {
    const name = freshName();
    const [one, two] = [new Outbox(await openSyncDb(name)), new Outbox(await openSyncDb(name))];
    const ids = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => (i % 2 ? one : two).add(documentView(`d${i}`, "c1"))));
    expect(ids.map((i) => i.id).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await one.clientId()).toBe(await two.clientId());
  });

  it("moves items through their states by the server's answers, matched by id", async () => {
    const outbox = new Outbox(await openSyncDb(freshName()));
    for (let i = 0; i < 5; i++) await outbox.add(indexValueEdit(`d${i}`, "c1", { amount: 1 }, "amount", 2));
    const claimed = await outbox.claim(10);
    expect(claimed.map((i) => i.state)).toEqual(Array(5).fill("sending"));
    const conflict = { id: "k1", customer_id: "c1", entity: "document" as const, entity_id: "d1", field: "index_values", key: "amount", by: "u", by_name: "U", device: "p", at: "2026-01-01T00:00:00Z", base: 1, mine: 2, theirs: 3 };
    const retry = await outbox.record([
      { id: 5, outcome: "rejected", code: "blocked", message: "expected 4", retry: true },
      { id: 3, outcome: "rejected", code: "forbidden", message: "no" },
      { id: 2, outcome: "conflict", conflicts: [conflict] },
      { id: 1, outcome: "applied", revision: 2 },
      { id: 4, outcome: "duplicate" },
    ]);
    expect(retry.map((r) => r.id)).toEqual([5]);
    const states = (await outbox.items()).map((i) => [i.id, i.state, i.code ?? null]);
    expect(states).toEqual([
      [1, "done", null],
      [2, "conflict", null],
      [3, "rejected", "forbidden"],
      [4, "done", null],
      [5, "waiting", "blocked"],
    ]);
    expect((await outbox.conflicts("c1")).map((c) => c.id)).toEqual(["k1"]);
    // A late copy of an answer changes nothing settled.
    await outbox.record([{ id: 3, outcome: "applied" }]);
    expect((await outbox.items())[2]?.state).toBe("rejected");
    await outbox.prune();
    expect((await outbox.items()).map((i) => i.id)).toEqual([2, 3, 5]);
    await outbox.dismiss(3);
    expect(await outbox.counts()).toMatchObject({ waiting: 1, conflict: 1, rejected: 0 });
  });

  it("sends a mutation left sending (the app closed mid-push) again, and a released one", async () => {
    const outbox = new Outbox(await openSyncDb(freshName()));
    await outbox.add(assignRegister("d1", "r1", "c1"));
    await outbox.add(assignRegister("d1", "r2", "c1"));
    await outbox.claim(1);
    expect((await outbox.pending()).map((i) => [i.id, i.state])).toEqual([[1, "sending"], [2, "waiting"]]);
    expect((await outbox.claim(5)).map((i) => [i.id, i.attempts])).toEqual([[1, 2], [2, 1]]);
    await outbox.release([1, 2]);
    expect((await outbox.pending()).map((i) => i.state)).toEqual(["waiting", "waiting"]);
  });

  it("keeps a captured file with its document until it is uploaded and the document sent", async () => {
    const outbox = new Outbox(await openSyncDb(freshName()));
    const bytes = new TextEncoder().encode("%PDF-1.7 signed order").buffer as ArrayBuffer;
    const sha = await sha256Hex(bytes);
    await outbox.add(newDocument({ documentId: "d9", customerId: "c1", sha256: sha, fileName: "order.pdf", mediaType: "application/pdf", title: "Order" }), {
      sha256: sha,
      bytes,
      mediaType: "application/pdf",
    });
    expect((await outbox.blobsToUpload()).map((b) => [b.sha256, b.size])).toEqual([[sha, bytes.byteLength]]);
    const blob = await outbox.blob(sha);
    await outbox.putBlob({ ...blob!, uploaded: true });
    await outbox.dropSentBlobs();
    expect(await outbox.blob(sha)).toBeDefined();
    await outbox.claim(1);
    await outbox.record([{ id: 1, outcome: "applied" }]);
    await outbox.dropSentBlobs();
    expect(await outbox.blob(sha)).toBeUndefined();
  });

  it("keeps the file of a refused capture until the user dismisses the refusal", async () => {
    const outbox = new Outbox(await openSyncDb(freshName()));
    const bytes = new Uint8Array([1, 2, 3]).buffer as ArrayBuffer;
    const sha = await sha256Hex(bytes);
    await outbox.add(newDocument({ documentId: "d8", customerId: "c1", sha256: sha, fileName: "a.jpg", mediaType: "image/jpeg" }), { sha256: sha, bytes, mediaType: "image/jpeg" });
    await outbox.claim(1);
    await outbox.record([{ id: 1, outcome: "rejected", code: "forbidden", message: "no" }]);
    await outbox.dropSentBlobs();
    expect(await outbox.blob(sha)).toBeDefined();
    await outbox.dismiss(1);
    expect(await outbox.blob(sha)).toBeUndefined();
    expect(await outbox.items()).toEqual([]);
  });

  it("sends a refused change again as a new mutation with the next id, and nothing else", async () => {
    const outbox = new Outbox(await openSyncDb(freshName()));
    await outbox.add(customerEdit("c1", { name: "A" }, { name: "B" }));
    await outbox.add(documentView("d1", "c1"));
    await outbox.claim(10);
    await outbox.record([
      { id: 1, outcome: "rejected", code: "forbidden", message: "no access" },
      { id: 2, outcome: "applied", revision: 1 },
    ]);
    expect(await outbox.retry(2)).toBeNull(); // not refused: nothing to send again
    const again = await outbox.retry(1);
    expect(again).toMatchObject({ id: 3, state: "waiting", attempts: 0 });
    expect(again?.mutation).toMatchObject({ id: 3, kind: "update", entity: "customer", entity_id: "c1" });
    expect((await outbox.items()).map((i) => [i.id, i.state])).toEqual([
      [2, "done"],
      [3, "waiting"],
    ]);
    expect(await outbox.retry(1)).toBeNull();
    expect((await outbox.add(documentView("d2", "c1"))).id).toBe(4);
  });
});
