import { describe, expect, it } from "vitest";
import type { ClientOptions, Sink } from "graphql-ws";
import { errorCode, LiveUpdates, retryDelay, type LiveEnvironment, type LiveEvent } from "./live-client";

/** A graphql-ws client stand-in: records its options and the subscriptions' sinks. */
class FakeClient {
  readonly sinks: Sink<unknown>[] = [];
  unsubscribed = 0;
  disposed = false;
  constructor(readonly options: ClientOptions) {}
  subscribe(_payload: unknown, sink: Sink<unknown>): () => void {
    this.sinks.push(sink);
    return () => void (this.unsubscribed += 1);
  }
  dispose(): void {
    this.disposed = true;
  }
  get sink(): Sink<unknown> {
    return this.sinks[this.sinks.length - 1]!;
  }
}

/** The browser's online state, events and timers under the test's control. */
class FakeEnvironment implements LiveEnvironment {
  isOnline = true;
  readonly listeners = new Map<string, Set<() => void>>();
  timers: { run: () => void; ms: number; cleared: boolean }[] = [];
  online(): boolean {
    return this.isOnline;
  }
  addEventListener(type: string, listener: () => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }
  removeEventListener(type: string, listener: () => void): void {
    this.listeners.get(type)?.delete(listener);
  }
  fire(type: "online" | "offline"): void {
    this.isOnline = type === "online";
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener();
  }
  setTimeout(run: () => void, ms: number): unknown {
    const timer = { run, ms, cleared: false };
    this.timers.push(timer);
    return timer;
  }
  clearTimeout(handle: unknown): void {
    (handle as { cleared: boolean }).cleared = true;
  }
  random(): number {
    return 1;
  }
  /** Run the timers due so far (not the ones they set). */
  tick(): number[] {
    const due = this.timers.splice(0).filter((t) => !t.cleared);
    for (const t of due) t.run();
    return due.map((t) => t.ms);
  }
}

const EVENT: LiveEvent = { event: "DOCUMENT_CREATED", documentId: "d1", customerId: "c1", versionId: null };

function setUp(online = true) {
  const env = new FakeEnvironment();
  env.isOnline = online;
  const clients: FakeClient[] = [];
  const events: LiveEvent[] = [];
  const signedOut: string[] = [];
  const reconnected: number[] = [];
  const live = new LiveUpdates({
    url: "ws://app.test/graphql",
    createClient: (options) => {
      const client = new FakeClient(options);
      clients.push(client);
      return client;
    },
    onEvent: (event) => events.push(event),
    onSignedOut: (code) => signedOut.push(code),
    onReconnected: () => reconnected.push(clients.length),
    environment: env,
    baseMs: 1000,
    maxMs: 8000,
  });
  return { env, clients, events, signedOut, reconnected, live };
}

describe("retryDelay", () => {
  it("doubles per attempt up to the cap, with jitter between half and all of it", () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => retryDelay(n, 1000, 8000, () => 1))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(retryDelay(2, 1000, 8000, () => 0)).toBe(2000);
  });
});

describe("errorCode", () => {
  it("finds the server's code in a list of GraphQL errors", () => {
    expect(errorCode([{ message: "no", extensions: { code: "session_expired" } }])).toBe("session_expired");
    expect(errorCode(new Error("socket"))).toBeNull();
  });
});

describe("LiveUpdates", () => {
  it("connects lazily to the URL, retrying every close with backoff, and hands events on", async () => {
    const { env, clients, events, live } = setUp();
    live.start();
    expect(clients).toHaveLength(1);
    const options = clients[0]!.options;
    expect(options.url).toBe("ws://app.test/graphql");
    expect(options.lazy).toBe(true);
    expect(options.retryAttempts).toBe(Number.POSITIVE_INFINITY);
    expect(options.shouldRetry?.({ code: 1006 })).toBe(true);
    const waited = options.retryWait!(2);
    expect(env.tick()).toEqual([4000]);
    await waited;
    clients[0]!.sink.next({ data: { documentEvents: EVENT } });
    expect(events).toEqual([EVENT]);
  });

  it("waits while offline, closes when going offline, and opens again online", () => {
    const { env, clients, live } = setUp(false);
    live.start();
    expect(clients).toHaveLength(0);
    env.fire("online");
    expect(clients).toHaveLength(1);
    env.fire("offline");
    expect(clients[0]!.disposed).toBe(true);
    expect(clients[0]!.unsubscribed).toBe(1);
    expect(live.connected).toBe(false);
    env.fire("online");
    expect(clients).toHaveLength(2);
    expect(clients[1]!.sinks).toHaveLength(1);
  });

  it("asks again for a subscription the server ended, backing off while it keeps ending", () => {
    const { env, clients, live } = setUp();
    live.start();
    const client = clients[0]!;
    client.sink.complete();
    client.sink.error([{ message: "boom", extensions: { code: "internal_error" } }]);
    expect(env.tick()).toEqual([1000, 2000]);
    expect(client.sinks).toHaveLength(3);
    client.sink.next({ data: { documentEvents: EVENT } }); // a success resets the backoff
    client.sink.complete();
    expect(env.tick()).toEqual([1000]);
  });

  it("stops for good when the session is gone, and says so", () => {
    const { env, clients, signedOut, live } = setUp();
    live.start();
    clients[0]!.sink.error([{ message: "signed out", extensions: { code: "session_expired" } }]);
    expect(signedOut).toEqual(["session_expired"]);
    expect(clients[0]!.disposed).toBe(true);
    expect(env.timers).toHaveLength(0);
    env.fire("online");
    expect(clients).toHaveLength(1);
  });

  it("a refusal sent as errors in a result (the server's way) stops it too, and its complete is ignored", () => {
    const { env, clients, events, signedOut, live } = setUp();
    live.start();
    const client = clients[0]!;
    client.sink.next({ data: null, errors: [{ message: "sign in first", extensions: { code: "unauthenticated" } }] });
    client.sink.complete();
    expect(signedOut).toEqual(["unauthenticated"]);
    expect(client.disposed).toBe(true);
    expect(env.timers).toHaveLength(0);
    expect(events).toEqual([]);
  });

  it("errors in a result that are not about the session are no event and stop nothing", () => {
    const { clients, events, signedOut, live } = setUp();
    live.start();
    clients[0]!.sink.next({ data: null, errors: [{ message: "oops", extensions: { code: "internal_error" } }] });
    expect(signedOut).toEqual([]);
    expect(events).toEqual([]);
    expect(live.connected).toBe(true);
  });

  it("catches up after a gap: a retried socket, or the first one after being offline", () => {
    const { env, clients, reconnected, live } = setUp();
    live.start();
    const connected = (client: FakeClient, wasRetry: boolean) => {
      const listener = client.options.on?.connected as ((s: unknown, p: unknown, r: boolean) => void) | undefined;
      listener?.({}, undefined, wasRetry);
    };
    connected(clients[0]!, false);
    expect(reconnected).toEqual([]);
    connected(clients[0]!, true);
    expect(reconnected).toEqual([1]);
    env.fire("offline");
    env.fire("online");
    connected(clients[1]!, false);
    connected(clients[1]!, false);
    expect(reconnected).toEqual([1, 2]);
  });

  it("stop() on sign-out closes the socket, cancels a pending retry and ignores late goodbyes", () => {
    const { env, clients, events, live } = setUp();
    live.start();
    const client = clients[0]!;
    client.sink.complete();
    live.stop();
    expect(client.disposed).toBe(true);
    expect(env.timers.every((t) => t.cleared)).toBe(true);
    client.sink.complete();
    expect(env.timers.filter((t) => !t.cleared)).toHaveLength(0);
    env.fire("online");
    expect(clients).toHaveLength(1);
    expect(events).toEqual([]);
  });
});
