/**
 * The sync messages as the client sends and reads them: the same shapes as sync/protocol.py
 * (and schema/sync-protocol.schema.json). Requests carry only these fields (the server refuses
 * unknown ones); answers may carry more, which the client ignores.
 *
 * In `base`, `patch` and conflict values a missing key and `null` differ: missing is "absent".
 */
import type { Json, JsonObject } from "./merge";

/** Must match sync/protocol.py's PROTOCOL_VERSION at the time this client was built (2: a pull from cursor 0 is a snapshot). */
export const PROTOCOL_VERSION = 2;
/** Most mutations in one push (sync/protocol.py MAX_BATCH). */
export const MAX_BATCH = 500;
/** Changes asked for in one pull: the most the server allows (sync/protocol.py MAX_PULL_LIMIT), so a first pull takes the fewest rounds. */
export const PULL_LIMIT = 1000;

export const ENTITIES = ["customer", "address", "contact", "document", "register_assignment", "version", "lease", "conflict"] as const;
export type Entity = (typeof ENTITIES)[number];

export const MUTATION_KINDS = ["create", "update", "delete", "resolve", "checkout", "renew", "checkin", "view"] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export const CHOICES = ["keep_mine", "keep_theirs", "new_value"] as const;
export type Choice = (typeof CHOICES)[number];

export interface Resolution {
  choice: Choice;
  /** Only with new_value; missing removes the key of a per-key conflict. */
  value?: Json;
}

/** One change made on this device, as sent. */
export interface Mutation {
  id: number;
  kind: MutationKind;
  entity: Entity;
  entity_id: string;
  customer_id?: string | null;
  base?: JsonObject;
  patch?: JsonObject;
  /** ISO 8601 with a zone; for the record only, never for ordering. */
  device_time?: string | null;
  blob_sha256?: string | null;
  resolution?: Resolution | null;
  lease_seconds?: number | null;
}

export interface PushRequest {
  client_id: string;
  protocol_version: number;
  mutations: Mutation[];
}

export const OUTCOMES = ["applied", "merged", "conflict", "duplicate", "rejected"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface ConflictRecord {
  id: string;
  customer_id: string;
  entity: Entity;
  entity_id: string;
  field: string;
  by: string;
  by_name: string;
  device: string;
  at: string;
  key?: string | null;
  base?: Json;
  mine?: Json;
  theirs?: Json;
  device_time?: string | null;
  resolution?: Resolution | null;
  resolved_by?: string | null;
  resolved_at?: string | null;
}

export interface MutationResult {
  id: number;
  outcome: Outcome;
  code?: string | null;
  message?: string | null;
  retry?: boolean;
  conflicts?: ConflictRecord[];
  revision?: number | null;
}

export interface PushResponse {
  results: MutationResult[];
}

export interface PullRequest {
  client_id: string;
  protocol_version: number;
  cursors: Record<string, number>;
  limit?: number;
  /** Per dossier whose snapshot is under way (cursor 0): the token the last answer gave. */
  snapshots?: Record<string, string>;
}

export const CHANGE_OPS = ["put", "delete", "evict"] as const;
export type ChangeOp = (typeof CHANGE_OPS)[number];

export interface Change {
  op: ChangeOp;
  entity: Entity;
  entity_id: string;
  seq: number;
  revision?: number;
  fields?: JsonObject | null;
}

/**
 * From cursor 0 the server answers a snapshot: the dossier as it is now, one `put` per entity, in
 * pages; while pages wait the cursor stays 0 and `snapshots` has the token for the next one. A
 * snapshot that starts (cursor 0, no token) replaces what the device held of the dossier.
 */
export interface PullResponse {
  changes: Record<string, Change[]>;
  cursors: Record<string, number>;
  has_more?: boolean;
  snapshots?: Record<string, string>;
}

/** A refused request's body (HTTP 4xx). */
export interface SyncErrorBody {
  code: string;
  message: string;
  protocol_version?: number;
  min_supported_version?: number;
}

/** Codes after which the mutation is kept and sent again (sync/errors.py RETRY_CODES). */
export const RETRY_CODES: ReadonlySet<string> = new Set(["missing_blob", "out_of_order", "blocked"]);

/** The conflict field that stands for the whole entity (one side deleted it). */
export const WHOLE_ENTITY = "*";

/** The id of a register assignment: named by its document and register. */
export function assignmentId(documentId: string, registerId: string): string {
  return `${documentId}/${registerId}`;
}
