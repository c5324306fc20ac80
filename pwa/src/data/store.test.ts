/** One contract, two stores: whatever IdbStore does, MemoryStore does too. */
import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { customer, doc } from "./fixtures";
import { fold, IdbStore, MemoryStore, type LocalStore } from "./store";

let dbCount = 0;
const stores: [string, () => Promise<LocalStore>][] = [
  ["MemoryStore", async () => new MemoryStore()],
  ["IdbStore", async () => IdbStore.open(`test-${++dbCount}`)],
];

describe.each(stores)("%s", (_, make) => {
  it("finds customers by name or number, accents and case ignored, sorted by name", async () => {
    const store = await make();
    await store.putCustomers([customer("1", "Żabka Łódź"), customer("2", "Müller GmbH", "KD-777"), customer("3", "Abc")]);
    expect((await store.searchCustomers("zabka lodz", 10)).map((c) => c.id)).toEqual(["1"]);
    expect((await store.searchCustomers("MULLER", 10)).map((c) => c.id)).toEqual(["2"]);
    expect((await store.searchCustomers("777", 10)).map((c) => c.id)).toEqual(["2"]);
    expect((await store.searchCustomers("", 2)).map((c) => c.name)).toEqual(["Abc", "Müller GmbH"]);
  });

  it("answers customers in the order of the ids asked, skipping unknown ones", async () => {
    const store = await make();
    await store.putCustomers([customer("1", "A"), customer("2", "B")]);
    expect((await store.customers(["2", "x", "1"])).map((c) => c.id)).toEqual(["2", "1"]);
  });

  it("replaces a dossier's documents and keeps a detail only while its revision holds", async () => {
    const store = await make();
    await store.replaceDocuments("c1", [doc("d1", "c1"), doc("d2", "c1"), doc("e1", "c2")]);
    const detail = { ...doc("d1", "c1"), versions: [] } as never;
    await store.putDocuments([{ ...doc("d1", "c1"), detail }]);
    await store.replaceDocuments("c1", [doc("d1", "c1"), doc("d3", "c1")]);
    expect((await store.documentsOf("c1")).map((d) => d.id).sort()).toEqual(["d1", "d3"]);
    expect((await store.documentsOf("c2")).map((d) => d.id)).toEqual(["e1"]);
    expect((await store.document("d1"))?.detail).toBeDefined();
    await store.replaceDocuments("c1", [doc("d1", "c1", { revision: 2 })]);
    expect((await store.document("d1"))?.detail).toBeUndefined();
  });

  it("keeps meta values and forgets everything on clear", async () => {
    const store = await make();
    await store.setMeta("recent", ["a", "b"]);
    await store.putCustomers([customer("1", "A")]);
    await store.putDossier({ customerId: "1", documentCount: 0, coverFields: [], registers: [], hasMore: false, syncedAt: 1 });
    expect(await store.getMeta("recent")).toEqual(["a", "b"]);
    expect(await store.dossier("1")).toMatchObject({ customerId: "1" });
    await store.clear();
    expect(await store.getMeta("recent")).toBeUndefined();
    expect(await store.customer("1")).toBeUndefined();
    expect(await store.dossier("1")).toBeUndefined();
  });
});

it("folds like the server: diacritics, case and the letters NFKD leaves alone", () => {
  expect(fold("Łódź Straße Søren")).toBe("lodz strasse soren");
});
