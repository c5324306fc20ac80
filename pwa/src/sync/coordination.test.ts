import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { openSyncDb } from "./db";
import { SyncClient } from "./client";
import { IdbLeasePushLock, SyncChannel, WebLocksPushLock } from "./coordination";
import { FakeServer, FakeTransport } from "./fake-server";
import { documentView } from "./mutations";

let n = 0;
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

describe("two tabs over one database", () => {
  it("never push the same mutation twice, whichever pushes", async () => {
    const name = `tabs-${++n}`;
    const server = new FakeServer();
    server.write("customer", "c1", "c1", { name: "Acme" });
    server.write("document", "d1", "c1", { title: "Offer" });
    const tabs = await Promise.all(
      [0, 1].map(async () => {
        const db = await openSyncDb(name);
        const transport = new FakeTransport(server);
        transport.delay = tick; // answers take a while, so the tabs' pushes overlap
        return new SyncClient(db, transport, { lock: new IdbLeasePushLock(db), channel: null, batchSize: 3 });
      }),
    );
    for (let i = 0; i < 10; i++) await tabs[i % 2]!.change(documentView("d1", "c1"));
    const reports = await Promise.all([tabs[0]!.sync(), tabs[1]!.sync(), tabs[0]!.sync(), tabs[1]!.sync()]);
    expect(reports.filter((r) => r.ran).length).toBeGreaterThanOrEqual(1);
    expect(reports.filter((r) => !r.ran).length).toBeGreaterThanOrEqual(1);
    await tabs[1]!.sync();
    expect(server.received).toHaveLength(10);
    expect(new Set(server.received).size).toBe(10);
    expect(server.views).toHaveLength(10);
    expect(await tabs[0]!.outbox.items()).toEqual([]);
  });

  it("take over a lease that a closed tab left behind once it expired", async () => {
    const db = await openSyncDb(`tabs-${++n}`);
    let now = 1000;
    const gone = new IdbLeasePushLock(db, 30_000, () => now);
    const other = new IdbLeasePushLock(db, 30_000, () => now);
    let release!: () => void;
    const held = gone.tryRun(() => new Promise<string>((resolve) => (release = () => resolve("first"))));
    await tick();
    expect(await other.tryRun(async () => "second")).toBeNull();
    now += 30_001; // the first tab stopped renewing (closed)
    expect(await other.tryRun(async () => "second")).toBe("second");
    release();
    expect(await held).toBe("first");
  });

  it("use the browser's Web Locks where there are some", async () => {
    const held = new Set<string>();
    const locks = {
      async request<T>(name: string, _: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T> {
        if (held.has(name)) return callback(null);
        held.add(name);
        try {
          return await callback({ name });
        } finally {
          held.delete(name);
        }
      },
    };
    const a = new WebLocksPushLock(locks);
    const b = new WebLocksPushLock(locks);
    let inner: string | null = "unset";
    const outer = await a.tryRun(async () => {
      inner = await b.tryRun(async () => "b");
      return "a";
    });
    expect([outer, inner]).toEqual(["a", null]);
  });

  it("tell each other that something changed", async () => {
    const name = `channel-${++n}`;
    const [one, two] = [new SyncChannel(name), new SyncChannel(name)];
    const heard = new Promise((resolve) => two.listen(resolve));
    one.post({ type: "changed" });
    expect(await heard).toEqual({ type: "changed" });
    one.close();
    two.close();
  });
});
