import "fake-indexeddb/auto";
import { describe, expect, it, vi } from "vitest";
import { openSyncDb } from "./db";
import { SyncClient } from "./client";
import { FakeServer, FakeTransport } from "./fake-server";
import { backoff, SyncScheduler } from "./scheduler";
import { documentView } from "./mutations";

let n = 0;

async function setup(periodMs = 20) {
  const server = new FakeServer();
  server.write("customer", "c1", "c1", { name: "Acme" });
  server.write("document", "d1", "c1", { title: "Offer" });
  const transport = new FakeTransport(server);
  const client = new SyncClient(await openSyncDb(`scheduler-${++n}`), transport, { lock: { tryRun: (t) => t() }, channel: null });
  const win = new EventTarget() as unknown as Window;
  const scheduler = new SyncScheduler(client, { window: win, document: null, serviceWorker: null, debounceMs: 10, periodMs, maxMs: 2 * periodMs });
  return { server, transport, client, win, scheduler };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("the sync scheduler", () => {
  it("backs off by doubling up to a cap", () => {
    expect([0, 1, 2, 3, 10].map((f) => backoff(1000, 8000, f))).toEqual([1000, 2000, 4000, 8000, 8000]);
  });

  it("syncs on start, after a change, and when the browser is online again", async () => {
    const { server, transport, client, win, scheduler } = await setup(60_000);
    transport.fallback = "down";
    await client.change(documentView("d1", "c1"));
    scheduler.start();
    await vi.waitFor(() => expect(scheduler.consecutiveFailures).toBe(1));
    expect(server.views).toEqual([]);
    transport.fallback = "none";
    win.dispatchEvent(new Event("online"));
    await vi.waitFor(() => expect(server.views).toEqual(["d1"]));
    expect(scheduler.consecutiveFailures).toBe(0);
    await client.change(documentView("d1", "c1"));
    await sleep(30);
    await vi.waitFor(() => expect(server.views).toEqual(["d1", "d1"]));
    scheduler.stop();
  });

  it("stops retrying while the app must update, keeping the outbox", async () => {
    const { server, transport, client, scheduler } = await setup();
    server.minVersion = 3;
    await client.change(documentView("d1", "c1"));
    const report = await scheduler.run();
    expect(report.error).toBe("update-required");
    const calls = transport.calls;
    await sleep(100);
    expect(transport.calls).toBe(calls);
    expect((await client.status()).waiting).toBe(1);
  });
});
