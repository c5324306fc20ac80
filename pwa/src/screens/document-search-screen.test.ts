/** The document search as a component: a newer query aborts the older request; hits with marks;
 * the address holds the words and filters. */
import { afterEach, expect, it } from "vitest";
import { customer, doc } from "../data/fixtures";
import { Repository, type Gql } from "../data/repository";
import { MemoryStore } from "../data/store";
import { setRepository } from "../services";
import "./document-search-screen";
import type { DocumentSearchScreen } from "./document-search-screen";

afterEach(() => document.body.replaceChildren());

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

function answer(text: string): unknown {
  return {
    search: {
      total: 1,
      totalExact: true,
      nextCursor: null,
      hits: [
        {
          rank: 1,
          snippet: [{ text, highlighted: true }],
          document: { ...doc(text, "a", { title: `About ${text}` }), customer: customer("a", "Adler GmbH") },
        },
      ],
    },
  };
}

it("aborts the request of a query the user typed past and shows the newest answer", async () => {
  const signals: { text: string; signal: AbortSignal | undefined }[] = [];
  const gql = ((_query: string, variables?: object, signal?: AbortSignal) => {
    const text = (variables as { criteria: { text: string } }).criteria.text;
    signals.push({ text, signal });
    return new Promise<unknown>((resolve, reject) => {
      signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      // The first query is slow: the second overtakes it.
      setTimeout(() => resolve(answer(text)), text === "offer" ? 400 : 10);
    });
  }) as Gql;
  setRepository(new Repository(new MemoryStore(), gql));
  const screen = document.createElement("document-search-screen") as DocumentSearchScreen;
  document.body.append(screen);
  await screen.updateComplete;
  const input = screen.shadowRoot!.querySelector<HTMLInputElement>("#dq")!;

  input.value = "offer";
  input.dispatchEvent(new InputEvent("input"));
  await until(() => signals.length === 1);
  input.value = "offer berlin";
  input.dispatchEvent(new InputEvent("input"));
  await until(() => signals.length === 2);
  expect(signals[0]?.signal?.aborted).toBe(true);
  expect(signals[1]?.signal?.aborted).toBe(false);

  const list = (): ShadowRoot | null | undefined => screen.shadowRoot!.querySelector("hit-list")?.shadowRoot;
  await until(() => (list()?.querySelectorAll("mark").length ?? 0) > 0);
  expect([...list()!.querySelectorAll(".row-title")].map((n) => n.textContent)).toEqual(["About offer berlin"]);
  expect(list()!.querySelector("mark")?.textContent).toBe("offer berlin");
  expect(location.search).toBe("?q=offer+berlin");
});

it("opens with the filters of its address and keeps every change in the address", async () => {
  const asked: { criteria: Record<string, unknown> }[] = [];
  const gql = (async (_query: string, variables?: object) => {
    asked.push(variables as { criteria: Record<string, unknown> });
    return answer("offer");
  }) as Gql;
  setRepository(new Repository(new MemoryStore(), gql));
  const screen = document.createElement("document-search-screen") as DocumentSearchScreen;
  screen.search = { text: "offer", customerId: null, documentTypeId: null, status: "active", period: "months3", sort: "date" };
  document.body.append(screen);
  await until(() => asked.length === 1);
  expect(asked[0]?.criteria).toMatchObject({
    text: "offer",
    statuses: ["active"],
    documentDate: { relative: { unit: "MONTHS", amount: 3 } },
    sort: { key: "DOCUMENT_DATE", descending: true },
  });
  const select = (id: string): HTMLSelectElement => screen.shadowRoot!.querySelector<HTMLSelectElement>(`#${id}`)!;
  await screen.updateComplete;
  const chosen = (id: string): string[] => [...select(id).options].filter((o) => o.hasAttribute("selected")).map((o) => o.value);
  expect(chosen("d-period")).toEqual(["months3"]);
  expect(chosen("d-sort")).toEqual(["date"]);

  select("d-period").value = "days14";
  select("d-period").dispatchEvent(new Event("change"));
  await until(() => asked.length === 2);
  expect(new URLSearchParams(location.search).get("period")).toBe("days14");
  expect(new URLSearchParams(location.search).get("sort")).toBe("date");
  expect(new URLSearchParams(location.search).get("status")).toBe("active");
});
