import { describe, expect, it } from "vitest";
import { customer, doc } from "./fixtures";
import { CUSTOMER_SEARCH, DOSSIER, DOSSIER_DOCUMENTS, UPDATE_DOCUMENT_METADATA } from "./operations";
import { Repository, type Gql } from "./repository";
import { MemoryStore } from "./store";

/** A transport that answers each operation with the given function and records the calls. */
function fakeGql(answers: Map<string, (variables: Record<string, unknown>) => unknown>): Gql & { calls: string[] } {
  const calls: string[] = [];
  const gql = (async (query: string, variables?: object) => {
    const answer = answers.get(query);
    if (!answer) throw new Error("unexpected operation");
    calls.push(query);
    return answer((variables ?? {}) as Record<string, unknown>);
  }) as Gql & { calls: string[] };
  gql.calls = calls;
  return gql;
}

describe("Repository", () => {
  it("stores what the server finds, so the next search starts locally", async () => {
    const gql = fakeGql(new Map([[CUSTOMER_SEARCH, () => ({ customers: { items: [customer("1", "Nordwind AG")] } })]]));
    const repo = new Repository(new MemoryStore(), gql);
    expect(await repo.searchLocal("nord")).toEqual([]);
    expect((await repo.searchRemote("nord")).map((c) => c.name)).toEqual(["Nordwind AG"]);
    expect((await repo.searchLocal("nord")).map((c) => c.name)).toEqual(["Nordwind AG"]);
  });

  it("fills a dossier page by page and tells screens it changed", async () => {
    const cover = {
      customer: customer("c", "Kunde"),
      dossier: {
        documentCount: 3,
        coverFields: [{ key: "segment", label: "Segment", type: "choice", value: "A" }],
        registers: [{ register: { id: "r1", key: "offers" }, count: 2 }],
        documents: { items: [doc("1", "c"), doc("2", "c")], pageInfo: { hasNextPage: true, endCursor: "2" } },
      },
    };
    const more = { dossier: { documents: { items: [doc("3", "c")], pageInfo: { hasNextPage: false, endCursor: null } } } };
    const gql = fakeGql(new Map<string, () => unknown>([[DOSSIER, () => cover], [DOSSIER_DOCUMENTS, () => more]]));
    const repo = new Repository(new MemoryStore(), gql);
    const seen: string[] = [];
    repo.events.addEventListener("changed", (e) => seen.push((e as CustomEvent<{ what: string }>).detail.what));
    expect(await repo.dossier("c")).toBeUndefined();
    await repo.refreshDossier("c");
    const local = await repo.dossier("c");
    expect(local?.customer.name).toBe("Kunde");
    expect(local?.dossier).toMatchObject({ documentCount: 3, hasMore: false, registers: [{ key: "offers", count: 2 }] });
    expect(local?.documents.map((d) => d.id).sort()).toEqual(["1", "2", "3"]);
    expect(seen).toEqual(["dossier"]);
    expect(gql.calls).toEqual([DOSSIER, DOSSIER_DOCUMENTS]);
  });

  it("answers the server's validation issues instead of saving", async () => {
    const invalid = {
      updateDocumentMetadata: {
        __typename: "ValidationError",
        code: "invalid",
        message: "invalid input",
        issues: [{ field: "indexValues.offer_number", code: "required", message: "is required" }],
      },
    };
    const store = new MemoryStore();
    await store.putDocuments([doc("d", "c")]);
    const repo = new Repository(store, fakeGql(new Map([[UPDATE_DOCUMENT_METADATA, () => invalid]])));
    const saved = await repo.updateDocument("d", { indexValues: { offer_number: null } });
    expect(saved).toEqual({
      ok: false,
      error: { code: "invalid", message: "invalid input", issues: invalid.updateDocumentMetadata.issues },
    });
    expect((await store.document("d"))?.revision).toBe(1);
  });

  it("remembers recent customers (newest first, no repeats) and favourites", async () => {
    const store = new MemoryStore();
    await store.putCustomers([customer("a", "A"), customer("b", "B")]);
    const repo = new Repository(store, fakeGql(new Map()));
    await repo.rememberVisit("a");
    await repo.rememberVisit("b");
    await repo.rememberVisit("a");
    expect((await repo.recent()).map((c) => c.id)).toEqual(["a", "b"]);
    expect(await repo.toggleFavourite("b")).toBe(true);
    expect((await repo.favourites()).map((c) => c.id)).toEqual(["b"]);
    expect(await repo.toggleFavourite("b")).toBe(false);
    expect(await repo.favourites()).toEqual([]);
  });
});
