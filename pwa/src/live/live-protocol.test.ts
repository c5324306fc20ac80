// @vitest-environment node
/**
 * The live client against a real graphql-transport-ws server (graphql-ws over `ws`): events
 * arrive, a socket the server drops is opened again and the subscription asked for anew, and
 * stop() closes the socket.
 */
import { afterEach, describe, expect, it } from "vitest";
import { buildSchema, execute, parse, subscribe, validate } from "graphql";
import { createClient } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocket, WebSocketServer } from "ws";
import { LiveUpdates, type LiveEnvironment, type LiveEvent } from "./live-client";

const schema = buildSchema(`
  enum NotificationEvent { DOCUMENT_CREATED VERSION_ADDED STATUS_CHANGED }
  type DocumentEvent { event: NotificationEvent! documentId: ID! customerId: ID! versionId: ID }
  type Query { ok: Boolean }
  type Subscription { documentEvents(customerId: ID): DocumentEvent! }
`);

/** The server side: who listens, and a way to tell them something. */
class Server {
  readonly listeners = new Set<(event: LiveEvent) => void>();
  connections = 0;
  /** Subscriptions started (a dropped one's generator ends only at its next event). */
  subscriptions = 0;
  private constructor(
    readonly wss: WebSocketServer,
    private readonly cleanup: { dispose(): unknown },
  ) {}

  static async start(): Promise<Server> {
    const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
    const holder: { server?: Server } = {};
    const listeners = new Set<(event: LiveEvent) => void>();
    async function* documentEvents(): AsyncGenerator<{ documentEvents: LiveEvent }> {
      const queue: LiveEvent[] = [];
      let wake: (() => void) | null = null;
      const listener = (event: LiveEvent): void => {
        queue.push(event);
        wake?.();
      };
      listeners.add(listener);
      holder.server!.subscriptions += 1;
      try {
        for (;;) {
          while (queue.length > 0) yield { documentEvents: queue.shift()! };
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
        }
      } finally {
        listeners.delete(listener);
      }
    }
    const cleanup = useServer(
      {
        schema,
        roots: { subscription: { documentEvents } },
        // The test's graphql module, not another copy of it (vitest may load two).
        parse,
        validate,
        execute,
        subscribe,
        onConnect: () => void (holder.server!.connections += 1),
      },
      wss,
    );
    const server = new Server(wss, cleanup);
    (server as { listeners: Set<(event: LiveEvent) => void> }).listeners = listeners;
    holder.server = server;
    return server;
  }

  get url(): string {
    const address = this.wss.address();
    if (address === null || typeof address === "string") throw new Error(String(address));
    return `ws://127.0.0.1:${address.port}/graphql`;
  }

  publish(event: LiveEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Drop every connection, as a restarting server or a broken network does. */
  drop(): void {
    for (const socket of this.wss.clients) socket.terminate();
  }

  async stop(): Promise<void> {
    await this.cleanup.dispose();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

const online: LiveEnvironment = {
  online: () => true,
  addEventListener: () => undefined,
  removeEventListener: () => undefined,
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  random: () => 0.5,
};

async function until(check: () => boolean, ms = 4000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("not within time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const event = (documentId: string): LiveEvent => ({ event: "DOCUMENT_CREATED", documentId, customerId: "c1", versionId: null });

let server: Server | null = null;
let live: LiveUpdates | null = null;

afterEach(async () => {
  live?.stop();
  await server?.stop();
  server = live = null;
});

describe("LiveUpdates over graphql-transport-ws", () => {
  it("hears events, comes back after the server drops the socket, and closes on stop()", async () => {
    server = await Server.start();
    const heard: LiveEvent[] = [];
    live = new LiveUpdates({
      url: server.url,
      createClient: (options) => createClient({ ...options, webSocketImpl: WebSocket }),
      onEvent: (e) => heard.push(e),
      environment: online,
      baseMs: 20,
      maxMs: 100,
    });
    live.start();
    const s = server;
    await until(() => s.subscriptions === 1);
    s.publish(event("d1"));
    await until(() => heard.length === 1);

    s.drop();
    await until(() => s.connections === 2 && s.subscriptions === 2);
    s.publish(event("d2"));
    await until(() => heard.length === 2);
    expect(heard.map((e) => e.documentId)).toEqual(["d1", "d2"]);

    live.stop();
    await until(() => s.wss.clients.size === 0);
  });
});
