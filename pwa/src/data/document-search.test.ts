/** Document search: criteria from the form, results into the store, the per-query offline cache. */
import { expect, it } from "vitest";
import { buildCriteria, CACHED_QUERIES, cacheKey, EMPTY_FORM, isSearchable, type SearchForm } from "./document-search";
import { customer, doc } from "./fixtures";
import { DOCUMENT_SEARCH } from "./operations";
import { Repository, type Gql } from "./repository";
import { MemoryStore } from "./store";

const form = (over: Partial<SearchForm>): SearchForm => ({ ...EMPTY_FORM, ...over });

it("builds criteria from the form, leaving out what is not chosen", () => {
  expect(buildCriteria(form({ text: "  offer  " }))).toEqual({
    text: "offer",
    sort: { key: "RELEVANCE", descending: true },
  });
  expect(
    buildCriteria(
      form({ text: "offer", customerId: "c1", documentTypeId: "t1", status: "filed", period: "days14", sort: "date" }),
    ),
  ).toEqual({
    text: "offer",
    customerIds: ["c1"],
    documentTypeIds: ["t1"],
    statuses: ["filed"],
    documentDate: { relative: { unit: "DAYS", amount: 14 } },
    sort: { key: "DOCUMENT_DATE", descending: true },
  });
  // Calendar units take no amount; no words means no relevance to sort by.
  expect(buildCriteria(form({ customerId: "c1", period: "thisYear" }))).toEqual({
    text: "",
    customerIds: ["c1"],
    documentDate: { relative: { unit: "THIS_YEAR" } },
    sort: { key: "DOCUMENT_DATE", descending: true },
  });
});

it("asks only when there are words or a customer", () => {
  expect(isSearchable(form({ text: "  " }))).toBe(false);
  expect(isSearchable(form({ text: "a" }))).toBe(true);
  expect(isSearchable(form({ customerId: "c1" }))).toBe(true);
});

it("gives the same cache key for the same question however it was typed", () => {
  expect(cacheKey(form({ text: " Offer  Berlin" }))).toBe(cacheKey(form({ text: "offer berlin " })));
  expect(cacheKey(form({ text: "offer" }))).not.toBe(cacheKey(form({ text: "offer", sort: "date" })));
  expect(cacheKey(form({ text: "offer" }))).not.toBe(cacheKey(form({ text: "offer", customerId: "c1" })));
});

function fakeServer(): { gql: Gql; sent: Record<string, unknown>[] } {
  const sent: Record<string, unknown>[] = [];
  const gql = (async (query: string, variables?: object) => {
    expect(query).toBe(DOCUMENT_SEARCH);
    const v = variables as { criteria: { text: string }; after: string | null };
    sent.push(v as Record<string, unknown>);
    const n = v.after ? "2" : "1";
    return {
      search: {
        total: 30,
        totalExact: false,
        nextCursor: v.after ? null : "c-1",
        hits: [
          {
            rank: 1,
            snippet: [
              { text: "the ", highlighted: false },
              { text: v.criteria.text, highlighted: true },
            ],
            document: { ...doc(n, "a", { title: `Hit ${n}` }), customer: customer("a", "Adler GmbH") },
          },
        ],
      },
    };
  }) as Gql;
  return { gql, sent };
}

it("stores the hits' documents and customers and keeps the first page for the same query", async () => {
  const { gql, sent } = fakeServer();
  const store = new MemoryStore();
  const repo = new Repository(store, gql);

  expect(await repo.documents.cached(form({ text: "offer" }))).toBeUndefined();
  const first = await repo.documents.page(form({ text: "offer" }));
  expect(sent[0]).toMatchObject({ after: null, limit: 25, criteria: { text: "offer" } });
  expect(first.hits[0]?.snippet).toEqual([
    { text: "the ", highlighted: false },
    { text: "offer", highlighted: true },
  ]);
  expect(first).toMatchObject({ total: 30, totalExact: false, nextCursor: "c-1" });
  // Plain summaries in the store, as every screen reads them; the customer too.
  expect("customer" in ((await store.document("1")) ?? {})).toBe(false);
  expect((await store.customer("a"))?.name).toBe("Adler GmbH");

  const more = await repo.documents.page(form({ text: "offer" }), "c-1");
  expect(sent[1]).toMatchObject({ after: "c-1" });
  expect(more.hits[0]?.document.id).toBe("2");
  expect(await store.document("2")).toBeDefined();

  // Later pages do not replace the cached first one; the key ignores case and spaces.
  const cached = await repo.documents.cached(form({ text: " OFFER " }));
  expect(cached?.hits.map((h) => h.document.id)).toEqual(["1"]);
  expect(cached?.customers.map((c) => c.name)).toEqual(["Adler GmbH"]);
  expect(cached?.syncedAt).toBeGreaterThan(0);
});

it("keeps only the newest queries", async () => {
  const { gql } = fakeServer();
  const repo = new Repository(new MemoryStore(), gql);
  for (let i = 0; i <= CACHED_QUERIES; i++) await repo.documents.page(form({ text: `word${i}` }));
  expect(await repo.documents.cached(form({ text: "word0" }))).toBeUndefined();
  expect(await repo.documents.cached(form({ text: "word1" }))).toBeDefined();
  expect(await repo.documents.cached(form({ text: `word${CACHED_QUERIES}` }))).toBeDefined();
});
