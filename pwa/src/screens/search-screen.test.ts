/** The search screen as a component: local results at once, then the server's, then the lists. */
import { afterEach, expect, it } from "vitest";
import { customer } from "../data/fixtures";
import { CUSTOMER_SEARCH } from "../data/operations";
import { Repository, type Gql } from "../data/repository";
import { MemoryStore } from "../data/store";
import { setRepository } from "../services";
import "./search-screen";
import type { SearchScreen } from "./search-screen";

afterEach(() => document.body.replaceChildren());

async function mount(store: MemoryStore, gql: Gql): Promise<SearchScreen> {
  setRepository(new Repository(store, gql));
  const screen = document.createElement("search-screen") as SearchScreen;
  document.body.append(screen);
  await screen.updateComplete;
  return screen;
}

const names = (screen: SearchScreen): string[] =>
  [...screen.shadowRoot!.querySelectorAll(".row-title")].map((n) => n.textContent ?? "");

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

it("shows local matches while typing, then the server's answer", async () => {
  const store = new MemoryStore();
  await store.putCustomers([customer("1", "Nordwind AG")]);
  let answered = false;
  const gql = (async (query: string) => {
    expect(query).toBe(CUSTOMER_SEARCH);
    answered = true;
    return { customers: { items: [customer("1", "Nordwind AG"), customer("2", "Nordlicht GmbH")] } };
  }) as Gql;
  const screen = await mount(store, gql);
  const input = screen.shadowRoot!.querySelector("input")!;
  input.value = "nord";
  input.dispatchEvent(new InputEvent("input"));
  await until(() => names(screen).length === 1);
  expect(names(screen)).toEqual(["Nordwind AG"]);
  await until(() => answered && names(screen).length === 2);
  expect(names(screen)).toEqual(["Nordwind AG", "Nordlicht GmbH"]);
});

it("lists favourites and recent customers when nothing is typed", async () => {
  const store = new MemoryStore();
  await store.putCustomers([customer("a", "Alpha"), customer("b", "Beta")]);
  await store.setMeta("favourites", ["b"]);
  await store.setMeta("recent", ["a"]);
  const screen = await mount(store, (async () => ({})) as Gql);
  await until(() => names(screen).length === 2);
  const headings = [...screen.shadowRoot!.querySelectorAll("h2")].map((h) => h.textContent);
  expect(headings).toEqual(["Favourites", "Recent"]);
  expect(names(screen)).toEqual(["Beta", "Alpha"]);
  const link = screen.shadowRoot!.querySelector("a")!;
  expect(link.getAttribute("href")).toBe("/customers/b");
});
