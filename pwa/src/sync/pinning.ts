/**
 * Pinning dossiers for offline use (docs/adr/0026). Pin: the dossier's cursor goes into the sync
 * database, a check-out (lease) is queued and a sync runs; every sync's result is projected into
 * the screens' store (projection.ts) and the files are kept up to the budget (files.ts). Unpin:
 * pending changes are pushed, a check-in is queued and pushed, and the pinned copy (replica and
 * files) is dropped; what the screens' store holds stays as any opened dossier's does.
 */
import type { Repository } from "../data/repository";
import type { StoredDocument } from "../data/store";
import type { SyncClient } from "./client";
import { bytesOf, dropFiles, keepFiles, keptFiles, storageBudget, trimToBudget, type FetchOptions } from "./files";
import { checkin, checkout, renew } from "./mutations";
import { project, writeProjection, type Lease, type Projection } from "./projection";

/** A check-out lasts 30 days (the protocol's longest) and is renewed when half of it has passed. */
export const LEASE_SECONDS = 30 * 24 * 3600;

interface PinRecord {
  customerId: string;
  pinnedAt: number;
  renewedAt: number;
}

export interface PinnedUsage {
  customerId: string;
  name: string;
  documents: number;
  files: number;
  bytes: number;
  skipped: number;
}

const pinKey = (customerId: string): string => `pin:${customerId}`;

export class Pinning {
  /** "changed" with detail {customerId}: a pin, an unpin, a projection or new files. */
  readonly events = new EventTarget();
  private running: Promise<void> = Promise.resolve();
  private again = false;
  private queued = false;

  constructor(
    private readonly client: SyncClient,
    private readonly repo: Repository,
    private readonly persist: () => Promise<boolean> = async () => (await navigator.storage?.persist?.()) ?? false,
    /** Where files are kept and fetched from (tests give a cache and a server of their own). */
    private readonly files: FetchOptions = {},
  ) {
    client.events.addEventListener("changed", () => this.refresh());
    client.events.addEventListener("pulled", () => this.thumbnailsSoon());
  }

  private fetchingThumbnails = false;

  /**
   * While a pull goes on (a round landed, more wait): fetch the thumbnails of what has arrived,
   * so the list has its images when the pull ends. The screens' store is written only after the
   * whole pull (a half-pulled dossier would show half its documents). Once at a time.
   */
  private thumbnailsSoon(): void {
    if (this.fetchingThumbnails || navigator.onLine === false) return;
    this.fetchingThumbnails = true;
    this.running = this.running
      .then(async () => {
        for (const customerId of await this.pinned()) {
          const projection = await this.projection(customerId);
          await keepFiles(this.db, customerId, projection.documents, { ...this.files, only: "thumbnail" });
        }
      })
      .catch((error: unknown) => console.warn("pinned thumbnails", error))
      .finally(() => (this.fetchingThumbnails = false));
  }

  private get db() {
    return this.client.db;
  }

  async pinned(): Promise<string[]> {
    return this.client.tracked();
  }

  async isPinned(customerId: string): Promise<boolean> {
    return (await this.db.get("cursors", customerId)) !== undefined;
  }

  /** Pin: cursor, check-out, a sync; the first pin asks the browser to keep the storage. */
  async pin(customerId: string): Promise<void> {
    await this.pinAll([customerId]);
  }

  /**
   * Pin several dossiers with one sync (the day's visits, issue 8); those pinned already keep
   * their check-out. Answers how many were pinned now.
   */
  async pinAll(customerIds: readonly string[]): Promise<number> {
    const pinned = new Set(await this.pinned());
    const fresh = [...new Set(customerIds)].filter((id) => !pinned.has(id));
    if (fresh.length === 0) return 0;
    const now = Date.now();
    for (const customerId of fresh) {
      await this.client.track(customerId);
      await this.db.put("meta", { customerId, pinnedAt: now, renewedAt: now } satisfies PinRecord, pinKey(customerId));
      await this.client.change(checkout(customerId, LEASE_SECONDS));
      this.notify(customerId);
    }
    if (pinned.size === 0) void this.persist().catch(() => false);
    await this.client.sync();
    return fresh.length;
  }

  /** Unpin: push what waits, check in, drop the pinned copy. Offline, the check-in waits in the outbox. */
  async unpin(customerId: string): Promise<void> {
    await this.client.push();
    await this.client.change(checkin(customerId));
    await this.client.untrack(customerId);
    await this.client.push();
    await this.forget(customerId);
  }

  private async forget(customerId: string): Promise<void> {
    await dropFiles(this.db, customerId, this.files.cache);
    await this.db.delete("meta", pinKey(customerId));
    this.notify(customerId);
  }

  /** Renew check-outs that are half over (called on start). */
  async renewDue(now = Date.now()): Promise<void> {
    for (const customerId of await this.pinned()) {
      const record = (await this.db.get("meta", pinKey(customerId))) as PinRecord | undefined;
      if (record && now - record.renewedAt > (LEASE_SECONDS * 1000) / 2) {
        await this.db.put("meta", { ...record, renewedAt: now }, pinKey(customerId));
        await this.client.change(renew(customerId, LEASE_SECONDS));
      }
    }
  }

  /** The pinned copy as the screens will show it (the replica with pending changes on top). */
  async projection(customerId: string): Promise<Projection> {
    return project(customerId, await this.client.dossier(customerId), await this.repo.catalog());
  }

  async leases(customerId: string): Promise<Lease[]> {
    return (await this.projection(customerId)).leases;
  }

  async usage(): Promise<PinnedUsage[]> {
    const out: PinnedUsage[] = [];
    for (const customerId of await this.pinned()) {
      const kept = await keptFiles(this.db, customerId);
      const customer = await this.repo.store.customer(customerId);
      out.push({
        customerId,
        name: customer?.name ?? customerId,
        documents: kept?.documents ?? 0,
        files: Object.keys(kept?.files ?? {}).length,
        bytes: bytesOf(kept),
        skipped: kept?.skipped ?? 0,
      });
    }
    return out;
  }

  /** Project every pinned dossier and keep its files; runs once at a time, again if asked meanwhile. */
  refresh(): Promise<void> {
    if (this.queued) {
      this.again = true;
      return this.running;
    }
    this.queued = true;
    this.running = this.running.then(async () => {
      do {
        this.again = false;
        await this.refreshOnce().catch((error: unknown) => console.warn("pinned dossiers", error));
      } while (this.again);
      this.queued = false;
    });
    return this.running;
  }

  private async refreshOnce(): Promise<void> {
    const pinned = new Set(await this.pinned());
    // A dossier the server evicted (access or lease ended) loses its pin and files.
    const records = (await this.db.getAllKeys("meta")).map(String).filter((k) => k.startsWith("pin:"));
    for (const key of records) {
      const customerId = key.slice(4);
      if (!pinned.has(customerId)) await this.forget(customerId);
    }
    const documents = new Map<string, readonly StoredDocument[]>();
    for (const customerId of pinned) {
      // Made just before it is written: a change made on the device meanwhile (a capture) is in it.
      const projection = await this.projection(customerId);
      if (!projection.customer) continue;
      documents.set(customerId, projection.documents);
      // The files are fetched while the screens' store is written: they need only the plan.
      const files = navigator.onLine !== false ? keepFiles(this.db, customerId, projection.documents, this.files) : null;
      try {
        await writeProjection(this.repo.store, projection);
        this.repo.events.dispatchEvent(new CustomEvent("changed", { detail: { what: "dossier", id: customerId } }));
        this.notify(customerId);
      } finally {
        if (files) {
          await files;
          this.notify(customerId);
        }
      }
    }
    // A lowered budget: what no longer fits goes (oldest documents' files first, thumbnails
    // last); the runs above fetched nothing new beyond it.
    await trimToBudget(this.db, documents, this.files.budget ?? storageBudget(), this.files.cache);
  }

  private notify(customerId: string): void {
    this.events.dispatchEvent(new CustomEvent("changed", { detail: { customerId } }));
  }
}
