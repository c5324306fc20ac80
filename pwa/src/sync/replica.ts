/**
 * The server's copy of pinned dossiers (what pull said, plus what push answered) and the
 * optimistic view the screens show: that copy with the pending mutations of the outbox rebased
 * onto it through the same three-way merge the server runs (merge.ts), so a local edit shows at
 * once and a colleague's change to another field shows too.
 */
import type { IDBPObjectStore, StoreNames } from "idb";
import { merge, type Json, type JsonObject } from "./merge";
import type { Change, ConflictRecord, Entity, Mutation, MutationResult, PullResponse } from "./protocol";
import { entityKey, type OutboxItem, type ReplicaEntity, type SyncDB, type SyncDatabase } from "./db";

type Store<Name extends StoreNames<SyncDB>> = IDBPObjectStore<SyncDB, ArrayLike<StoreNames<SyncDB>>, Name, "readwrite">;

/** Apply `patch` as merged onto `fields` (the server ran the same merge on its copy). */
export function rebaseFields(fields: JsonObject, base: JsonObject, patch: JsonObject): JsonObject {
  const result = merge(base, patch, fields);
  return { ...fields, ...result.patch };
}

/**
 * The server answered a mutation: move the local copy the way the server moved its own, until the
 * next pull brings the real state. Rejected mutations changed nothing.
 */
export async function acknowledge(
  tx: { objectStore(name: "entities"): Store<"entities">; objectStore(name: "conflicts"): Store<"conflicts"> },
  mutation: Mutation,
  result: MutationResult,
): Promise<void> {
  const entities = tx.objectStore("entities");
  if (mutation.kind === "resolve") {
    // Resolved (or resolved before, elsewhere): no longer waiting for a person here.
    await tx.objectStore("conflicts").delete(mutation.entity_id);
    return;
  }
  if (result.outcome === "rejected") return;
  const key = entityKey(mutation.entity, mutation.entity_id);
  const current = await entities.get(key);
  const revision = result.revision ?? current?.revision ?? 0;
  const patch = mutation.patch ?? {};
  switch (mutation.kind) {
    case "update":
      if (current) await entities.put({ ...current, fields: rebaseFields(current.fields, mutation.base ?? {}, patch), revision });
      return;
    case "create":
      if (current) await entities.put({ ...current, fields: rebaseFields(current.fields, {}, patch), revision });
      else if (mutation.customer_id) {
        await entities.put({ key, entity: mutation.entity, entityId: mutation.entity_id, customerId: mutation.customer_id, fields: { ...patch }, revision });
      }
      return;
    case "delete":
      if (result.outcome !== "conflict") await entities.delete(key);
      return;
    default:
      return;
  }
}

/** Where the token of a dossier's snapshot under way is kept (meta store). */
export const snapshotKey = (customerId: string): string => `snapshot:${customerId}`;

/** The snapshot tokens of the dossiers whose snapshot is under way. */
export async function snapshotTokens(db: SyncDatabase, customerIds: readonly string[]): Promise<Record<string, string>> {
  const tx = db.transaction("meta");
  const tokens: Record<string, string> = {};
  for (const customerId of customerIds) {
    const token = await tx.store.get(snapshotKey(customerId));
    if (typeof token === "string") tokens[customerId] = token;
  }
  await tx.done;
  return tokens;
}

/**
 * Write one pull answer: changes, evictions, the new cursors and snapshot tokens, in one
 * transaction. `fresh`: dossiers whose snapshot starts with this answer (sent with cursor 0 and no
 * token): what the device held of them is dropped first, the snapshot is all of them.
 */
export async function applyPull(db: SyncDatabase, response: PullResponse, fresh: readonly string[] = []): Promise<string[]> {
  const tx = db.transaction(["entities", "cursors", "conflicts", "meta"], "readwrite");
  const entities = tx.objectStore("entities");
  const conflicts = tx.objectStore("conflicts");
  const cursors = tx.objectStore("cursors");
  const meta = tx.objectStore("meta");
  const evicted: string[] = [];
  const pinned = new Set((await cursors.getAllKeys()).map(String));
  for (const customerId of fresh) {
    if (pinned.has(customerId) && customerId in response.cursors) await evictDossier(entities, conflicts, customerId);
  }
  const writes: Promise<unknown>[] = [];
  for (const [customerId, changes] of Object.entries(response.changes)) {
    // A dossier unpinned while the pull was on its way stays unpinned (and empty).
    if (!pinned.has(customerId)) continue;
    for (const change of changes) {
      if (change.op === "evict" && change.entity === "customer") {
        await Promise.all(writes.splice(0));
        evicted.push(customerId);
        await evictDossier(entities, conflicts, customerId);
        await cursors.delete(customerId);
        await meta.delete(snapshotKey(customerId));
        break;
      }
      // Requests of one transaction run in order: queue them all, wait once.
      writes.push(applyChange(entities, conflicts, customerId, change));
    }
  }
  await Promise.all(writes);
  const tokens = response.snapshots ?? {};
  for (const [customerId, seq] of Object.entries(response.cursors)) {
    if (!pinned.has(customerId)) continue;
    await cursors.put(seq, customerId);
    if (tokens[customerId] !== undefined) await meta.put(tokens[customerId], snapshotKey(customerId));
    else await meta.delete(snapshotKey(customerId));
  }
  await tx.done;
  return evicted;
}

async function evictDossier(entities: Store<"entities">, conflicts: Store<"conflicts">, customerId: string): Promise<void> {
  for (const key of await entities.index("customerId").getAllKeys(customerId)) await entities.delete(key);
  for (const key of await conflicts.index("customer_id").getAllKeys(customerId)) await conflicts.delete(key);
}

async function applyChange(entities: Store<"entities">, conflicts: Store<"conflicts">, customerId: string, change: Change): Promise<void> {
  if (change.entity === "conflict") {
    const fields = change.fields as (JsonObject & { resolution?: Json }) | null | undefined;
    if (change.op === "put" && fields && !fields["resolution"]) {
      await conflicts.put({ ...(fields as unknown as ConflictRecord), id: change.entity_id, customer_id: customerId });
    } else {
      await conflicts.delete(change.entity_id);
    }
    return;
  }
  const key = entityKey(change.entity, change.entity_id);
  if (change.op === "put") {
    const stored: ReplicaEntity = {
      key,
      entity: change.entity,
      entityId: change.entity_id,
      customerId,
      fields: change.fields ?? {},
      revision: change.revision ?? 0,
    };
    await entities.put(stored);
  } else {
    await entities.delete(key);
  }
}

/** What the screens show of one entity. */
export interface LocalEntity {
  entity: Entity;
  entityId: string;
  customerId: string;
  fields: JsonObject;
  revision: number;
  /** A change of this device is not confirmed by the server yet. */
  pending: boolean;
  /** Fields where this device's pending value differs from a newer server value. */
  contested: string[];
}

/**
 * The server copy with the pending mutations on top, in id order. `undefined`: not there (never
 * was, deleted, or deleted by a pending mutation).
 */
export function overlay(
  entity: Entity,
  entityId: string,
  server: ReplicaEntity | undefined,
  pending: readonly OutboxItem[],
): LocalEntity | undefined {
  let local: LocalEntity | undefined = server
    ? { entity, entityId, customerId: server.customerId, fields: server.fields, revision: server.revision, pending: false, contested: [] }
    : undefined;
  for (const { mutation } of pending) {
    if (mutation.entity !== entity || mutation.entity_id !== entityId) continue;
    const patch = mutation.patch ?? {};
    if (mutation.kind === "create") {
      local = local
        ? { ...local, fields: { ...local.fields, ...patch }, pending: true }
        : { entity, entityId, customerId: mutation.customer_id ?? "", fields: { ...patch }, revision: 0, pending: true, contested: [] };
    } else if (mutation.kind === "update" && local) {
      const result = merge(mutation.base ?? {}, patch, local.fields);
      const fields: JsonObject = { ...local.fields, ...result.patch };
      // Optimistic: until the server decides, the device shows its own value.
      for (const c of result.conflicts) {
        if (c.key === null) setOrRemove(fields, c.field, c.mine);
        else {
          const inner = { ...((fields[c.field] as JsonObject | undefined) ?? {}) };
          setOrRemove(inner, c.key, c.mine);
          fields[c.field] = inner;
        }
      }
      const contested = [...new Set([...local.contested, ...result.conflicts.map((c) => c.field)])];
      local = { ...local, fields, pending: true, contested };
    } else if (mutation.kind === "delete") {
      local = undefined;
    }
  }
  return local;
}

function setOrRemove(object: JsonObject, key: string, value: Json | undefined): void {
  if (value === undefined) delete object[key];
  else object[key] = value;
}

const PENDING_STATES = new Set(["waiting", "sending"]);

/** One entity as the screens show it. */
export async function localEntity(db: SyncDatabase, entity: Entity, entityId: string): Promise<LocalEntity | undefined> {
  const tx = db.transaction(["entities", "outbox"]);
  const server = await tx.objectStore("entities").get(entityKey(entity, entityId));
  const pending = (await tx.objectStore("outbox").getAll()).filter((i) => PENDING_STATES.has(i.state));
  return overlay(entity, entityId, server, pending);
}

/** Every entity of a dossier as the screens show it (created-on-device ones included). */
export async function localDossier(db: SyncDatabase, customerId: string): Promise<LocalEntity[]> {
  const tx = db.transaction(["entities", "outbox"]);
  const server = await tx.objectStore("entities").index("customerId").getAll(customerId);
  const pending = (await tx.objectStore("outbox").getAll()).filter((i) => PENDING_STATES.has(i.state));
  const keys = new Map<string, [Entity, string, ReplicaEntity | undefined]>();
  for (const e of server) keys.set(e.key, [e.entity, e.entityId, e]);
  for (const { mutation: m } of pending) {
    const inDossier = m.customer_id === customerId || (m.entity === "customer" && m.entity_id === customerId);
    const key = entityKey(m.entity, m.entity_id);
    if (inDossier && !keys.has(key)) keys.set(key, [m.entity, m.entity_id, undefined]);
  }
  return [...keys.values()].flatMap(([entity, id, copy]) => {
    const local = overlay(entity, id, copy, pending);
    return local ? [local] : [];
  });
}
