/**
 * The live-update connection (docs/adr/0019): one GraphQL subscription, `documentEvents`, over
 * WebSocket with the graphql-transport-ws protocol (the `graphql-ws` package). It runs while a
 * user is signed in and the browser is online: `start()` after sign-in, `stop()` on sign-out or
 * an expired session; going offline closes the socket, coming back online opens it again.
 *
 * The socket carries the session cookie like any same-origin request; the server needs no CSRF
 * token on it (the upgrade is a GET, and cross-origin handshakes are refused by the server).
 * A dropped connection is retried with exponential backoff and jitter, without end while online;
 * a subscription the server ends or refuses is asked for again after the same backoff, except
 * when the session is gone (`onSignedOut`), which stops the connection.
 */
import type { Client, ClientOptions, Sink } from "graphql-ws";
import { DOCUMENT_EVENTS } from "../data/operations";
import type { DocumentEventsSubscription } from "../generated/graphql";

export type LiveEvent = DocumentEventsSubscription["documentEvents"];

export type CreateClient = (options: ClientOptions) => Pick<Client, "subscribe" | "dispose">;

/** The browser's hooks, replaced in tests. */
export interface LiveEnvironment {
  online(): boolean;
  addEventListener(type: "online" | "offline", listener: () => void): void;
  removeEventListener(type: "online" | "offline", listener: () => void): void;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}

export interface LiveOptions {
  url: string;
  createClient: CreateClient;
  onEvent(event: LiveEvent): void;
  /** The server says the session is gone: the connection has stopped. */
  onSignedOut?(code: string): void;
  /** Connected again after a gap (a dropped socket, or offline): events of the gap were missed. */
  onReconnected?(): void;
  environment?: LiveEnvironment;
  /** First retry delay and the cap, in ms. */
  baseMs?: number;
  maxMs?: number;
}

/** The wait before retry `attempt` (0 first): doubles from `baseMs` up to `maxMs`, with jitter
 * between half and all of it, so clients dropped together do not come back together. */
export function retryDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

const SIGNED_OUT = new Set(["unauthenticated", "session_expired", "device_revoked"]);

/** The stable code of a subscription's error, if the server gave one. */
export function errorCode(error: unknown): string | null {
  const list = Array.isArray(error) ? error : [error];
  for (const item of list) {
    const code = (item as { extensions?: { code?: unknown } } | null)?.extensions?.code;
    if (typeof code === "string") return code;
  }
  return null;
}

const browser: LiveEnvironment = {
  online: () => navigator.onLine,
  addEventListener: (type, listener) => window.addEventListener(type, listener),
  removeEventListener: (type, listener) => window.removeEventListener(type, listener),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  random: () => Math.random(),
};

export class LiveUpdates {
  private client: Pick<Client, "subscribe" | "dispose"> | null = null;
  private unsubscribe: (() => void) | null = null;
  private resubscribe: unknown = null;
  private running = false;
  /** Retries of the subscription in a row (the socket's own are counted by graphql-ws). */
  private failures = 0;
  private readonly env: LiveEnvironment;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(private readonly options: LiveOptions) {
    this.env = options.environment ?? browser;
    this.baseMs = options.baseMs ?? 1000;
    this.maxMs = options.maxMs ?? 60_000;
  }

  /** Whether a connection is wanted and the browser online (then a socket is open or opening). */
  get connected(): boolean {
    return this.client !== null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.env.addEventListener("online", this.onOnline);
    this.env.addEventListener("offline", this.onOffline);
    if (this.env.online()) this.connect();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.env.removeEventListener("online", this.onOnline);
    this.env.removeEventListener("offline", this.onOffline);
    this.disconnect();
  }

  private readonly onOnline = (): void => {
    if (this.running && !this.client) {
      this.failures = 0;
      this.connect(true);
    }
  };

  private readonly onOffline = (): void => this.disconnect();

  /** `afterGap`: the first connection already follows a gap (the browser was offline). */
  private connect(afterGap = false): void {
    const { random } = this.env;
    this.client = this.options.createClient({
      url: this.options.url,
      lazy: true,
      retryAttempts: Number.POSITIVE_INFINITY,
      // Every close is worth another try while online; offline, disconnect() ends the client.
      shouldRetry: () => true,
      retryWait: (retries) =>
        new Promise((resolve) => this.env.setTimeout(resolve, retryDelay(retries, this.baseMs, this.maxMs, random))),
      on: {
        connected: (_socket, _payload, wasRetry) => {
          if (wasRetry || afterGap) this.options.onReconnected?.();
          afterGap = false;
        },
      },
    });
    this.subscribe();
  }

  private subscribe(): void {
    const client = this.client;
    if (!client) return;
    const sink: Sink<{ data?: { documentEvents: LiveEvent } | null; errors?: unknown }> = {
      next: (result) => {
        // The server answers a subscription it refuses with errors in a "next", then "complete".
        const code = result.errors ? errorCode(result.errors) : null;
        if (code !== null && SIGNED_OUT.has(code)) return this.signedOut(code);
        const event = result.data?.documentEvents;
        if (!event) return;
        this.failures = 0;
        this.options.onEvent(event);
      },
      error: (error) => this.ended(client, errorCode(error)),
      complete: () => this.ended(client, null),
    };
    this.unsubscribe = client.subscribe({ query: DOCUMENT_EVENTS }, sink);
  }

  /** The subscription ended (the server completed it or answered an error). */
  private ended(client: Pick<Client, "subscribe" | "dispose">, code: string | null): void {
    if (client !== this.client) return; // an old client's goodbye
    this.unsubscribe = null;
    if (code !== null && SIGNED_OUT.has(code)) return this.signedOut(code);
    const wait = retryDelay(this.failures++, this.baseMs, this.maxMs, this.env.random);
    this.resubscribe = this.env.setTimeout(() => {
      this.resubscribe = null;
      if (client === this.client) this.subscribe();
    }, wait);
  }

  private signedOut(code: string): void {
    this.stop();
    this.options.onSignedOut?.(code);
  }

  private disconnect(): void {
    if (this.resubscribe !== null) this.env.clearTimeout(this.resubscribe);
    this.resubscribe = null;
    const client = this.client;
    this.client = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    void client?.dispose();
  }
}
