/**
 * The sync database: its own IndexedDB database ("dossier-sync"), apart from the screens' store
 * (data/store.ts), so the outbox, the server's copy of pinned dossiers, cursors, conflicts and
 * captured files change together in one transaction and the screens' store needs no migration.
 *
 * Layers, as in Workbox: this schema and its upgrades → the outbox and replica (outbox.ts,
 * replica.ts) → the sync client's policy (client.ts) → the service-worker glue (sw.ts).
 */
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type { ConflictRecord, Entity, Mutation } from "./protocol";
import type { JsonObject } from "./merge";

export type OutboxState = "waiting" | "sending" | "done" | "conflict" | "rejected";

/** One mutation of the outbox with what became of it. */
export interface OutboxItem {
  /** The mutation id: per client, 1, 2, 3 … without gaps. */
  id: number;
  mutation: Mutation;
  state: OutboxState;
  /** Local time the change was made (ms); for display. */
  createdAt: number;
  attempts: number;
  /** Rejected (for good or for now): the server's stable code and message. */
  code?: string;
  message?: string;
  /** The conflict records this mutation produced (state "conflict"). */
  conflictIds?: string[];
}

/** The server's copy of one entity of a pinned dossier (what pull last said). */
export interface ReplicaEntity {
  /** `${entity}:${entity_id}` */
  key: string;
  entity: Entity;
  entityId: string;
  customerId: string;
  fields: JsonObject;
  revision: number;
}

/** A file captured on this device, kept until the server has it and its document is pushed. */
export interface StoredBlob {
  sha256: string;
  bytes: ArrayBuffer;
  size: number;
  mediaType: string;
  /** The server has every byte (PUT /sync/blobs answered 200). */
  uploaded: boolean;
  /** A final refusal (hash_mismatch, upload_too_large): not tried again. */
  error?: string;
}

export interface SyncDB extends DBSchema {
  outbox: { key: number; value: OutboxItem; indexes: { state: OutboxState } };
  entities: { key: string; value: ReplicaEntity; indexes: { customerId: string } };
  cursors: { key: string; value: number };
  conflicts: { key: string; value: ConflictRecord; indexes: { customer_id: string } };
  blobs: { key: string; value: StoredBlob };
  meta: { key: string; value: unknown };
}

export type SyncDatabase = IDBPDatabase<SyncDB>;

export const SYNC_DB_NAME = "dossier-sync";
const VERSION = 1;

/** Schema and upgrades; each version adds what it needs, in order, keeping what is there. */
export function openSyncDb(name = SYNC_DB_NAME): Promise<SyncDatabase> {
  return openDB<SyncDB>(name, VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore("outbox", { keyPath: "id" }).createIndex("state", "state");
        db.createObjectStore("entities", { keyPath: "key" }).createIndex("customerId", "customerId");
        db.createObjectStore("cursors");
        db.createObjectStore("conflicts", { keyPath: "id" }).createIndex("customer_id", "customer_id");
        db.createObjectStore("blobs", { keyPath: "sha256" });
        db.createObjectStore("meta");
      }
    },
  });
}

export function entityKey(entity: Entity, entityId: string): string {
  return `${entity}:${entityId}`;
}
