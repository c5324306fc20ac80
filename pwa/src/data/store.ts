/**
 * The local store screens read from (DESIGN.md: one data path). Two implementations of one port:
 * IndexedDB in the app, memory in tests and as a fallback where IndexedDB is unavailable; both
 * pass the same contract suite (store.test.ts).
 *
 * Layers, as in Workbox: schema and upgrades (openIdb) → typed store (IdbStore) → the repository
 * (repository.ts), which decides what the network writes here.
 */
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type {
  CatalogQuery,
  CustomerFieldsFragment,
  DocumentDetailFragment,
  DocumentSummaryFragment,
} from "../generated/graphql";

export type Customer = CustomerFieldsFragment;
export type DocumentSummary = DocumentSummaryFragment;
export type DocumentDetail = DocumentDetailFragment;
export type Catalog = CatalogQuery;

export interface CoverValue {
  key: string;
  label: string;
  type: string;
  value: unknown;
}

export interface DossierRecord {
  customerId: string;
  documentCount: number;
  coverFields: CoverValue[];
  registers: { registerId: string; key: string; count: number }[];
  /** Whether the server has more documents than the store holds for this dossier. */
  hasMore: boolean;
  syncedAt: number;
}

/** A stored document: the summary always, the detail once the document was opened. */
export interface StoredDocument extends DocumentSummary {
  detail?: DocumentDetail;
}

export interface LocalStore {
  putCustomers(customers: Customer[]): Promise<void>;
  customer(id: string): Promise<Customer | undefined>;
  customers(ids: string[]): Promise<Customer[]>;
  /** Local matches by name or ERP number, accents and case ignored, sorted by name. */
  searchCustomers(query: string, limit: number): Promise<Customer[]>;
  putDossier(dossier: DossierRecord): Promise<void>;
  dossier(customerId: string): Promise<DossierRecord | undefined>;
  /** Replaces the documents of a dossier with these (documents no longer listed go). */
  replaceDocuments(customerId: string, documents: DocumentSummary[]): Promise<void>;
  putDocuments(documents: StoredDocument[]): Promise<void>;
  documentsOf(customerId: string): Promise<StoredDocument[]>;
  document(id: string): Promise<StoredDocument | undefined>;
  getMeta<T>(key: string): Promise<T | undefined>;
  setMeta(key: string, value: unknown): Promise<void>;
  /** Forget everything (sign-out). */
  clear(): Promise<void>;
}

/** Lower case without diacritics, for matching as the server does. */
export function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/ł/g, "l")
    .replace(/ß/g, "ss")
    .replace(/ø/g, "o")
    .replace(/æ/g, "ae");
}

function matches(customer: Customer, folded: string): boolean {
  return fold(customer.name).includes(folded) || fold(customer.erpNumber).includes(folded);
}

const byName = (a: Customer, b: Customer): number => a.name.localeCompare(b.name);

export class MemoryStore implements LocalStore {
  private readonly customerMap = new Map<string, Customer>();
  private readonly dossierMap = new Map<string, DossierRecord>();
  private readonly documentMap = new Map<string, StoredDocument>();
  private readonly meta = new Map<string, unknown>();

  async putCustomers(customers: Customer[]): Promise<void> {
    for (const c of customers) this.customerMap.set(c.id, structuredClone(c));
  }
  async customer(id: string): Promise<Customer | undefined> {
    return structuredClone(this.customerMap.get(id));
  }
  async customers(ids: string[]): Promise<Customer[]> {
    return ids.flatMap((id) => {
      const c = this.customerMap.get(id);
      return c ? [structuredClone(c)] : [];
    });
  }
  async searchCustomers(query: string, limit: number): Promise<Customer[]> {
    const folded = fold(query.trim());
    return [...this.customerMap.values()]
      .filter((c) => matches(c, folded))
      .sort(byName)
      .slice(0, limit)
      .map((c) => structuredClone(c));
  }
  async putDossier(dossier: DossierRecord): Promise<void> {
    this.dossierMap.set(dossier.customerId, structuredClone(dossier));
  }
  async dossier(customerId: string): Promise<DossierRecord | undefined> {
    return structuredClone(this.dossierMap.get(customerId));
  }
  async replaceDocuments(customerId: string, documents: DocumentSummary[]): Promise<void> {
    const keep = new Set(documents.map((d) => d.id));
    for (const [id, d] of this.documentMap) {
      if (d.customerId === customerId && !keep.has(id)) this.documentMap.delete(id);
    }
    await this.putDocuments(documents);
  }
  async putDocuments(documents: StoredDocument[]): Promise<void> {
    for (const d of documents) {
      const detail = d.detail ?? this.documentMap.get(d.id)?.detail;
      const stored: StoredDocument = structuredClone(d);
      if (detail && detail.revision === d.revision) stored.detail = structuredClone(detail);
      this.documentMap.set(d.id, stored);
    }
  }
  async documentsOf(customerId: string): Promise<StoredDocument[]> {
    return [...this.documentMap.values()]
      .filter((d) => d.customerId === customerId)
      .map((d) => structuredClone(d));
  }
  async document(id: string): Promise<StoredDocument | undefined> {
    return structuredClone(this.documentMap.get(id));
  }
  async getMeta<T>(key: string): Promise<T | undefined> {
    return structuredClone(this.meta.get(key)) as T | undefined;
  }
  async setMeta(key: string, value: unknown): Promise<void> {
    this.meta.set(key, structuredClone(value));
  }
  async clear(): Promise<void> {
    this.customerMap.clear();
    this.dossierMap.clear();
    this.documentMap.clear();
    this.meta.clear();
  }
}

interface DossierDB extends DBSchema {
  customers: { key: string; value: Customer };
  dossiers: { key: string; value: DossierRecord };
  documents: { key: string; value: StoredDocument; indexes: { customerId: string } };
  meta: { key: string; value: unknown };
}

const DB_VERSION = 1;

/** Schema and upgrades; each version adds what it needs, in order. */
export function openIdb(name = "dossier"): Promise<IDBPDatabase<DossierDB>> {
  return openDB<DossierDB>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore("customers", { keyPath: "id" });
        db.createObjectStore("dossiers", { keyPath: "customerId" });
        const documents = db.createObjectStore("documents", { keyPath: "id" });
        documents.createIndex("customerId", "customerId");
        db.createObjectStore("meta");
      }
    },
  });
}

export class IdbStore implements LocalStore {
  constructor(private readonly db: IDBPDatabase<DossierDB>) {}

  static async open(name?: string): Promise<IdbStore> {
    return new IdbStore(await openIdb(name));
  }

  async putCustomers(customers: Customer[]): Promise<void> {
    const tx = this.db.transaction("customers", "readwrite");
    await Promise.all([...customers.map((c) => tx.store.put(c)), tx.done]);
  }
  customer(id: string): Promise<Customer | undefined> {
    return this.db.get("customers", id);
  }
  async customers(ids: string[]): Promise<Customer[]> {
    const tx = this.db.transaction("customers");
    const found = await Promise.all(ids.map((id) => tx.store.get(id)));
    return found.filter((c): c is Customer => c !== undefined);
  }
  async searchCustomers(query: string, limit: number): Promise<Customer[]> {
    const folded = fold(query.trim());
    const all = await this.db.getAll("customers");
    return all.filter((c) => matches(c, folded)).sort(byName).slice(0, limit);
  }
  async putDossier(dossier: DossierRecord): Promise<void> {
    await this.db.put("dossiers", dossier);
  }
  dossier(customerId: string): Promise<DossierRecord | undefined> {
    return this.db.get("dossiers", customerId);
  }
  async replaceDocuments(customerId: string, documents: DocumentSummary[]): Promise<void> {
    const tx = this.db.transaction("documents", "readwrite");
    const keep = new Set(documents.map((d) => d.id));
    const old = await tx.store.index("customerId").getAll(customerId);
    const details = new Map(old.map((d) => [d.id, d.detail]));
    const writes: Promise<unknown>[] = old.filter((d) => !keep.has(d.id)).map((d) => tx.store.delete(d.id));
    for (const d of documents) {
      const detail = details.get(d.id);
      writes.push(tx.store.put(detail && detail.revision === d.revision ? { ...d, detail } : d));
    }
    await Promise.all([...writes, tx.done]);
  }
  async putDocuments(documents: StoredDocument[]): Promise<void> {
    const tx = this.db.transaction("documents", "readwrite");
    const writes = documents.map(async (d) => {
      const old = d.detail ? undefined : (await tx.store.get(d.id))?.detail;
      await tx.store.put(old && old.revision === d.revision ? { ...d, detail: old } : d);
    });
    await Promise.all([...writes, tx.done]);
  }
  documentsOf(customerId: string): Promise<StoredDocument[]> {
    return this.db.getAllFromIndex("documents", "customerId", customerId);
  }
  document(id: string): Promise<StoredDocument | undefined> {
    return this.db.get("documents", id);
  }
  async getMeta<T>(key: string): Promise<T | undefined> {
    return (await this.db.get("meta", key)) as T | undefined;
  }
  async setMeta(key: string, value: unknown): Promise<void> {
    await this.db.put("meta", value, key);
  }
  async clear(): Promise<void> {
    const tx = this.db.transaction(["customers", "dossiers", "documents", "meta"], "readwrite");
    await Promise.all([
      tx.objectStore("customers").clear(),
      tx.objectStore("dossiers").clear(),
      tx.objectStore("documents").clear(),
      tx.objectStore("meta").clear(),
      tx.done,
    ]);
  }
}
