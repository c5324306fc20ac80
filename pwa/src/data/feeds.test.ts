/** The in-tray and today feeds: the server's order kept, documents and customers stored locally. */
import { expect, it } from "vitest";
import { customer, doc } from "./fixtures";
import { RECENT_DOCUMENTS } from "./operations";
import { Repository, type Gql } from "./repository";
import { MemoryStore } from "./store";

it("keeps the feed in the server's order and reads it back from the store", async () => {
  const sent: Record<string, unknown>[] = [];
  const hits = [
    { document: { ...doc("2", "b", { title: "Newest" }), customer: customer("b", "Bergmann KG") } },
    { document: { ...doc("1", "a", { title: "Older" }), customer: customer("a", "Adler GmbH") } },
  ];
  const gql = (async (query: string, variables?: object) => {
    expect(query).toBe(RECENT_DOCUMENTS);
    sent.push(variables as Record<string, unknown>);
    return { search: { total: 2, totalExact: true, hits } };
  }) as Gql;
  const store = new MemoryStore();
  const repo = new Repository(store, gql);
  const changes: string[] = [];
  repo.events.addEventListener("changed", (e) => changes.push((e as CustomEvent<{ id: string }>).detail.id));

  expect(await repo.feed("inbox")).toBeUndefined();
  await repo.refreshFeed("inbox");
  expect(sent[0]).toMatchObject({
    criteria: { created: { relative: { unit: "DAYS", amount: 14 } }, sort: { key: "CREATED_AT", descending: true } },
  });
  expect(changes).toEqual(["inbox"]);

  const feed = await repo.feed("inbox");
  expect(feed?.documents.map((d) => d.title)).toEqual(["Newest", "Older"]);
  expect(feed?.customers.get("a")?.name).toBe("Adler GmbH");
  expect(feed?.total).toBe(2);
  // Stored as plain summaries (no nested customer), so the dossier reads them too.
  expect((await store.documentsOf("b")).map((d) => d.id)).toEqual(["2"]);
  expect("customer" in ((await store.document("2")) ?? {})).toBe(false);

  await repo.refreshFeed("today");
  expect(sent[1]).toMatchObject({ criteria: { created: { relative: { unit: "DAYS", amount: 1 } } } });
  expect(await repo.feed("today")).toBeDefined();
});
