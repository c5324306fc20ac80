import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { openSyncDb } from "./db";
import { SyncClient } from "./client";
import { FakeServer, FakeTransport } from "./fake-server";
import { ConflictScreen, parseNewValue } from "./conflict-screen";
import { setLanguage } from "../i18n";
import { waitingText } from "./labels";
import type { ConflictRecord } from "./protocol";

let n = 0;
afterEach(() => {
  document.body.replaceChildren();
  setLanguage("en");
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
}

const conflict = (id: string, extra: Partial<ConflictRecord> = {}): ConflictRecord => ({
  id,
  customer_id: "c1",
  entity: "document",
  entity_id: "d1",
  field: "index_values",
  key: "amount",
  by: "u1",
  by_name: "Anna",
  device: "tablet",
  at: "2026-11-29T08:10:00Z",
  base: 100,
  mine: 120,
  theirs: 150,
  ...extra,
});

async function clientWith(conflicts: ConflictRecord[]): Promise<SyncClient> {
  const client = new SyncClient(await openSyncDb(`ui-${++n}`), new FakeTransport(new FakeServer()), { lock: { tryRun: (t) => t() }, channel: null });
  const tx = client.db.transaction("conflicts", "readwrite");
  for (const c of conflicts) await tx.store.put(c);
  await tx.done;
  return client;
}

async function screenFor(client: SyncClient): Promise<ConflictScreen> {
  const screen = document.createElement("conflict-screen") as ConflictScreen;
  screen.client = client;
  document.body.append(screen);
  await until(() => screen.shadowRoot?.querySelectorAll("fieldset").length === screen.conflicts.length && screen.conflicts.length > 0);
  return screen;
}

function button(root: ShadowRoot, fieldset: number, text: string): HTMLButtonElement {
  const found = [...root.querySelectorAll("fieldset")[fieldset]!.querySelectorAll("button")].find((b) => b.textContent?.trim() === text);
  if (!found) throw new Error(`no button ${text}`);
  return found;
}

describe("the conflict screen", () => {
  it("shows base, mine and theirs and turns one tap into a resolve mutation", async () => {
    const client = await clientWith([conflict("k1"), conflict("k2", { key: "number", base: "O-1", mine: "O-1a", theirs: "O-1b" })]);
    const screen = await screenFor(client);
    const root = screen.shadowRoot!;
    expect([...root.querySelectorAll("fieldset")[0]!.querySelectorAll("dd")].map((d) => d.textContent)).toEqual(["100", "120", "150"]);
    expect(root.querySelector("legend")?.textContent).toBe("Index values: amount");
    button(root, 0, "Keep mine").click();
    await until(() => screen.conflicts.length === 1 && screen.busy === null);
    await screen.updateComplete;
    button(root, 0, "Keep theirs").click();
    await until(() => screen.conflicts.length === 0);
    const sent = (await client.outbox.items()).map((i) => i.mutation);
    expect(sent.map((m) => [m.id, m.kind, m.entity, m.entity_id, m.customer_id, m.resolution])).toEqual([
      [1, "resolve", "conflict", "k1", "c1", { choice: "keep_mine" }],
      [2, "resolve", "conflict", "k2", "c1", { choice: "keep_theirs" }],
    ]);
    expect(root.textContent).toContain("No conflicts to resolve.");
  });

  it("takes a new value typed like the values in conflict", async () => {
    const client = await clientWith([conflict("k1")]);
    const screen = await screenFor(client);
    const root = screen.shadowRoot!;
    const input = root.querySelector("input")!;
    expect(root.querySelector(`label[for="${input.id}"]`)?.textContent).toBe("New value");
    input.value = "135,5";
    root.querySelector("form")!.requestSubmit();
    await until(() => screen.conflicts.length === 0);
    expect((await client.outbox.items())[0]?.mutation.resolution).toEqual({ choice: "new_value", value: 135.5 });
  });

  it("offers only mine or theirs for a whole-entity conflict and says what was deleted", async () => {
    const client = await clientWith([conflict("k3", { field: "*", key: null, base: undefined, mine: undefined, theirs: { title: "Offer" } })]);
    const screen = await screenFor(client);
    const root = screen.shadowRoot!;
    expect(root.querySelector("form")).toBeNull();
    expect(root.querySelector("legend")?.textContent).toBe("The whole document");
    expect([...root.querySelectorAll("dd")].map((d) => d.textContent)).toEqual(["Deleted", "title: Offer"]);
  });

  it("reads new values by the conflict's type", () => {
    expect(parseNewValue("", conflict("a"))).toBeUndefined();
    expect(parseNewValue("", conflict("a", { key: null }))).toBeNull();
    expect(parseNewValue("x", conflict("a"))).toBe("x");
    expect(parseNewValue("Acme", conflict("a", { base: "A", mine: "B", theirs: "C" }))).toBe("Acme");
  });
});

describe("the outbox badge", () => {
  it("says how many changes wait, in the language's plural", async () => {
    expect(waitingText(1)).toBe("1 change waiting");
    expect(waitingText(3)).toBe("3 changes waiting");
    setLanguage("pl");
    expect([1, 3, 5].map(waitingText)).toEqual(["1 zmiana czeka", "3 zmiany czekają", "5 zmian czeka"]);
    setLanguage("de");
    expect(waitingText(2)).toBe("2 Änderungen warten");
  });
});
