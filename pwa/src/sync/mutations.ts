/**
 * The changes a device makes, as outbox drafts (the id is added by the outbox). Field names are
 * the protocol's (sync/entities.py CLIENT_FIELDS); values are checked by the server.
 */
import type { Json, JsonObject } from "./merge";
import { assignmentId, type Choice, type ConflictRecord, type Entity } from "./protocol";
import type { MutationDraft } from "./outbox";

/** An edit of fields as they were shown (`base`: the shown value of each patched field). */
export function fieldEdit(entity: Entity, entityId: string, customerId: string | null, base: JsonObject, patch: JsonObject): MutationDraft {
  return { kind: "update", entity, entity_id: entityId, customer_id: customerId, base, patch };
}

/** A customer's name, ERP number or key data (per key). */
export function customerEdit(customerId: string, base: JsonObject, patch: JsonObject): MutationDraft {
  return fieldEdit("customer", customerId, customerId, base, patch);
}

/** One index value of a document; the server merges index values per key. */
export function indexValueEdit(documentId: string, customerId: string, shown: JsonObject, key: string, value: Json): MutationDraft {
  return fieldEdit("document", documentId, customerId, { index_values: shown }, { index_values: { ...shown, [key]: value } });
}

/** A document's title, date (YYYY-MM-DD) or status. */
export function documentEdit(documentId: string, customerId: string, base: JsonObject, patch: JsonObject): MutationDraft {
  return fieldEdit("document", documentId, customerId, base, patch);
}

export function assignRegister(documentId: string, registerId: string, customerId: string): MutationDraft {
  return {
    kind: "create",
    entity: "register_assignment",
    entity_id: assignmentId(documentId, registerId),
    customer_id: customerId,
    patch: { document_id: documentId, register_id: registerId },
  };
}

export function unassignRegister(documentId: string, registerId: string, customerId: string): MutationDraft {
  return {
    kind: "delete",
    entity: "register_assignment",
    entity_id: assignmentId(documentId, registerId),
    customer_id: customerId,
    base: { document_id: documentId, register_id: registerId },
  };
}

export interface NewDocument {
  /** Chosen on the device (a UUID); the server keeps it. */
  documentId: string;
  customerId: string;
  sha256: string;
  fileName: string;
  mediaType: string;
  title?: string;
  documentTypeId?: string;
  documentDate?: string;
  indexValues?: JsonObject;
}

/** A captured document referring to its file by SHA-256 (uploaded before the push). */
export function newDocument(doc: NewDocument): MutationDraft {
  const patch: JsonObject = { file_name: doc.fileName, media_type: doc.mediaType };
  if (doc.title !== undefined) patch["title"] = doc.title;
  if (doc.documentTypeId !== undefined) patch["document_type_id"] = doc.documentTypeId;
  if (doc.documentDate !== undefined) patch["document_date"] = doc.documentDate;
  if (doc.indexValues !== undefined) patch["index_values"] = doc.indexValues;
  return { kind: "create", entity: "document", entity_id: doc.documentId, customer_id: doc.customerId, patch, blob_sha256: doc.sha256 };
}

/** How a conflict ends: keep mine, keep theirs, or a new value (absent `value`: remove the key). */
export function resolution(conflict: ConflictRecord, choice: Choice, value?: Json): MutationDraft {
  const chosen = choice === "new_value" && value !== undefined ? { choice, value } : { choice };
  return { kind: "resolve", entity: "conflict", entity_id: conflict.id, customer_id: conflict.customer_id, resolution: chosen };
}

export function checkout(customerId: string, leaseSeconds: number): MutationDraft {
  return { kind: "checkout", entity: "customer", entity_id: customerId, customer_id: customerId, lease_seconds: leaseSeconds };
}

export function renew(customerId: string, leaseSeconds: number): MutationDraft {
  return { kind: "renew", entity: "customer", entity_id: customerId, customer_id: customerId, lease_seconds: leaseSeconds };
}

export function checkin(customerId: string): MutationDraft {
  return { kind: "checkin", entity: "customer", entity_id: customerId, customer_id: customerId };
}

/** A document opened without signal: an audit line with the device's time. */
export function documentView(documentId: string, customerId: string): MutationDraft {
  return { kind: "view", entity: "document", entity_id: documentId, customer_id: customerId };
}

/** Lower-case hex SHA-256 of a captured file, as /sync/blobs names it. */
export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
