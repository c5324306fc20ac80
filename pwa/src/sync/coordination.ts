/**
 * Tabs of one browser share one outbox. Only one of them pushes at a time (a push lock), the
 * others hear that something changed (a broadcast) and read the database again.
 *
 * The lock is the Web Locks API where the browser has it (released by the browser when a tab
 * dies); elsewhere a lease row in the sync database, taken in a readwrite transaction (IndexedDB
 * runs those one at a time, so two tabs cannot both take it), renewed while the push runs and
 * taken over once it expired (a tab closed mid-push).
 */
import type { SyncDatabase } from "./db";

export interface PushLock {
  /** Run `task` holding the lock; null at once when another tab holds it. */
  tryRun<T>(task: () => Promise<T>): Promise<T | null>;
}

export const LOCK_NAME = "dossier-sync-push";

interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

export class WebLocksPushLock implements PushLock {
  constructor(private readonly locks: LockManagerLike) {}

  tryRun<T>(task: () => Promise<T>): Promise<T | null> {
    return this.locks.request(LOCK_NAME, { ifAvailable: true }, (lock) => (lock ? task() : Promise.resolve(null)));
  }
}

interface Lease {
  owner: string;
  until: number;
}

const LEASE_KEY = "pushLock";

export class IdbLeasePushLock implements PushLock {
  private readonly owner = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  /** This tab's own second caller waits for nothing either: the lease is not re-entrant. */
  private held = false;

  constructor(
    private readonly db: SyncDatabase,
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  private async take(): Promise<boolean> {
    const tx = this.db.transaction("meta", "readwrite");
    const lease = (await tx.store.get(LEASE_KEY)) as Lease | undefined;
    const free = lease === undefined || lease.owner === this.owner || lease.until <= this.now();
    if (free) await tx.store.put({ owner: this.owner, until: this.now() + this.ttlMs } satisfies Lease, LEASE_KEY);
    await tx.done;
    return free;
  }

  private async release(): Promise<void> {
    const tx = this.db.transaction("meta", "readwrite");
    const lease = (await tx.store.get(LEASE_KEY)) as Lease | undefined;
    if (lease?.owner === this.owner) await tx.store.delete(LEASE_KEY);
    await tx.done;
  }

  async tryRun<T>(task: () => Promise<T>): Promise<T | null> {
    if (this.held) return null;
    this.held = true;
    if (!(await this.take())) {
      this.held = false;
      return null;
    }
    const renew = setInterval(() => void this.take(), Math.max(1000, this.ttlMs / 3));
    try {
      return await task();
    } finally {
      clearInterval(renew);
      await this.release();
      this.held = false;
    }
  }
}

/** The browser's lock where there is one, else the lease. */
export function pushLockFor(db: SyncDatabase): PushLock {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  return locks && typeof locks.request === "function" ? new WebLocksPushLock(locks) : new IdbLeasePushLock(db);
}

export type SyncMessage = { type: "changed" } | { type: "outbox" };

/** Tells the other tabs; a no-op where BroadcastChannel is missing (then there is one tab). */
export class SyncChannel {
  private readonly channel: BroadcastChannel | null;
  private readonly listeners = new Set<(message: SyncMessage) => void>();

  constructor(name = "dossier-sync") {
    this.channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(name) : null;
    this.channel?.addEventListener("message", (event: MessageEvent<SyncMessage>) => {
      for (const listener of this.listeners) listener(event.data);
    });
  }

  post(message: SyncMessage): void {
    this.channel?.postMessage(message);
  }

  listen(listener: (message: SyncMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    this.channel?.close();
  }
}
