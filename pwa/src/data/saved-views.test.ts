/** Saved views: the stored list, running one within a customer, saving and deleting with the server's answers. */
import { expect, it } from "vitest";
import { EMPTY_FORM } from "./document-search";
import { customer, doc } from "./fixtures";
import { CREATE_VIEW, DELETE_VIEW, VIEW_RESULTS, VIEWS } from "./operations";
import { Repository, type Gql } from "./repository";
import { viewCriteria, type SavedView } from "./saved-views";
import { MemoryStore } from "./store";

const view = (id: string, name: string): SavedView => ({
  id,
  name,
  description: null,
  placement: "GLOBAL",
  position: 0,
  canEdit: true,
  audience: { kind: "PERSONAL", groupId: null, groupName: null },
  criteria: { text: "offer", customerIds: [], documentTypeIds: [], statuses: [] },
});

it("saves a view in every dossier without the customer the search was narrowed to", () => {
  const form = { ...EMPTY_FORM, text: "offer", customerId: "c1" };
  expect(viewCriteria(form, "GLOBAL").customerIds).toEqual(["c1"]);
  expect(viewCriteria(form, "DOSSIER").customerIds).toBeUndefined();
});

it("lists, runs, creates and deletes views, keeping the list in the store", async () => {
  const sent: [string, Record<string, unknown>][] = [];
  let createAnswer: unknown = { __typename: "SavedView", ...view("v2", "Offers") };
  const gql = (async (query: string, variables?: object) => {
    sent.push([query, (variables ?? {}) as Record<string, unknown>]);
    if (query === VIEWS) return { views: [view("v1", "Complaints")] };
    if (query === VIEW_RESULTS) {
      return {
        view: {
          ...view("v1", "Complaints"),
          results: {
            total: 1,
            totalExact: true,
            nextCursor: null,
            hits: [{ rank: 0, snippet: [], document: { ...doc("9", "a"), customer: customer("a", "Adler GmbH") } }],
          },
        },
      };
    }
    if (query === CREATE_VIEW) return { createView: createAnswer };
    if (query === DELETE_VIEW) return { deleteView: { __typename: "Removed" } };
    throw new Error("unexpected");
  }) as Gql;
  const store = new MemoryStore();
  const repo = new Repository(store, gql);

  expect(await repo.views.local()).toEqual([]);
  await repo.views.refresh();
  expect((await repo.views.local()).map((v) => v.name)).toEqual(["Complaints"]);

  const { view: ran, page } = await repo.views.results("v1", "a");
  expect(sent.at(-1)?.[1]).toMatchObject({ id: "v1", customerId: "a", after: null });
  expect(ran.name).toBe("Complaints");
  expect(page.hits[0]?.document.id).toBe("9");
  expect(await store.document("9")).toBeDefined();

  const saved = await repo.views.create({ ...EMPTY_FORM, text: "offer" }, { name: " Offers ", audience: "PERSONAL", placement: "GLOBAL" });
  expect(saved.ok).toBe(true);
  expect(sent.at(-1)?.[1]).toMatchObject({
    input: { name: "Offers", audience: { kind: "PERSONAL" }, placement: "GLOBAL", criteria: { text: "offer" } },
  });
  expect((await repo.views.local()).map((v) => v.id)).toEqual(["v1", "v2"]);

  createAnswer = {
    __typename: "ValidationError",
    code: "validation_failed",
    message: "Invalid view",
    issues: [{ field: "name", code: "required", message: "A name is required." }],
  };
  const refused = await repo.views.create(EMPTY_FORM, { name: "", audience: "PERSONAL", placement: "GLOBAL" });
  expect(refused).toEqual({
    ok: false,
    error: { code: "validation_failed", message: "Invalid view", issues: [{ field: "name", code: "required", message: "A name is required." }] },
  });

  expect((await repo.views.remove("v2")).ok).toBe(true);
  expect((await repo.views.local()).map((v) => v.id)).toEqual(["v1"]);
});
