/**
 * What screens call. Reads come from the local store; refreshes ask the server and write what it
 * answers into the store, then screens read again (DESIGN.md: one data path in the PWA).
 */
import { gql as networkGql, gqlUpload, type UploadFile } from "./client";
import { DocumentSearch } from "./document-search";
import { SavedViews } from "./saved-views";
import {
  CATALOG,
  CUSTOMER_SEARCH,
  DOCUMENT,
  DOSSIER,
  DOSSIER_DOCUMENTS,
  RECENT_DOCUMENTS,
  UPDATE_CUSTOMER,
  UPDATE_DOCUMENT_METADATA,
  UPLOAD_DOCUMENT,
} from "./operations";
import type {
  CatalogQuery,
  CustomerInput,
  CustomerSearchQuery,
  CustomerSearchQueryVariables,
  DocumentMetadataInput,
  DocumentQuery,
  DocumentQueryVariables,
  DossierDocumentsQuery,
  DossierDocumentsQueryVariables,
  DossierQuery,
  DossierQueryVariables,
  RecentDocumentsQuery,
  RecentDocumentsQueryVariables,
  UpdateCustomerMutation,
  UpdateCustomerMutationVariables,
  UpdateDocumentMetadataMutation,
  UpdateDocumentMetadataMutationVariables,
  UploadDocumentMutation,
} from "../generated/graphql";
import type {
  Catalog,
  Customer,
  DocumentDetail,
  DocumentSummary,
  DossierRecord,
  LocalStore,
  StoredDocument,
} from "./store";

export type Gql = <T, V extends object>(query: string, variables?: V, signal?: AbortSignal) => Promise<T>;
export type Upload = <T>(
  query: string,
  variables: Record<string, unknown>,
  files: UploadFile[],
  onProgress: (fraction: number) => void,
) => Promise<T>;

/** Mutation answers: the saved object, or the server's error with its field issues. */
export interface ServerError {
  code: string;
  message: string;
  issues: { field: string; code: string; message: string }[];
}
export type Saved<T> = { ok: true; value: T } | { ok: false; error: ServerError };

export interface LocalDossier {
  customer: Customer;
  dossier: DossierRecord | undefined;
  documents: StoredDocument[];
}

/** Lists across all dossiers: documents filed in the last `days` days (1 is today), newest first. */
export const FEEDS = {
  inbox: { days: 14, limit: 100 },
  today: { days: 1, limit: 20 },
} as const;
export type FeedName = keyof typeof FEEDS;

/** What the store keeps of a feed: the server's order; the documents themselves are stored as such. */
export interface FeedRecord {
  documentIds: string[];
  total: number;
  totalExact: boolean;
  syncedAt: number;
}

export interface LocalFeed {
  documents: StoredDocument[];
  customers: Map<string, Customer>;
  total: number;
  totalExact: boolean;
  syncedAt: number;
}

const RECENT_LIMIT = 8;
const PAGE = 200;
/** Documents a dossier keeps locally; the rest are reached through search (offline issue). */
const DOSSIER_LIMIT = 2000;

function asError(result: { __typename: string } & Record<string, unknown>): ServerError {
  return {
    code: String(result["code"] ?? "internal_error"),
    message: String(result["message"] ?? result.__typename),
    issues: (result["issues"] as ServerError["issues"] | undefined) ?? [],
  };
}

function summaryOf(detail: DocumentDetail): DocumentSummary {
  const { id, title, documentDate, status, revision, customerId, documentTypeId, indexValues, createdAt } = detail;
  return {
    id,
    title,
    documentDate,
    status,
    revision,
    customerId,
    documentTypeId,
    indexValues,
    createdAt,
    registers: detail.registers,
    currentVersion: detail.currentVersion,
  };
}

export class Repository {
  /** "changed" fires with detail {what, id} after a refresh or a save wrote to the store. */
  readonly events = new EventTarget();
  /** Full-text search over documents, with a small per-query cache for offline use. */
  readonly documents: DocumentSearch;
  /** Saved views: the list, running, saving and deleting them. */
  readonly views: SavedViews;

  constructor(
    readonly store: LocalStore,
    private readonly gql: Gql = networkGql,
    private readonly upload: Upload = gqlUpload,
  ) {
    this.documents = new DocumentSearch(store, gql);
    this.views = new SavedViews(store, gql);
  }

  private changed(what: string, id = ""): void {
    this.events.dispatchEvent(new CustomEvent("changed", { detail: { what, id } }));
  }

  catalog(): Promise<Catalog | undefined> {
    return this.store.getMeta<Catalog>("catalog");
  }

  async refreshCatalog(): Promise<Catalog> {
    const catalog = await this.gql<CatalogQuery, object>(CATALOG);
    await this.store.setMeta("catalog", catalog);
    this.changed("catalog");
    return catalog;
  }

  searchLocal(query: string, limit = 20): Promise<Customer[]> {
    return this.store.searchCustomers(query, limit);
  }

  /** The server's answer, in its order (it ranks); stored so the next search starts locally. */
  async searchRemote(query: string, limit = 20): Promise<Customer[]> {
    const answer = await this.gql<CustomerSearchQuery, CustomerSearchQueryVariables>(CUSTOMER_SEARCH, {
      search: query,
      first: limit,
    });
    await this.store.putCustomers(answer.customers.items);
    return answer.customers.items;
  }

  async recent(): Promise<Customer[]> {
    return this.store.customers((await this.store.getMeta<string[]>("recent")) ?? []);
  }

  async rememberVisit(customerId: string): Promise<void> {
    const ids = (await this.store.getMeta<string[]>("recent")) ?? [];
    await this.store.setMeta("recent", [customerId, ...ids.filter((id) => id !== customerId)].slice(0, RECENT_LIMIT));
  }

  async favouriteIds(): Promise<string[]> {
    return (await this.store.getMeta<string[]>("favourites")) ?? [];
  }

  async favourites(): Promise<Customer[]> {
    return this.store.customers(await this.favouriteIds());
  }

  /** Adds or removes; answers whether the customer is a favourite now. */
  async toggleFavourite(customerId: string): Promise<boolean> {
    const ids = await this.favouriteIds();
    const on = !ids.includes(customerId);
    await this.store.setMeta("favourites", on ? [...ids, customerId] : ids.filter((id) => id !== customerId));
    this.changed("favourites", customerId);
    return on;
  }

  async dossier(customerId: string): Promise<LocalDossier | undefined> {
    const customer = await this.store.customer(customerId);
    if (!customer) return undefined;
    const [dossier, documents] = await Promise.all([
      this.store.dossier(customerId),
      this.store.documentsOf(customerId),
    ]);
    return { customer, dossier, documents };
  }

  /** Cover sheet and every document summary (up to DOSSIER_LIMIT), page by page. */
  async refreshDossier(customerId: string): Promise<void> {
    const answer = await this.gql<DossierQuery, DossierQueryVariables>(DOSSIER, { customerId, first: PAGE });
    const documents = [...answer.dossier.documents.items];
    let page = answer.dossier.documents.pageInfo;
    while (page.hasNextPage && documents.length < DOSSIER_LIMIT) {
      const more = await this.gql<DossierDocumentsQuery, DossierDocumentsQueryVariables>(DOSSIER_DOCUMENTS, {
        customerId,
        first: PAGE,
        after: page.endCursor,
      });
      documents.push(...more.dossier.documents.items);
      page = more.dossier.documents.pageInfo;
    }
    await this.store.putCustomers([answer.customer]);
    await this.store.putDossier({
      customerId,
      documentCount: answer.dossier.documentCount,
      coverFields: answer.dossier.coverFields,
      registers: answer.dossier.registers.map((r) => ({
        registerId: r.register.id,
        key: r.register.key,
        count: r.count,
      })),
      hasMore: page.hasNextPage,
      syncedAt: Date.now(),
    });
    if (page.hasNextPage) await this.store.putDocuments(documents);
    else await this.store.replaceDocuments(customerId, documents);
    this.changed("dossier", customerId);
  }

  document(id: string): Promise<StoredDocument | undefined> {
    return this.store.document(id);
  }

  async refreshDocument(id: string): Promise<StoredDocument> {
    const answer = await this.gql<DocumentQuery, DocumentQueryVariables>(DOCUMENT, { id });
    const stored: StoredDocument = { ...summaryOf(answer.document), detail: answer.document };
    await this.store.putDocuments([stored]);
    this.changed("document", id);
    return stored;
  }

  async updateDocument(id: string, input: DocumentMetadataInput): Promise<Saved<DocumentDetail>> {
    const answer = await this.gql<UpdateDocumentMetadataMutation, UpdateDocumentMetadataMutationVariables>(
      UPDATE_DOCUMENT_METADATA,
      { id, input },
    );
    const result = answer.updateDocumentMetadata;
    if (result.__typename !== "Document") return { ok: false, error: asError(result) };
    const detail = result as DocumentDetail;
    await this.store.putDocuments([{ ...summaryOf(detail), detail }]);
    this.changed("document", id);
    return { ok: true, value: detail };
  }

  async updateCustomer(id: string, input: CustomerInput): Promise<Saved<Customer>> {
    const answer = await this.gql<UpdateCustomerMutation, UpdateCustomerMutationVariables>(UPDATE_CUSTOMER, {
      id,
      input,
    });
    const result = answer.updateCustomer;
    if (result.__typename !== "Customer") return { ok: false, error: asError(result) };
    const customer = result as Customer;
    await this.store.putCustomers([customer]);
    this.changed("customer", id);
    return { ok: true, value: customer };
  }

  async uploadDocument(
    input: {
      customerId: string;
      documentTypeId: string;
      title: string;
      documentDate?: string | null;
      indexValues?: Record<string, unknown> | null;
      registerIds?: string[] | null;
    },
    file: Blob,
    filename: string,
    onProgress: (fraction: number) => void,
  ): Promise<Saved<DocumentSummary>> {
    const answer = await this.upload<UploadDocumentMutation>(
      UPLOAD_DOCUMENT,
      { input: { ...input, file: null } },
      [{ path: "input.file", file, name: filename }],
      onProgress,
    );
    const result = answer.uploadDocument;
    if (result.__typename !== "Document") return { ok: false, error: asError(result) };
    const document = result as DocumentSummary;
    await this.store.putDocuments([document]);
    this.changed("dossier", input.customerId);
    return { ok: true, value: document };
  }

  /** A feed as stored: its documents in the server's order, with their customers. */
  async feed(name: FeedName): Promise<LocalFeed | undefined> {
    const record = await this.store.getMeta<FeedRecord>(`feed:${name}`);
    if (!record) return undefined;
    const found = await Promise.all(record.documentIds.map((id) => this.store.document(id)));
    const documents = found.filter((d): d is StoredDocument => d !== undefined);
    const customers = await this.store.customers([...new Set(documents.map((d) => d.customerId))]);
    const { total, totalExact, syncedAt } = record;
    return { documents, customers: new Map(customers.map((c) => [c.id, c])), total, totalExact, syncedAt };
  }

  /** Asks the search for the feed's documents and keeps them, their customers and the order. */
  async refreshFeed(name: FeedName): Promise<void> {
    const { days, limit } = FEEDS[name];
    const answer = await this.gql<RecentDocumentsQuery, RecentDocumentsQueryVariables>(RECENT_DOCUMENTS, {
      criteria: { created: { relative: { unit: "DAYS", amount: days } }, sort: { key: "CREATED_AT", descending: true } },
      limit,
    });
    const documents = answer.search.hits.map((h) => h.document);
    const customers = new Map(documents.flatMap((d) => (d.customer ? [[d.customer.id, d.customer] as const] : [])));
    await this.store.putCustomers([...customers.values()]);
    await this.store.putDocuments(documents.map(({ customer: _, ...summary }) => summary));
    const record: FeedRecord = {
      documentIds: documents.map((d) => d.id),
      total: answer.search.total,
      totalExact: answer.search.totalExact,
      syncedAt: Date.now(),
    };
    await this.store.setMeta(`feed:${name}`, record);
    this.changed("feed", name);
  }

  /** Sign-out: nothing of this user stays on the device. */
  async forget(): Promise<void> {
    await this.store.clear();
    this.changed("all");
  }
}
