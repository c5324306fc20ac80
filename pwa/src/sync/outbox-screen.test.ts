import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { SyncClient } from "./client";
import { openSyncDb } from "./db";
import { FakeServer, FakeTransport } from "./fake-server";
import { documentView } from "./mutations";
import "./outbox-badge";
import type { OutboxBadge } from "./outbox-badge";
import "./outbox-screen";
import type { OutboxScreen } from "./outbox-screen";
import type { ConflictRecord } from "./protocol";

let n = 0;
afterEach(() => document.body.replaceChildren());

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
}

const conflict: ConflictRecord = {
  id: "k1",
  customer_id: "c1",
  entity: "document",
  entity_id: "d1",
  field: "title",
  key: null,
  by: "u1",
  by_name: "Anna",
  device: "tablet",
  at: "2026-11-29T08:10:00Z",
  base: "A",
  mine: "B",
  theirs: "C",
};

/** One change waiting, one refused by the server, one open conflict. */
async function busyClient(): Promise<SyncClient> {
  const client = new SyncClient(await openSyncDb(`outbox-ui-${++n}`), new FakeTransport(new FakeServer()), { lock: { tryRun: (t) => t() }, channel: null });
  await client.db.put("conflicts", conflict);
  await client.change(documentView("d1", "c1"));
  await client.change(documentView("gone", "c1"));
  await client.outbox.claim(2);
  await client.outbox.record([{ id: 2, outcome: "rejected", code: "unknown_entity", message: "no document gone" }]);
  return client;
}

describe("the shell's sync strip", () => {
  it("says what waits and leads to the outbox and the conflicts", async () => {
    const badge = document.createElement("outbox-badge") as OutboxBadge;
    badge.client = await busyClient();
    document.body.append(badge);
    await until(() => badge.status !== null);
    await badge.updateComplete;
    const links = [...badge.shadowRoot!.querySelectorAll("a")].map((a) => [a.getAttribute("href"), a.textContent?.replace(/\s+/g, " ").trim()]);
    expect(links).toEqual([
      ["/outbox", "1 change waiting"],
      ["/conflicts", "Conflicts to resolve: 1"],
    ]);
  });

  it("shows nothing while nothing waits", async () => {
    const badge = document.createElement("outbox-badge") as OutboxBadge;
    badge.client = new SyncClient(await openSyncDb(`outbox-ui-${++n}`), new FakeTransport(new FakeServer()), { lock: { tryRun: (t) => t() }, channel: null });
    document.body.append(badge);
    await until(() => badge.status !== null);
    await badge.updateComplete;
    expect(badge.shadowRoot!.querySelector(".strip")).toBeNull();
  });
});

describe("the outbox screen", () => {
  it("lists each change with its state and the server's reason; a refusal is retried or dismissed", async () => {
    const client = await busyClient();
    const screen = document.createElement("outbox-screen") as OutboxScreen;
    screen.client = client;
    document.body.append(screen);
    await until(() => screen.items.length === 2);
    await screen.updateComplete;
    const root = screen.shadowRoot!;
    const states = (): (string | null | undefined)[][] =>
      [...root.querySelectorAll("li")].map((li) => [li.dataset["id"], li.querySelector(".state")?.textContent]);
    expect(states()).toEqual([
      ["1", "Sending"],
      ["2", "Refused"],
    ]);
    expect(root.textContent).toContain("Refused by the server (unknown_entity): no document gone");
    expect(root.querySelectorAll("button.retry")).toHaveLength(1);

    root.querySelector<HTMLButtonElement>("button.retry")!.click();
    await until(() => screen.items.some((item) => item.id === 3));
    await screen.updateComplete;
    expect(states()).toEqual([
      ["1", "Sending"],
      ["3", "Waiting"],
    ]);
    expect((await client.outbox.items()).find((item) => item.id === 3)?.mutation.entity_id).toBe("gone");

    await client.outbox.claim(5);
    await client.outbox.record([{ id: 3, outcome: "rejected", code: "unknown_entity", message: "still gone" }]);
    await screen.refresh();
    await screen.updateComplete;
    root.querySelector<HTMLButtonElement>("button.dismiss")!.click();
    await until(() => screen.items.length === 1);
    expect(screen.items.map((item) => item.id)).toEqual([1]);
  });
});
