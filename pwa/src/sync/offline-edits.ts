/**
 * The screens' edits through the outbox (issue 6, docs/adr/0031): when a dossier is pinned, or the
 * device has no connection, a change of customer data or of a document's metadata and index
 * values, a captured document and a view of a document become sync mutations instead of GraphQL
 * calls. Each is made on the values the screen showed (the mutation's `base`), shows at once in
 * the screens' store (optimistic), and is rebased on what the server answers: a pinned dossier by
 * the replica's projection after every sync (pinning.ts), any other by a GraphQL refresh once its
 * changes are sent.
 *
 * The drafts and the optimistic records are pure functions (tested without a database).
 */
import type { Repository } from "../data/repository";
import type { Customer, DossierRecord, StoredDocument } from "../data/store";
import type { SyncClient } from "./client";
import type { Json, JsonObject } from "./merge";
import { assignRegister, documentView, fieldEdit, newDocument, sha256Hex, unassignRegister } from "./mutations";
import type { MutationDraft } from "./outbox";
import type { Pinning } from "./pinning";

/** What the dossier screen's edit form changed (GraphQL's CustomerInput shape). */
export interface CustomerChange {
  name?: string;
  /** Changed cover-sheet values by key; null clears a key. */
  keyData?: Record<string, unknown>;
}

/** What the document screen's edit form changed (GraphQL's DocumentMetadataInput shape). */
export interface DocumentChange {
  title?: string;
  documentDate?: string;
  /** Changed index values by key; null clears a key. */
  indexValues?: Record<string, unknown>;
}

/** A document captured on the device (capture screen). */
export interface CaptureInput {
  customerId: string;
  documentTypeId: string;
  title: string;
  documentDate: string | null;
  indexValues: Record<string, unknown>;
  /** Where the person filed it; the server files a new document in its type's default registers. */
  registerIds: readonly string[];
  defaultRegisterIds: readonly string[];
  file: Blob;
  fileName: string;
}

const TOUCHED = "touched";

/** The device's date (YYYY-MM-DD): a capture without a date is dated the day it was made. */
function today(now = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Object values per key with the changes laid on (null or undefined removes a key). */
function withChanges(shown: Record<string, unknown> | null | undefined, changes: Record<string, unknown>): JsonObject {
  const out: JsonObject = { ...((shown ?? {}) as JsonObject) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined) delete out[key];
    else out[key] = value as Json;
  }
  return out;
}

/** A customer edit as an `update` mutation on the shown values; null when nothing changed. */
export function customerDraft(shown: Customer, change: CustomerChange): MutationDraft | null {
  const base: JsonObject = {};
  const patch: JsonObject = {};
  if (change.name !== undefined && change.name !== shown.name) {
    base["name"] = shown.name;
    patch["name"] = change.name;
  }
  if (change.keyData && Object.keys(change.keyData).length > 0) {
    // key_data merges per key on the server: the keys not changed here equal their base.
    base["key_data"] = { ...((shown.keyData ?? {}) as JsonObject) };
    patch["key_data"] = withChanges(shown.keyData as Record<string, unknown>, change.keyData);
  }
  return Object.keys(patch).length ? fieldEdit("customer", shown.id, shown.id, base, patch) : null;
}

/** A document edit as an `update` mutation on the shown values; null when nothing changed. */
export function documentDraft(shown: StoredDocument, change: DocumentChange): MutationDraft | null {
  const base: JsonObject = {};
  const patch: JsonObject = {};
  if (change.title !== undefined && change.title !== shown.title) {
    base["title"] = shown.title;
    patch["title"] = change.title;
  }
  if (change.documentDate !== undefined && change.documentDate !== shown.documentDate) {
    base["document_date"] = shown.documentDate;
    patch["document_date"] = change.documentDate;
  }
  if (change.indexValues && Object.keys(change.indexValues).length > 0) {
    base["index_values"] = { ...((shown.indexValues ?? {}) as JsonObject) };
    patch["index_values"] = withChanges(shown.indexValues as Record<string, unknown>, change.indexValues);
  }
  return Object.keys(patch).length ? fieldEdit("document", shown.id, shown.customerId, base, patch) : null;
}

/** The customer as the screens show it once the edit is made. */
export function editedCustomer(shown: Customer, change: CustomerChange): Customer {
  return {
    ...shown,
    ...(change.name !== undefined ? { name: change.name } : {}),
    ...(change.keyData ? { keyData: withChanges(shown.keyData as Record<string, unknown>, change.keyData) } : {}),
  };
}

/** The dossier record's cover values follow the customer's key data. */
export function editedCover(dossier: DossierRecord, customer: Customer): DossierRecord {
  const keyData = (customer.keyData ?? {}) as Record<string, unknown>;
  return { ...dossier, coverFields: dossier.coverFields.map((c) => ({ ...c, value: keyData[c.key] ?? null })) };
}

/** The document as the screens show it once the edit is made (its detail too, when stored). */
export function editedDocument(shown: StoredDocument, change: DocumentChange): StoredDocument {
  const fields = {
    ...(change.title !== undefined ? { title: change.title } : {}),
    ...(change.documentDate !== undefined ? { documentDate: change.documentDate } : {}),
    ...(change.indexValues ? { indexValues: withChanges(shown.indexValues as Record<string, unknown>, change.indexValues) } : {}),
  };
  const edited: StoredDocument = { ...shown, ...fields };
  if (shown.detail) edited.detail = { ...shown.detail, ...fields };
  return edited;
}

/** A captured document as the dossier lists it until the server has it (no file version yet). */
export function capturedDocument(documentId: string, input: CaptureInput, now = new Date()): StoredDocument {
  return {
    id: documentId,
    title: input.title,
    documentDate: input.documentDate ?? today(now),
    status: "active",
    revision: 0,
    customerId: input.customerId,
    documentTypeId: input.documentTypeId,
    indexValues: input.indexValues,
    createdAt: now.toISOString(),
    registers: input.registerIds.map((id) => ({ id })),
    currentVersion: null,
  };
}

/** The mutations of a capture: the new document (by its file's hash), then its register changes. */
export function captureDrafts(documentId: string, input: CaptureInput, sha256: string, now = new Date()): MutationDraft[] {
  const indexValues = withChanges({}, input.indexValues);
  const drafts: MutationDraft[] = [
    newDocument({
      documentId,
      customerId: input.customerId,
      sha256,
      fileName: input.fileName,
      mediaType: input.file.type || "application/octet-stream",
      documentTypeId: input.documentTypeId,
      ...(input.title ? { title: input.title } : {}),
      documentDate: input.documentDate ?? today(now),
      ...(Object.keys(indexValues).length ? { indexValues } : {}),
    }),
  ];
  const chosen = new Set(input.registerIds);
  const defaults = new Set(input.defaultRegisterIds);
  for (const id of chosen) if (!defaults.has(id)) drafts.push(assignRegister(documentId, id, input.customerId));
  for (const id of defaults) if (!chosen.has(id)) drafts.push(unassignRegister(documentId, id, input.customerId));
  return drafts;
}

function newId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Dossiers not pinned with changes queued: refreshed through GraphQL once those are sent. */
interface Touched {
  customers: string[];
  documents: string[];
}

export class OfflineEdits {
  constructor(
    private readonly client: SyncClient,
    private readonly repo: Repository,
    private readonly pinning: Pinning,
    private readonly online: () => boolean = () => navigator.onLine !== false,
  ) {
    client.events.addEventListener("changed", () => void this.rebaseTouched().catch(() => undefined));
  }

  /** Whether edits of this dossier go through the outbox: it is pinned, or there is no connection. */
  async queues(customerId: string): Promise<boolean> {
    return !this.online() || (await this.pinning.isPinned(customerId));
  }

  async editCustomer(shown: Customer, change: CustomerChange): Promise<Customer> {
    const draft = customerDraft(shown, change);
    const edited = editedCustomer(shown, change);
    if (!draft) return shown;
    await this.client.change(draft);
    await this.repo.store.putCustomers([edited]);
    const dossier = await this.repo.store.dossier(shown.id);
    if (dossier) await this.repo.store.putDossier(editedCover(dossier, edited));
    await this.touch(shown.id);
    this.changed("customer", shown.id);
    return edited;
  }

  async editDocument(shown: StoredDocument, change: DocumentChange): Promise<StoredDocument> {
    const draft = documentDraft(shown, change);
    if (!draft) return shown;
    const edited = editedDocument(shown, change);
    await this.client.change(draft);
    await this.repo.store.putDocuments([edited]);
    await this.touch(shown.customerId, shown.id);
    this.changed("document", shown.id);
    this.changed("dossier", shown.customerId);
    return edited;
  }

  /** Keep the file on the device and queue the new document (id chosen here); answers the id. */
  async capture(input: CaptureInput): Promise<string> {
    const documentId = newId();
    const bytes = await input.file.arrayBuffer();
    const sha256 = await sha256Hex(bytes);
    const [create, ...registers] = captureDrafts(documentId, input, sha256);
    if (!create) throw new Error("no document to capture");
    await this.client.change(create, { sha256, bytes, mediaType: input.file.type || "application/octet-stream" });
    for (const draft of registers) await this.client.change(draft);
    await this.repo.store.putDocuments([capturedDocument(documentId, input)]);
    const dossier = await this.repo.store.dossier(input.customerId);
    if (dossier) await this.repo.store.putDossier({ ...dossier, documentCount: dossier.documentCount + 1 });
    await this.touch(input.customerId, documentId);
    this.changed("dossier", input.customerId);
    return documentId;
  }

  /** A document opened without a connection: audited as a view with this device's time. */
  async viewed(documentId: string, customerId: string): Promise<void> {
    await this.client.change(documentView(documentId, customerId));
  }

  private changed(what: string, id: string): void {
    this.repo.events.dispatchEvent(new CustomEvent("changed", { detail: { what, id } }));
  }

  private async touched(): Promise<Touched> {
    return ((await this.client.db.get("meta", TOUCHED)) as Touched | undefined) ?? { customers: [], documents: [] };
  }

  /** Remember a dossier that is not pinned, to read it again from the server once its changes are sent. */
  private async touch(customerId: string, documentId?: string): Promise<void> {
    if (await this.pinning.isPinned(customerId)) return;
    const now = await this.touched();
    const next: Touched = {
      customers: [...new Set([...now.customers, customerId])],
      documents: documentId ? [...new Set([...now.documents, documentId])] : now.documents,
    };
    await this.client.db.put("meta", next, TOUCHED);
  }

  private rebasing = false;

  /** Once nothing of a touched dossier waits, the server's state replaces the optimistic one. */
  private async rebaseTouched(): Promise<void> {
    if (this.rebasing || !this.online()) return;
    const touched = await this.touched();
    if (touched.customers.length === 0) return;
    this.rebasing = true;
    try {
      const waiting = new Set((await this.client.outbox.pending()).map((i) => i.mutation.customer_id));
      const done = touched.customers.filter((id) => !waiting.has(id));
      if (done.length === 0) return;
      const left: Touched = { customers: touched.customers.filter((id) => waiting.has(id)), documents: [] };
      for (const documentId of touched.documents) {
        const stored = await this.repo.store.document(documentId);
        if (stored && waiting.has(stored.customerId)) left.documents.push(documentId);
        else await this.repo.refreshDocument(documentId).catch(() => undefined);
      }
      for (const customerId of done) await this.repo.refreshDossier(customerId);
      await this.client.db.put("meta", left, TOUCHED);
    } catch {
      // Offline again: the next sync tries again.
    } finally {
      this.rebasing = false;
    }
  }
}
