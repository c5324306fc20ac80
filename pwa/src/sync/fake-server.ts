/**
 * An in-process server that follows the sync protocol (the ledger, merge, conflicts, resolutions,
 * blobs in chunks, the per-dossier feed), and a transport in front of it whose delivery a test
 * controls: it can lose a request, lose an answer after the server applied it (a crash before
 * the answer), deliver a request twice, hold one back and deliver it late, and shuffle answers.
 * Used by the tests only; the app never imports it.
 */
import { merge, type Json, type JsonObject } from "./merge";
import type {
  Change,
  ConflictRecord,
  Entity,
  Mutation,
  MutationResult,
  PullRequest,
  PullResponse,
  PushRequest,
  PushResponse,
} from "./protocol";

import { BlobRefused, SyncOffline, SyncRefusedError, SyncSignedOut, SyncUpdateRequired, type BlobStatus, type SyncTransport } from "./transport";

interface ServerEntity {
  entity: Entity;
  id: string;
  customerId: string;
  fields: JsonObject;
  revision: number;
  deleted: boolean;
}

interface FeedRow {
  seq: number;
  key: string;
}

export class FakeServer {
  readonly entities = new Map<string, ServerEntity>();
  readonly conflicts = new Map<string, ConflictRecord>();
  readonly ledger = new Map<string, number>();
  /** Every (client, id) applied, in order: a mutation applied twice would show twice. */
  readonly applied: string[] = [];
  /** Every (client, id) received, duplicates included. */
  readonly received: string[] = [];
  readonly blobs = new Map<string, { size: number; bytes: Uint8Array<ArrayBuffer>; received: number }>();
  readonly complete = new Set<string>();
  readonly views: string[] = [];
  minVersion = 1;
  signedIn = true;
  /** Most changes per pull answer, whatever the client asks. */
  pageLimit = 1000;
  private seq = 0;
  private conflictSeq = 0;
  private readonly feed = new Map<string, FeedRow[]>();

  private note(customerId: string, key: string): void {
    const rows = this.feed.get(customerId) ?? [];
    rows.push({ seq: ++this.seq, key });
    this.feed.set(customerId, rows);
  }

  /** Write as someone else (a colleague online, the back office). */
  write(entity: Entity, id: string, customerId: string, patch: JsonObject): void {
    const key = `${entity}:${id}`;
    const current = this.entities.get(key);
    const fields = { ...(current?.fields ?? {}), ...patch };
    this.entities.set(key, { entity, id, customerId, fields, revision: (current?.revision ?? 0) + 1, deleted: false });
    this.note(customerId, key);
  }

  remove(entity: Entity, id: string): void {
    const key = `${entity}:${id}`;
    const current = this.entities.get(key);
    if (!current) return;
    this.entities.set(key, { ...current, deleted: true, revision: current.revision + 1 });
    this.note(current.customerId, key);
  }

  fields(entity: Entity, id: string): JsonObject | undefined {
    const e = this.entities.get(`${entity}:${id}`);
    return e && !e.deleted ? e.fields : undefined;
  }

  push(request: PushRequest): PushResponse {
    this.check(request.protocol_version);
    const results: MutationResult[] = [];
    let last = this.ledger.get(request.client_id) ?? 0;
    let stopped = false;
    for (const m of request.mutations) {
      this.received.push(`${request.client_id}#${m.id}`);
      if (m.id <= last) results.push({ id: m.id, outcome: "duplicate" });
      else if (stopped || m.id !== last + 1) {
        results.push({ id: m.id, outcome: "rejected", code: stopped ? "blocked" : "out_of_order", message: `expected ${last + 1}`, retry: true });
        stopped = true;
      } else {
        const result = this.apply(m);
        results.push(result);
        if (result.retry) {
          stopped = true;
          continue;
        }
        this.applied.push(`${request.client_id}#${m.id}`);
        last = m.id;
      }
    }
    this.ledger.set(request.client_id, last);
    return { results };
  }

  private check(version: number): void {
    if (!this.signedIn) throw new SyncSignedOut();
    if (version < this.minVersion) throw new SyncUpdateRequired("update the app (your outbox is kept)");
  }

  private apply(m: Mutation): MutationResult {
    const key = `${m.entity}:${m.entity_id}`;
    const state = this.entities.get(key);
    const reject = (code: string, retry = false): MutationResult => ({ id: m.id, outcome: "rejected", code, message: code, retry });
    switch (m.kind) {
      case "create": {
        if (!m.customer_id) return reject("invalid");
        if (m.entity === "document" && (!m.blob_sha256 || !this.complete.has(m.blob_sha256))) return reject("missing_blob", true);
        if (!state || (state.deleted && m.entity === "register_assignment")) {
          this.write(m.entity, m.entity_id, m.customer_id, m.patch ?? {});
          return { id: m.id, outcome: "applied", revision: this.entities.get(key)?.revision ?? 0 };
        }
        if (state.deleted) return reject("gone");
        return this.mergeInto(m, state, {}, m.patch ?? {});
      }
      case "update":
        if (!state) return reject("unknown_entity");
        if (state.deleted) return reject("gone");
        return this.mergeInto(m, state, m.base ?? {}, m.patch ?? {});
      case "delete":
        if (!state) return reject("unknown_entity");
        this.remove(m.entity, m.entity_id);
        return { id: m.id, outcome: "applied" };
      case "resolve":
        return this.resolve(m);
      case "view":
        if (!state) return reject("unknown_entity");
        this.views.push(m.entity_id);
        return { id: m.id, outcome: "applied" };
      default:
        return { id: m.id, outcome: "applied" };
    }
  }

  private mergeInto(m: Mutation, state: ServerEntity, base: JsonObject, patch: JsonObject): MutationResult {
    const result = merge(base, patch, state.fields);
    if (Object.keys(result.patch).length > 0) this.write(state.entity, state.id, state.customerId, result.patch);
    const conflicts: ConflictRecord[] = result.conflicts.map((c) => {
      const record: ConflictRecord = {
        id: `conflict-${++this.conflictSeq}`,
        customer_id: state.customerId,
        entity: state.entity,
        entity_id: state.id,
        field: c.field,
        key: c.key,
        by: "me",
        by_name: "Me",
        device: "phone",
        at: new Date(0).toISOString(),
      };
      if (c.base !== undefined) record.base = c.base;
      if (c.mine !== undefined) record.mine = c.mine;
      if (c.theirs !== undefined) record.theirs = c.theirs;
      this.conflicts.set(record.id, record);
      this.write("conflict", record.id, state.customerId, record as unknown as JsonObject);
      return record;
    });
    const revision = this.entities.get(`${state.entity}:${state.id}`)?.revision ?? state.revision;
    const outcome = conflicts.length > 0 ? "conflict" : result.merged ? "merged" : "applied";
    return { id: m.id, outcome, conflicts, revision };
  }

  private resolve(m: Mutation): MutationResult {
    const record = this.conflicts.get(m.entity_id);
    if (!record || !m.resolution) return { id: m.id, outcome: "rejected", code: "unknown_entity", message: "no conflict" };
    if (record.resolution) return { id: m.id, outcome: "rejected", code: "already_resolved", message: "resolved before" };
    const resolved: ConflictRecord = { ...record, resolution: m.resolution, resolved_by: "me" };
    this.conflicts.set(record.id, resolved);
    this.write("conflict", record.id, record.customer_id, resolved as unknown as JsonObject);
    const state = this.entities.get(`${record.entity}:${record.entity_id}`);
    if (!state || m.resolution.choice === "keep_theirs") return { id: m.id, outcome: "applied" };
    const chosen: Json | undefined = m.resolution.choice === "keep_mine" ? record.mine : m.resolution.value;
    if (record.key) {
      const current = { ...((state.fields[record.field] as JsonObject | undefined) ?? {}) };
      const base = { ...current };
      if (record.theirs === undefined) delete base[record.key];
      else base[record.key] = record.theirs;
      const next = { ...current };
      if (chosen === undefined) delete next[record.key];
      else next[record.key] = chosen;
      return this.mergeInto(m, state, { [record.field]: base }, { [record.field]: next });
    }
    const base: JsonObject = record.theirs === undefined ? {} : { [record.field]: record.theirs };
    return this.mergeInto(m, state, base, { [record.field]: chosen ?? null });
  }

  pull(request: PullRequest): PullResponse {
    this.check(request.protocol_version);
    let budget = Math.min(request.limit ?? 500, this.pageLimit);
    const changes: Record<string, Change[]> = {};
    const cursors: Record<string, number> = {};
    const snapshots: Record<string, string> = {};
    let hasMore = false;
    for (const customerId of Object.keys(request.cursors).sort()) {
      const cursor = request.cursors[customerId] ?? 0;
      const customer = this.entities.get(`customer:${customerId}`);
      if (!customer || customer.deleted) {
        changes[customerId] = [{ op: "evict", entity: "customer", entity_id: customerId, seq: 0 }];
        continue;
      }
      const list: Change[] = [];
      let from = cursor;
      if (cursor === 0 && request.protocol_version >= 2) {
        // A snapshot: every live entity once, in key order, paged by "<head>:<last key>".
        const token = request.snapshots?.[customerId];
        const head = token ? Number(token.slice(0, token.indexOf(":"))) : this.seq;
        const after = token ? token.slice(token.indexOf(":") + 1) : "";
        const rest = [...this.entities.entries()]
          .filter(([key, e]) => e.customerId === customerId && !e.deleted && key > after)
          .sort(([a], [b]) => (a < b ? -1 : 1));
        const page = rest.slice(0, budget);
        budget -= page.length;
        for (const [, e] of page) list.push({ op: "put", entity: e.entity, entity_id: e.id, seq: head, revision: e.revision, fields: structuredClone(e.fields) });
        if (rest.length > page.length) {
          hasMore = true;
          cursors[customerId] = 0;
          snapshots[customerId] = `${head}:${(page.at(-1) ?? [after])[0]}`;
          if (list.length > 0) changes[customerId] = list;
          continue;
        }
        from = head;
      }
      const rows = (this.feed.get(customerId) ?? []).filter((r) => r.seq > from);
      const page = rows.slice(0, budget);
      if (rows.length > page.length) hasMore = true;
      budget -= page.length;
      cursors[customerId] = page.length > 0 ? (page[page.length - 1] as FeedRow).seq : from;
      for (const row of page) {
        const e = this.entities.get(row.key) as ServerEntity;
        list.push(
          e.deleted
            ? { op: "delete", entity: e.entity, entity_id: e.id, seq: row.seq, revision: e.revision }
            : { op: "put", entity: e.entity, entity_id: e.id, seq: row.seq, revision: e.revision, fields: structuredClone(e.fields) },
        );
      }
      if (list.length > 0) changes[customerId] = list;
    }
    return { changes, cursors, has_more: hasMore, snapshots };
  }

  blobStatus(sha256: string): BlobStatus | null {
    if (this.complete.has(sha256)) {
      const size = this.blobs.get(sha256)?.size ?? 0;
      return { size, received: size, complete: true };
    }
    const upload = this.blobs.get(sha256);
    return upload ? { size: upload.size, received: upload.received, complete: false } : null;
  }

  /** Chunks that start at or before the offset add their new bytes; past it: the offset. */
  async putChunk(sha256: string, first: number, total: number, chunk: ArrayBuffer): Promise<BlobStatus> {
    if (this.complete.has(sha256)) return { size: total, received: total, complete: true };
    const upload = this.blobs.get(sha256) ?? { size: total, bytes: new Uint8Array(total), received: 0 };
    this.blobs.set(sha256, upload);
    if (first > upload.received) return { size: total, received: upload.received, complete: false };
    const end = first + chunk.byteLength;
    upload.bytes.set(new Uint8Array(chunk), first);
    upload.received = Math.max(upload.received, end);
    if (upload.received < total) return { size: total, received: upload.received, complete: false };
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", upload.bytes));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    if (hex !== sha256) {
      this.blobs.delete(sha256);
      throw new BlobRefused("hash_mismatch", "the content does not match its name");
    }
    this.complete.add(sha256);
    return { size: total, received: total, complete: true };
  }
}

export type Fault = "none" | "lose-request" | "lose-answer" | "twice" | "late" | "shuffle" | "down";

/** A seeded generator (mulberry32), so a failing run can be pinned by its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The network between a client and the fake server, with faults the test chooses. */
export class FakeTransport implements SyncTransport {
  /** Faults for the next calls, in order; then `fallback` (or a random pick with `random`). */
  readonly faults: Fault[] = [];
  fallback: Fault = "none";
  random: (() => number) | null = null;
  /** Requests held back by "late", delivered by deliverLate(). */
  private readonly held: PushRequest[] = [];
  /** Resolves before each call answers: lets a test make calls overlap. */
  delay: () => Promise<void> = () => Promise.resolve();
  calls = 0;

  constructor(readonly server: FakeServer) {}

  private fault(): Fault {
    this.calls += 1;
    const next = this.faults.shift();
    if (next) return next;
    if (this.random) {
      const all: Fault[] = ["none", "none", "none", "lose-request", "lose-answer", "twice", "late", "shuffle"];
      return all[Math.floor(this.random() * all.length)] as Fault;
    }
    return this.fallback;
  }

  async push(request: PushRequest): Promise<PushResponse> {
    const wire = JSON.parse(JSON.stringify(request)) as PushRequest;
    const fault = this.fault();
    await this.delay();
    switch (fault) {
      case "down":
      case "lose-request":
        throw new SyncOffline();
      case "late":
        this.held.push(wire);
        throw new SyncOffline();
      case "lose-answer":
        this.server.push(wire);
        throw new SyncOffline();
      case "twice":
        this.server.push(wire);
        return this.server.push(wire);
      case "shuffle": {
        const answer = this.server.push(wire);
        return { results: [...answer.results].reverse() };
      }
      default:
        return JSON.parse(JSON.stringify(this.server.push(wire))) as PushResponse;
    }
  }

  /** The held-back requests reach the server now; their answers go nowhere. */
  deliverLate(): void {
    for (const request of this.held.splice(0)) {
      try {
        this.server.push(request);
      } catch {
        /* refused: nothing applied */
      }
    }
  }

  async pull(request: PullRequest): Promise<PullResponse> {
    const fault = this.fault();
    await this.delay();
    if (fault === "down" || fault === "lose-request" || fault === "late") throw new SyncOffline();
    const answer = this.server.pull(JSON.parse(JSON.stringify(request)) as PullRequest);
    if (fault === "lose-answer") throw new SyncOffline();
    return JSON.parse(JSON.stringify(answer)) as PullResponse;
  }

  async blobStatus(sha256: string): Promise<BlobStatus | null> {
    if (this.fault() === "down") throw new SyncOffline();
    return this.server.blobStatus(sha256);
  }

  async putChunk(sha256: string, first: number, total: number, chunk: ArrayBuffer): Promise<BlobStatus> {
    const fault = this.fault();
    if (fault === "down" || fault === "lose-request") throw new SyncOffline();
    const status = await this.server.putChunk(sha256, first, total, chunk);
    if (fault === "lose-answer") throw new SyncOffline();
    return status;
  }
}

/** A transport refusing everything as a server of a newer protocol would. */
export function refusing(code: string): SyncTransport {
  const fail = (): never => {
    throw new SyncRefusedError(code, code);
  };
  return { push: async () => fail(), pull: async () => fail(), blobStatus: async () => fail(), putChunk: async () => fail() };
}


