/**
 * The durable outbox: every change made on this device, numbered per client 1, 2, 3 … without
 * gaps (the server's ledger needs that, ADR 0021), with its state:
 *
 *   waiting ──claim──► sending ──answer──► done | conflict | rejected (final code)
 *      ▲                  │
 *      └── transport failed, or rejected for now (missing_blob, out_of_order, blocked)
 *
 * The client id and the next id live in the same database and move in the same transaction as the
 * mutation is added, so ids survive reopening and never repeat. A mutation left "sending" (the
 * app closed mid-push) is sent again; the server answers `duplicate` if it had applied it.
 */
import type { ConflictRecord, Mutation, MutationResult } from "./protocol";
import { RETRY_CODES } from "./protocol";
import { type OutboxItem, type OutboxState, type StoredBlob, type SyncDatabase } from "./db";
import { acknowledge } from "./replica";

export type MutationDraft = Omit<Mutation, "id">;

/** A file to keep with a new document until it is uploaded. */
export interface BlobInput {
  sha256: string;
  bytes: ArrayBuffer;
  mediaType: string;
}

const CLIENT_ID = "clientId";
const NEXT_ID = "nextId";
const OWNER = "owner";
const PENDING: ReadonlySet<OutboxState> = new Set(["waiting", "sending"]);

function newClientId(): string {
  return typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Outbox {
  constructor(readonly db: SyncDatabase) {}

  /** This device's client id, made once and kept. */
  async clientId(): Promise<string> {
    const tx = this.db.transaction("meta", "readwrite");
    let id = (await tx.store.get(CLIENT_ID)) as string | undefined;
    if (id === undefined) {
      id = newClientId();
      await tx.store.put(id, CLIENT_ID);
    }
    await tx.done;
    return id;
  }

  /**
   * Bind the outbox to the signed-in user. The server binds a client id to one user, so another
   * user on this device needs a new client id, ids from 1 again, and none of the first user's
   * dossiers; that happens only once nothing of the first user waits (answers false until then).
   */
  async bindUser(userId: string): Promise<boolean> {
    const names = ["meta", "outbox", "entities", "cursors", "conflicts", "blobs"] as const;
    const tx = this.db.transaction([...names], "readwrite");
    const meta = tx.objectStore("meta");
    const owner = (await meta.get(OWNER)) as string | undefined;
    let bound = true;
    if (owner === undefined) await meta.put(userId, OWNER);
    else if (owner !== userId) {
      const waiting = (await tx.objectStore("outbox").getAll()).some((item) => PENDING.has(item.state));
      if (waiting) bound = false;
      else {
        for (const name of ["outbox", "entities", "cursors", "conflicts", "blobs"] as const) await tx.objectStore(name).clear();
        await meta.put(newClientId(), CLIENT_ID);
        await meta.put(1, NEXT_ID);
        await meta.put(userId, OWNER);
      }
    }
    await tx.done;
    return bound;
  }

  /** Add a mutation (and the file it refers to) in one transaction; answers it with its id. */
  async add(draft: MutationDraft, blob?: BlobInput, now = Date.now()): Promise<OutboxItem> {
    const tx = this.db.transaction(["meta", "outbox", "blobs"], "readwrite");
    const meta = tx.objectStore("meta");
    if ((await meta.get(CLIENT_ID)) === undefined) await meta.put(newClientId(), CLIENT_ID);
    const id = ((await meta.get(NEXT_ID)) as number | undefined) ?? 1;
    await meta.put(id + 1, NEXT_ID);
    const mutation: Mutation = { ...draft, id };
    if (mutation.device_time === undefined) mutation.device_time = new Date(now).toISOString();
    const item: OutboxItem = { id, mutation, state: "waiting", createdAt: now, attempts: 0 };
    await tx.objectStore("outbox").add(item);
    if (blob) {
      const stored: StoredBlob = { ...blob, size: blob.bytes.byteLength, uploaded: false };
      const blobs = tx.objectStore("blobs");
      if ((await blobs.get(blob.sha256)) === undefined) await blobs.put(stored);
    }
    await tx.done;
    return item;
  }

  /** Every item, in id order. */
  items(): Promise<OutboxItem[]> {
    return this.db.getAll("outbox");
  }

  /** Waiting and sending items, in id order: what the next push sends. */
  async pending(): Promise<OutboxItem[]> {
    return (await this.items()).filter((item) => PENDING.has(item.state));
  }

  /** Mark the first `limit` pending items as sending and answer them (call under the push lock). */
  async claim(limit: number): Promise<OutboxItem[]> {
    const tx = this.db.transaction("outbox", "readwrite");
    const claimed: OutboxItem[] = [];
    let cursor = await tx.store.openCursor();
    while (cursor && claimed.length < limit) {
      const item = cursor.value;
      if (PENDING.has(item.state)) {
        const sending: OutboxItem = { ...item, state: "sending", attempts: item.attempts + 1 };
        await cursor.update(sending);
        claimed.push(sending);
      }
      cursor = await cursor.continue();
    }
    await tx.done;
    return claimed;
  }

  /** Nothing came back for these (no connection): they wait again, and will be sent again. */
  async release(ids: number[]): Promise<void> {
    const tx = this.db.transaction("outbox", "readwrite");
    for (const id of ids) {
      const item = await tx.store.get(id);
      if (item?.state === "sending") await tx.store.put({ ...item, state: "waiting" });
    }
    await tx.done;
  }

  /**
   * Record the server's answers, matched by id (never by position), in one transaction with the
   * replica's rebase and the conflicts they carry. Answers for items already settled are ignored
   * (a late or duplicated answer). Returns the answers that mean "keep and send again".
   */
  async record(results: MutationResult[]): Promise<MutationResult[]> {
    const tx = this.db.transaction(["outbox", "entities", "conflicts", "blobs"], "readwrite");
    const outbox = tx.objectStore("outbox");
    const retry: MutationResult[] = [];
    for (const result of [...results].sort((a, b) => a.id - b.id)) {
      const item = await outbox.get(result.id);
      if (!item || !PENDING.has(item.state)) continue;
      const next = settle(item, result);
      if (next.state === "waiting") retry.push(result);
      else await acknowledge(tx, item.mutation, result);
      await outbox.put(next);
      for (const conflict of result.conflicts ?? []) await tx.objectStore("conflicts").put(conflict);
    }
    await tx.done;
    return retry;
  }

  /** Drop done items, and conflict items whose conflicts are all resolved. */
  async prune(): Promise<void> {
    const tx = this.db.transaction(["outbox", "conflicts"], "readwrite");
    for (const item of await tx.objectStore("outbox").getAll()) {
      const open = item.state === "conflict" && (await anyOpen(tx.objectStore("conflicts"), item.conflictIds ?? []));
      if (item.state === "done" || (item.state === "conflict" && !open)) await tx.objectStore("outbox").delete(item.id);
    }
    await tx.done;
  }

  /**
   * The user read a rejection: forget the item (its change is not applied anywhere), and its file
   * unless another item refers to it.
   */
  async dismiss(id: number): Promise<void> {
    const tx = this.db.transaction(["outbox", "blobs"], "readwrite");
    const outbox = tx.objectStore("outbox");
    const item = await outbox.get(id);
    if (item?.state === "rejected") {
      await outbox.delete(id);
      const sha = item.mutation.blob_sha256;
      if (sha && !(await outbox.getAll()).some((other) => other.mutation.blob_sha256 === sha)) await tx.objectStore("blobs").delete(sha);
    }
    await tx.done;
  }

  /**
   * The user asks to send a refused change again (say, after access was granted): the server's
   * ledger answers an id it has seen with the same refusal, so the change goes back as a new
   * mutation with the next id; the refused item leaves, its file stays for the new one. Answers
   * the new item, or null when the item is not (or no longer) refused.
   */
  async retry(id: number, now = Date.now()): Promise<OutboxItem | null> {
    const tx = this.db.transaction(["meta", "outbox"], "readwrite");
    const outbox = tx.objectStore("outbox");
    const item = await outbox.get(id);
    let again: OutboxItem | null = null;
    if (item?.state === "rejected") {
      const meta = tx.objectStore("meta");
      const next = ((await meta.get(NEXT_ID)) as number | undefined) ?? 1;
      await meta.put(next + 1, NEXT_ID);
      again = { id: next, mutation: { ...item.mutation, id: next }, state: "waiting", createdAt: now, attempts: 0 };
      await outbox.add(again);
      await outbox.delete(id);
    }
    await tx.done;
    return again;
  }

  async counts(): Promise<Record<OutboxState, number>> {
    const counts: Record<OutboxState, number> = { waiting: 0, sending: 0, done: 0, conflict: 0, rejected: 0 };
    for (const item of await this.items()) counts[item.state] += 1;
    return counts;
  }

  blob(sha256: string): Promise<StoredBlob | undefined> {
    return this.db.get("blobs", sha256);
  }

  async putBlob(blob: StoredBlob): Promise<void> {
    await this.db.put("blobs", blob);
  }

  /** Files referred to by pending mutations that the server does not have yet. */
  async blobsToUpload(): Promise<StoredBlob[]> {
    const shas = new Set((await this.pending()).flatMap((item) => (item.mutation.blob_sha256 ? [item.mutation.blob_sha256] : [])));
    const found = await Promise.all([...shas].map((sha) => this.blob(sha)));
    return found.filter((b): b is StoredBlob => b !== undefined && !b.uploaded && b.error === undefined);
  }

  /** Drop uploaded files no pending mutation refers to any more. */
  async dropSentBlobs(): Promise<void> {
    const needed = new Set((await this.pending()).map((item) => item.mutation.blob_sha256));
    const tx = this.db.transaction("blobs", "readwrite");
    for (const blob of await tx.store.getAll()) {
      if (blob.uploaded && !needed.has(blob.sha256)) await tx.store.delete(blob.sha256);
    }
    await tx.done;
  }

  /** Conflicts waiting for a person, optionally of one dossier. */
  async conflicts(customerId?: string): Promise<ConflictRecord[]> {
    const all = customerId === undefined ? await this.db.getAll("conflicts") : await this.db.getAllFromIndex("conflicts", "customer_id", customerId);
    return all.filter((c) => !c.resolution);
  }

  /** Everything (sign-out of the last user, remote wipe). */
  async clear(): Promise<void> {
    const names = ["outbox", "entities", "cursors", "conflicts", "blobs", "meta"] as const;
    const tx = this.db.transaction([...names], "readwrite");
    await Promise.all([...names.map((n) => tx.objectStore(n).clear()), tx.done]);
  }
}

async function anyOpen(conflicts: { get(id: string): Promise<ConflictRecord | undefined> }, ids: string[]): Promise<boolean> {
  for (const id of ids) {
    const record = await conflicts.get(id);
    if (record && !record.resolution) return true;
  }
  return false;
}

function settle(item: OutboxItem, result: MutationResult): OutboxItem {
  const base: OutboxItem = { ...item };
  delete base.code;
  delete base.message;
  switch (result.outcome) {
    case "applied":
    case "merged":
    case "duplicate":
      return { ...base, state: "done" };
    case "conflict":
      return { ...base, state: "conflict", conflictIds: (result.conflicts ?? []).map((c) => c.id) };
    case "rejected": {
      const code = result.code ?? "rejected";
      const state = result.retry || RETRY_CODES.has(code) ? "waiting" : "rejected";
      return { ...base, state, code, message: result.message ?? "" };
    }
  }
}

