/** An element opened before the first catalog arrived gets it when it lands, and loses it on sign-out. */
import { LitElement } from "lit";
import { afterEach, expect, it } from "vitest";
import { Repository, type Gql } from "../data/repository";
import { MemoryStore, type Catalog } from "../data/store";
import { setRepository } from "../services";
import { CatalogWatch } from "./catalog-watch";

class CatalogHost extends LitElement {
  seen: (Catalog | undefined)[] = [];
  constructor() {
    super();
    new CatalogWatch(this, (c) => this.seen.push(c));
  }
}
customElements.define("catalog-host", CatalogHost);

afterEach(() => document.body.replaceChildren());

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

it("delivers the catalog stored after the element connected, and nothing after sign-out", async () => {
  const catalog = { documentTypes: [], registers: [] } as unknown as Catalog;
  const repository = new Repository(new MemoryStore(), (async () => catalog) as Gql);
  setRepository(repository);
  const host = document.createElement("catalog-host") as CatalogHost;
  document.body.append(host);
  await until(() => host.seen.length === 1);
  expect(host.seen).toEqual([undefined]);

  await repository.refreshCatalog();
  await until(() => host.seen.length === 2);
  expect(host.seen[1]).toEqual(catalog);

  await repository.forget();
  await until(() => host.seen.length === 3);
  expect(host.seen[2]).toBeUndefined();

  host.remove();
  await repository.refreshCatalog();
  await new Promise((r) => setTimeout(r, 50));
  expect(host.seen).toHaveLength(3);
});
