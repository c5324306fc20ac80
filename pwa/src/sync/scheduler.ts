/**
 * When the client syncs: on start, when the browser comes back online, when the app returns to
 * the foreground, soon after a change, periodically with backoff after failures, and through
 * Background Sync where the browser has it (the service worker posts "dossier-sync" to the open
 * windows, sw.ts). Nothing here decides *what* is sent; that is client.ts.
 */
import type { SyncClient, SyncReport } from "./client";

export const BACKGROUND_SYNC_TAG = "dossier-outbox";
export const SW_SYNC_MESSAGE = "dossier-sync";

export interface SchedulerOptions {
  /** Delay after a change, so a burst of edits goes in one push. */
  debounceMs?: number;
  /** Interval while nothing fails; doubles per failure up to maxMs. */
  periodMs?: number;
  maxMs?: number;
  /** Tests replace the browser's hooks. */
  window?: Pick<Window, "addEventListener" | "removeEventListener"> | null;
  document?: Pick<Document, "addEventListener" | "removeEventListener" | "visibilityState"> | null;
  serviceWorker?: ServiceWorkerContainer | null;
}

interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

/** The next interval: `period` after success, doubled per failure in a row, capped. */
export function backoff(periodMs: number, maxMs: number, failures: number): number {
  return Math.min(maxMs, periodMs * 2 ** Math.min(failures, 16));
}

export class SyncScheduler {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private running: Promise<SyncReport> | null = null;
  private again = false;
  private readonly undo: (() => void)[] = [];
  private readonly debounceMs: number;
  private readonly periodMs: number;
  private readonly maxMs: number;

  constructor(
    private readonly client: SyncClient,
    private readonly options: SchedulerOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 1500;
    this.periodMs = options.periodMs ?? 60_000;
    this.maxMs = options.maxMs ?? 15 * 60_000;
  }

  start(): void {
    const win = this.options.window === undefined ? (typeof window === "undefined" ? null : window) : this.options.window;
    const doc = this.options.document === undefined ? (typeof document === "undefined" ? null : document) : this.options.document;
    const sw = this.options.serviceWorker === undefined ? (typeof navigator === "undefined" ? null : (navigator.serviceWorker ?? null)) : this.options.serviceWorker;
    const now = (): void => void this.run();
    const visible = (): void => {
      if (doc?.visibilityState === "visible") void this.run();
    };
    const fromWorker = (event: Event): void => {
      if ((event as MessageEvent<{ type?: string }>).data?.type === SW_SYNC_MESSAGE) void this.run();
    };
    const changed = (): void => this.soon();
    win?.addEventListener("online", now);
    doc?.addEventListener("visibilitychange", visible);
    sw?.addEventListener("message", fromWorker);
    this.client.events.addEventListener("local-change", changed);
    this.undo.push(
      () => win?.removeEventListener("online", now),
      () => doc?.removeEventListener("visibilitychange", visible),
      () => sw?.removeEventListener("message", fromWorker),
      () => this.client.events.removeEventListener("local-change", changed),
    );
    void this.run();
  }

  stop(): void {
    for (const undo of this.undo.splice(0)) undo();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Sync shortly (after a change); also asks the browser for a Background Sync. */
  soon(): void {
    this.plan(this.debounceMs);
    void this.registerBackgroundSync();
  }

  /** Sync now; a call while a sync runs makes one more run after it. */
  async run(): Promise<SyncReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.client.sync();
    try {
      const report = await this.running;
      const waitsForPerson = report.error === "update-required" || report.error === "signed-out" || report.error === "other-user";
      const failed = report.error !== undefined && !waitsForPerson;
      this.failures = failed ? this.failures + 1 : 0;
      const waiting = (await this.client.status()).waiting;
      if (waitsForPerson) {
        // Nothing to gain from retrying until the app updated or the right user signed in again.
        if (this.timer !== null) clearTimeout(this.timer);
        this.timer = null;
      } else {
        this.plan(waiting > 0 || failed ? backoff(this.periodMs, this.maxMs, this.failures) : this.periodMs * 5);
      }
      return report;
    } finally {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.plan(0);
      }
    }
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  private plan(delayMs: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, delayMs);
  }

  private async registerBackgroundSync(): Promise<void> {
    const sw = this.options.serviceWorker === undefined ? (typeof navigator === "undefined" ? null : (navigator.serviceWorker ?? null)) : this.options.serviceWorker;
    if (!sw) return;
    try {
      const registration = (await sw.ready) as ServiceWorkerRegistration & { sync?: SyncManagerLike };
      await registration.sync?.register(BACKGROUND_SYNC_TAG);
    } catch {
      /* not offered (Firefox, Safari) or refused: online, start and the timer still push */
    }
  }
}
