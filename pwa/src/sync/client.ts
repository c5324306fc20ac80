/**
 * The sync client: pushes the outbox in id order, pulls pinned dossiers by cursor, uploads
 * captured files in resumable chunks, and says how it went (`events`: "status", "changed").
 *
 * - Exactly once with the server's ledger: every mutation is sent until the server answered it;
 *   a lost answer or a crash mid-push just sends it again and the server says `duplicate`.
 * - Nothing is dropped on a refusal of the whole request: `update_required` and 401 keep the
 *   outbox and say so (status "update-required" / "signed-out").
 * - One pusher per browser (coordination.ts); other tabs hear "changed" and read again.
 */
import { applyPull, localDossier, localEntity, snapshotKey, snapshotTokens, type LocalEntity } from "./replica";
import type { SyncDatabase, StoredBlob } from "./db";
import { Outbox, type BlobInput, type MutationDraft } from "./outbox";
import { PROTOCOL_VERSION, MAX_BATCH, PULL_LIMIT, type Choice, type ConflictRecord, type Entity, type PullRequest } from "./protocol";
import { newDocument, resolution, sha256Hex, type NewDocument } from "./mutations";
import { pushLockFor, SyncChannel, type PushLock } from "./coordination";
import type { Json, JsonObject } from "./merge";
import {
  BlobRefused,
  SyncOffline,
  SyncSignedOut,
  SyncUpdateRequired,
  type SyncTransport,
} from "./transport";

export type SyncState = "idle" | "syncing" | "offline" | "signed-out" | "update-required" | "other-user" | "error";

export interface SyncStatus {
  state: SyncState;
  /** Changes not yet confirmed by the server. */
  waiting: number;
  conflicts: number;
  rejected: number;
  message?: string;
}

export interface SyncOptions {
  lock?: PushLock;
  channel?: SyncChannel | null;
  /** Mutations per push (at most MAX_BATCH). */
  batchSize?: number;
  /** Bytes per upload chunk. */
  chunkSize?: number;
  /** Most pull rounds per sync (has_more). */
  maxPullRounds?: number;
  /** The signed-in user's id, null when unknown (offline): binds the outbox (Outbox.bindUser). */
  user?: () => Promise<string | null>;
}

export interface SyncReport {
  /** False: another tab holds the lock (it syncs), nothing was done here. */
  ran: boolean;
  sent: number;
  pulled: number;
  error?: string;
}

const DEFAULT_CHUNK = 512 * 1024;

export class SyncClient {
  readonly outbox: Outbox;
  readonly events = new EventTarget();
  private readonly lock: PushLock;
  private readonly channel: SyncChannel | null;
  private readonly batchSize: number;
  private readonly chunkSize: number;
  private readonly maxPullRounds: number;
  private readonly user: () => Promise<string | null>;
  private state: SyncState = "idle";
  private message: string | undefined;

  constructor(
    readonly db: SyncDatabase,
    private readonly transport: SyncTransport,
    options: SyncOptions = {},
  ) {
    this.outbox = new Outbox(db);
    this.lock = options.lock ?? pushLockFor(db);
    this.channel = options.channel === undefined ? new SyncChannel() : options.channel;
    this.batchSize = Math.min(options.batchSize ?? 100, MAX_BATCH);
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    this.maxPullRounds = options.maxPullRounds ?? 50;
    this.user = options.user ?? (async () => null);
    this.channel?.listen(() => void this.changed(false));
  }

  // -- making changes ------------------------------------------------------------------------

  /** Queue a mutation (and its file); the local view shows it at once. */
  async change(draft: MutationDraft, blob?: BlobInput): Promise<number> {
    const item = await this.outbox.add(draft, blob);
    await this.changed(true);
    this.events.dispatchEvent(new CustomEvent("local-change"));
    return item.id;
  }

  /** Send a refused change again, as a new mutation (Outbox.retry); false if it was not refused. */
  async retry(id: number): Promise<boolean> {
    const again = await this.outbox.retry(id);
    if (!again) return false;
    await this.changed(true);
    this.events.dispatchEvent(new CustomEvent("local-change"));
    return true;
  }

  /** Forget a refused change the user has read. */
  async dismiss(id: number): Promise<void> {
    await this.outbox.dismiss(id);
    await this.changed(true);
  }

  /**
   * Edit fields of an entity as the device shows it: the base is the shown value of every patched
   * field (a field not shown is absent from the base, as the protocol asks).
   */
  async edit(entity: Entity, entityId: string, customerId: string | null, patch: JsonObject): Promise<number> {
    const shown = await this.entity(entity, entityId);
    const base: JsonObject = {};
    for (const name of Object.keys(patch)) {
      if (shown && Object.prototype.hasOwnProperty.call(shown.fields, name)) base[name] = shown.fields[name] as Json;
    }
    return this.change({ kind: "update", entity, entity_id: entityId, customer_id: customerId, base, patch });
  }

  /** A captured file as a new document: hashed, kept on the device, uploaded before its push. */
  async capture(document: Omit<NewDocument, "sha256">, file: Blob | ArrayBuffer): Promise<number> {
    const bytes = file instanceof ArrayBuffer ? file : await file.arrayBuffer();
    const sha256 = await sha256Hex(bytes);
    return this.change(newDocument({ ...document, sha256 }), { sha256, bytes, mediaType: document.mediaType });
  }

  /** A person chose how a conflict ends; becomes a `resolve` mutation. */
  resolve(conflict: ConflictRecord, choice: Choice, value?: Json): Promise<number> {
    return this.change(resolution(conflict, choice, value));
  }

  entity(entity: Entity, entityId: string): Promise<LocalEntity | undefined> {
    return localEntity(this.db, entity, entityId);
  }

  dossier(customerId: string): Promise<LocalEntity[]> {
    return localDossier(this.db, customerId);
  }

  /** Open conflicts, without those this device has already answered (resolve pending). */
  async conflicts(customerId?: string): Promise<ConflictRecord[]> {
    const answered = new Set((await this.outbox.pending()).filter((i) => i.mutation.kind === "resolve").map((i) => i.mutation.entity_id));
    return (await this.outbox.conflicts(customerId)).filter((c) => !answered.has(c.id));
  }

  // -- pinned dossiers -----------------------------------------------------------------------

  /** Keep this dossier in sync (from the start of its feed). */
  async track(customerId: string): Promise<void> {
    const tx = this.db.transaction("cursors", "readwrite");
    if ((await tx.store.get(customerId)) === undefined) await tx.store.put(0, customerId);
    await tx.done;
  }

  async untrack(customerId: string): Promise<void> {
    const tx = this.db.transaction(["cursors", "entities", "meta"], "readwrite");
    await tx.objectStore("cursors").delete(customerId);
    await tx.objectStore("meta").delete(snapshotKey(customerId));
    const entities = tx.objectStore("entities");
    for (const key of await entities.index("customerId").getAllKeys(customerId)) await entities.delete(key);
    await tx.done;
    await this.changed(true);
  }

  async tracked(): Promise<string[]> {
    return (await this.db.getAllKeys("cursors")).map(String);
  }

  // -- talking to the server -----------------------------------------------------------------

  /** Push, then pull, holding the push lock; another tab syncing makes this a no-op. */
  sync(): Promise<SyncReport> {
    return this.locked(true, true);
  }

  /** Push only (holding the lock). */
  push(): Promise<SyncReport> {
    return this.locked(true, false);
  }

  /** Pull only (holding the lock, so two tabs never move one cursor back and forth). */
  pull(): Promise<SyncReport> {
    return this.locked(false, true);
  }

  /** Nothing queued and nothing pinned: no request at all (a signed-out device stays quiet). */
  private async idle(pushing: boolean, pulling: boolean): Promise<boolean> {
    const queued = pushing && (await this.outbox.pending()).length > 0;
    const pinned = pulling && (await this.db.count("cursors")) > 0;
    return !queued && !pinned;
  }

  private async locked(pushing: boolean, pulling: boolean): Promise<SyncReport> {
    if (await this.idle(pushing, pulling)) return { ran: true, sent: 0, pulled: 0 };
    const report = await this.lock.tryRun(async () => {
      const out: SyncReport = { ran: true, sent: 0, pulled: 0 };
      this.setState("syncing");
      try {
        if (await this.boundToUser()) {
          if (pushing) out.sent = await this.pushLocked();
          if (pulling) out.pulled = await this.pullLocked();
          this.setState("idle");
        } else out.error = this.state;
      } catch (error) {
        out.error = this.failed(error);
      }
      await this.changed(true);
      return out;
    });
    return report ?? { ran: false, sent: 0, pulled: 0 };
  }

  /** False (state "other-user") while another user's changes wait on this device. */
  private async boundToUser(): Promise<boolean> {
    const user = await this.user();
    if (user === null || (await this.outbox.bindUser(user))) return true;
    this.setState("other-user");
    return false;
  }

  private async pushLocked(): Promise<number> {
    await this.uploadBlobs();
    const clientId = await this.outbox.clientId();
    let sent = 0;
    for (;;) {
      const batch = await this.outbox.claim(this.batchSize);
      if (batch.length === 0) break;
      let results;
      try {
        ({ results } = await this.transport.push({
          client_id: clientId,
          protocol_version: PROTOCOL_VERSION,
          mutations: batch.map((item) => item.mutation),
        }));
      } catch (error) {
        await this.outbox.release(batch.map((item) => item.id));
        throw error;
      }
      const retry = await this.outbox.record(results);
      // Whatever the answer left out (a truncated or odd answer) waits for the next push.
      const answered = new Set(results.map((r) => r.id));
      await this.outbox.release(batch.filter((item) => !answered.has(item.id)).map((item) => item.id));
      sent += results.filter((r) => r.outcome !== "rejected" || !r.retry).length;
      if (retry.length > 0 || answered.size < batch.length) break;
    }
    await this.outbox.prune();
    await this.outbox.dropSentBlobs();
    return sent;
  }

  private async pullLocked(): Promise<number> {
    const clientId = await this.outbox.clientId();
    let pulled = 0;
    for (let round = 0; round < this.maxPullRounds; round++) {
      const cursors: Record<string, number> = {};
      const tx = this.db.transaction("cursors");
      let cursor = await tx.store.openCursor();
      while (cursor) {
        cursors[String(cursor.key)] = cursor.value;
        cursor = await cursor.continue();
      }
      if (Object.keys(cursors).length === 0) break;
      const starting = Object.keys(cursors).filter((id) => cursors[id] === 0);
      const snapshots = await snapshotTokens(this.db, starting);
      const fresh = starting.filter((id) => snapshots[id] === undefined);
      const request: PullRequest = { client_id: clientId, protocol_version: PROTOCOL_VERSION, cursors, limit: PULL_LIMIT };
      if (Object.keys(snapshots).length > 0) request.snapshots = snapshots;
      const response = await this.transport.pull(request);
      await applyPull(this.db, response, fresh);
      pulled += Object.values(response.changes).reduce((n, list) => n + list.length, 0);
      if (!response.has_more) break;
      // Let the screens (and the pinned files) catch up while the next round is on its way.
      this.events.dispatchEvent(new CustomEvent("pulled"));
    }
    return pulled;
  }

  private async uploadBlobs(): Promise<void> {
    for (const blob of await this.outbox.blobsToUpload()) await this.upload(blob);
  }

  /** Resumable: asks the server how much it holds, then sends the rest in chunks. */
  private async upload(blob: StoredBlob): Promise<void> {
    try {
      const status = await this.transport.blobStatus(blob.sha256);
      if (status?.complete) {
        await this.outbox.putBlob({ ...blob, uploaded: true });
        return;
      }
      let offset = status?.received ?? 0;
      let stalls = 0;
      while (offset < blob.size && stalls < 3) {
        const chunk = blob.bytes.slice(offset, Math.min(offset + this.chunkSize, blob.size));
        const after = await this.transport.putChunk(blob.sha256, offset, blob.size, chunk);
        if (after.complete) {
          await this.outbox.putBlob({ ...blob, uploaded: true });
          return;
        }
        stalls = after.received > offset ? 0 : stalls + 1;
        offset = after.received;
      }
    } catch (error) {
      if (!(error instanceof BlobRefused)) throw error;
      await this.outbox.putBlob({ ...blob, error: `${error.code}: ${error.message}` });
    }
  }

  // -- status --------------------------------------------------------------------------------

  private failed(error: unknown): string {
    if (error instanceof SyncUpdateRequired) {
      this.setState("update-required", error.message);
      this.events.dispatchEvent(new CustomEvent("update-required"));
    } else if (error instanceof SyncSignedOut) {
      this.setState("signed-out", error.message);
      this.events.dispatchEvent(new CustomEvent("signed-out"));
    } else if (error instanceof SyncOffline) {
      this.setState("offline", error.message);
    } else {
      this.setState("error", error instanceof Error ? error.message : String(error));
    }
    return this.state;
  }

  private setState(state: SyncState, message?: string): void {
    this.state = state;
    this.message = message;
  }

  get currentState(): SyncState {
    return this.state;
  }

  async status(): Promise<SyncStatus> {
    const counts = await this.outbox.counts();
    const status: SyncStatus = {
      state: this.state,
      waiting: counts.waiting + counts.sending,
      conflicts: (await this.conflicts()).length,
      rejected: counts.rejected,
    };
    if (this.message !== undefined) status.message = this.message;
    return status;
  }

  private async changed(broadcast: boolean): Promise<void> {
    if (broadcast) this.channel?.post({ type: "changed" });
    this.events.dispatchEvent(new CustomEvent("changed"));
  }

  close(): void {
    this.channel?.close();
  }
}
