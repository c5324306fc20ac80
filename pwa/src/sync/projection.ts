/**
 * What a pinned dossier's pulled entities mean to the screens: the one mapping from the sync
 * replica (protocol field names, sync/entities.py and backend/offline/fields.py) to the records
 * the screens' store holds (data/store.ts, GraphQL shapes), so the dossier, its document list and
 * each document open from the store offline as they do after a GraphQL refresh (docs/adr/0026).
 *
 * Pure: entities and the catalog in, records out. `writeProjection` puts them into the store.
 */
import type { Catalog, CoverValue, Customer, DocumentDetail, DocumentSummary, DossierRecord, LocalStore, StoredDocument } from "../data/store";
import type { JsonObject } from "./merge";
import type { Entity } from "./protocol";

/** An entity as the device shows it (replica.ts LocalEntity has these and more). */
export interface ProjectedEntity {
  entity: Entity;
  entityId: string;
  fields: JsonObject;
  revision: number;
}

export interface Projection {
  /** Undefined until the customer itself has been pulled. */
  customer: Customer | undefined;
  dossier: DossierRecord;
  documents: StoredDocument[];
  /** Open check-outs of this dossier (any user, any device), as the server keeps them. */
  leases: Lease[];
}

export interface Lease {
  userName: string;
  device: string;
  since: string;
  until: string;
}

type PreviewState = "NONE" | "PENDING" | "READY";
type Rendition = { kind: string; url: string; width: number; height: number };
type Version = DocumentDetail["versions"][number];

const str = (value: unknown, fallback = ""): string => (typeof value === "string" ? value : fallback);
const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const obj = (value: unknown): JsonObject => (value && typeof value === "object" && !Array.isArray(value) ? (value as JsonObject) : {});

/** Where the server serves a rendition and a version's file (backend/http/files.py). */
export const renditionUrl = (id: string): string => `/renditions/${encodeURIComponent(id)}`;
export const fileUrl = (versionId: string): string => `/files/${encodeURIComponent(versionId)}`;
export const fileViewUrl = (versionId: string): string => `${fileUrl(versionId)}?inline=1`;

function previewState(value: unknown): PreviewState {
  const upper = str(value).toUpperCase();
  return upper === "READY" || upper === "PENDING" ? upper : "NONE";
}

/** The renditions of page one (or of no page: a photo), as GraphQL lists them. */
function renditionsOf(fields: JsonObject): Rendition[] {
  const all = Array.isArray(fields["renditions"]) ? fields["renditions"] : [];
  return all.flatMap((r) => {
    const o = obj(r);
    const page = num(o["page"]);
    if (page !== null && page > 1) return [];
    return [{ kind: str(o["kind"]), url: renditionUrl(str(o["id"])), width: num(o["width"]) ?? 0, height: num(o["height"]) ?? 0 }];
  });
}

function pageCount(fields: JsonObject): number | null {
  const all = Array.isArray(fields["renditions"]) ? fields["renditions"] : [];
  const pages = all.map((r) => num(obj(r)["page"]) ?? 1);
  return pages.length ? Math.max(...pages) : null;
}

function versionOf(entity: ProjectedEntity): Version {
  const f = entity.fields;
  const id = entity.entityId;
  return {
    id,
    number: num(f["number"]) ?? 1,
    filename: str(f["file_name"]),
    mimeType: str(f["media_type"]),
    size: num(f["size"]) ?? 0,
    comment: "",
    createdAt: str(f["created_at"]),
    createdBy: null,
    downloadUrl: fileUrl(id),
    viewUrl: fileViewUrl(id),
    preview: { state: previewState(f["preview"]), reason: null, pageCount: pageCount(f), renditions: renditionsOf(f) },
    // The pages beyond the first are rendered on demand (online); offline the first page shows.
    pages: [],
  };
}

function customerOf(customerId: string, entity: ProjectedEntity, entities: ProjectedEntity[]): Customer {
  const f = entity.fields;
  const addresses = entities
    .filter((e) => e.entity === "address")
    .map(({ entityId, fields: a }) => ({
      id: entityId,
      kind: str(a["kind"]),
      label: str(a["label"]),
      street: str(a["street"]),
      postalCode: str(a["postal_code"]),
      city: str(a["city"]),
      country: str(a["country"]),
      latitude: num(a["latitude"]),
      longitude: num(a["longitude"]),
    }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
  const contacts = entities
    .filter((e) => e.entity === "contact")
    .map(({ entityId, fields: c }) => ({ id: entityId, name: str(c["name"]), role: str(c["role"]), email: str(c["email"]), phone: str(c["phone"]) }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return {
    id: customerId,
    erpNumber: str(f["erp_number"]),
    name: str(f["name"]),
    status: str(f["status"], "active"),
    keyData: obj(f["key_data"]),
    revision: entity.revision,
    updatedAt: str(f["updated_at"]),
    addresses,
    contacts,
  };
}

/** The screens' records of one pinned dossier, from its entities as the device shows them. */
export function project(customerId: string, entities: readonly ProjectedEntity[], catalog: Catalog | undefined, now = Date.now()): Projection {
  const list = [...entities];
  const customerEntity = list.find((e) => e.entity === "customer" && e.entityId === customerId);
  const customer = customerEntity ? customerOf(customerId, customerEntity, list) : undefined;

  const versions = new Map<string, Version[]>();
  for (const e of list) {
    if (e.entity !== "version") continue;
    const documentId = str(e.fields["document_id"]);
    versions.set(documentId, [...(versions.get(documentId) ?? []), versionOf(e)]);
  }
  const filed = new Map<string, string[]>();
  for (const e of list) {
    if (e.entity !== "register_assignment") continue;
    const documentId = str(e.fields["document_id"]);
    filed.set(documentId, [...(filed.get(documentId) ?? []), str(e.fields["register_id"])]);
  }
  const typeNames = new Map((catalog?.documentTypes ?? []).map((d) => [d.id, d.name]));

  const documents: StoredDocument[] = [];
  for (const e of list) {
    if (e.entity !== "document" || str(e.fields["status"]) === "deleted") continue;
    const f = e.fields;
    const own = (versions.get(e.entityId) ?? []).sort((a, b) => a.number - b.number);
    const current = own.at(-1);
    const summary: DocumentSummary = {
      id: e.entityId,
      title: str(f["title"]),
      documentDate: str(f["document_date"]),
      status: str(f["status"], "active"),
      revision: e.revision,
      customerId,
      documentTypeId: str(f["document_type_id"]),
      indexValues: obj(f["index_values"]),
      createdAt: str(f["created_at"]),
      registers: (filed.get(e.entityId) ?? []).sort().map((id) => ({ id })),
      currentVersion: current
        ? { id: current.id, mimeType: current.mimeType, preview: { state: current.preview.state, renditions: current.preview.renditions } }
        : null,
    };
    const typeId = summary.documentTypeId;
    const detail: DocumentDetail = {
      ...summary,
      versionCount: num(f["version_count"]) ?? own.length,
      updatedAt: str(f["updated_at"]),
      retentionUntil: null,
      documentType: { id: typeId, name: typeNames.get(typeId) ?? "" },
      customer: customer ? { id: customerId, name: customer.name } : null,
      createdBy: null,
      versions: own,
      history: [],
    };
    documents.push({ ...summary, detail });
  }

  const counts = new Map<string, number>();
  for (const d of documents) for (const r of d.registers) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
  const keyData = obj(customer?.keyData);
  const coverFields: CoverValue[] = (catalog?.tenant.coverFields ?? []).map((c) => ({
    key: c.key,
    label: c.label,
    type: c.type,
    value: keyData[c.key] ?? null,
  }));
  const dossier: DossierRecord = {
    customerId,
    documentCount: documents.length,
    coverFields,
    registers: (catalog?.registers ?? []).map((r) => ({ registerId: r.id, key: r.key, count: counts.get(r.id) ?? 0 })),
    hasMore: false,
    syncedAt: now,
  };

  const leases = list
    .filter((e) => e.entity === "lease" && e.fields["checked_in_at"] == null)
    .map(({ fields: l }) => ({ userName: str(l["user_name"]), device: str(l["device"]), since: str(l["since"]), until: str(l["until"]) }))
    .filter((l) => !l.until || Date.parse(l.until) > now);
  return { customer, dossier, documents, leases };
}

/**
 * Put a projection into the screens' store: the customer, the dossier record, and the documents
 * (replacing those the dossier no longer has). Nothing is written before the customer arrived.
 */
export async function writeProjection(store: LocalStore, projection: Projection): Promise<boolean> {
  if (!projection.customer) return false;
  await store.putCustomers([projection.customer]);
  await store.putDossier(projection.dossier);
  await store.replaceDocuments(projection.dossier.customerId, projection.documents);
  return true;
}
