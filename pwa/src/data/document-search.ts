/**
 * Full-text document search: what the search form holds, the criteria the server takes for it,
 * and the pages of hits. Every page's documents and customers are written into the local store
 * like any other screen's; the first page of the last few queries is kept as a meta record, so
 * offline the screen still shows what the same query found last time.
 */
import { DOCUMENT_SEARCH } from "./operations";
import type {
  DocumentSearchQuery,
  DocumentSearchQueryVariables,
  RelativeDateUnit,
  SearchCriteriaInput,
  SearchResultsFieldsFragment,
} from "../generated/graphql";
import type { Gql } from "./repository";
import type { Customer, DocumentSummary, LocalStore } from "./store";

/** Date ranges counted back from today, as the search resolves them on the user's day. */
export const PERIODS = {
  any: null,
  days14: { unit: "DAYS", amount: 14 },
  months3: { unit: "MONTHS", amount: 3 },
  thisYear: { unit: "THIS_YEAR", amount: 1 },
  lastYear: { unit: "LAST_YEAR", amount: 1 },
} as const satisfies Record<string, { unit: RelativeDateUnit; amount: number } | null>;
export type Period = keyof typeof PERIODS;

export type SearchOrder = "relevance" | "date";

/** The search form. Empty values mean "any". */
export interface SearchForm {
  text: string;
  customerId: string | null;
  documentTypeId: string | null;
  status: string | null;
  period: Period;
  sort: SearchOrder;
}

export const EMPTY_FORM: SearchForm = {
  text: "",
  customerId: null,
  documentTypeId: null,
  status: null,
  period: "any",
  sort: "relevance",
};

/** Hits per page. */
export const SEARCH_PAGE = 25;
/** Queries whose first page the store keeps for offline use. */
export const CACHED_QUERIES = 12;

/** A form worth sending: some words, or a customer to list. */
export function isSearchable(form: SearchForm): boolean {
  return form.text.trim().length > 0 || form.customerId !== null;
}

/** The server's criteria for a form; dates are relative, so a saved view keeps meaning "last 14 days". */
export function buildCriteria(form: SearchForm): SearchCriteriaInput {
  const criteria: SearchCriteriaInput = { text: form.text.trim() };
  if (form.customerId) criteria.customerIds = [form.customerId];
  if (form.documentTypeId) criteria.documentTypeIds = [form.documentTypeId];
  if (form.status) criteria.statuses = [form.status];
  const period = PERIODS[form.period];
  if (period) {
    criteria.documentDate = {
      relative: period.unit === "DAYS" || period.unit === "MONTHS" ? { ...period } : { unit: period.unit },
    };
  }
  // Without words there is no relevance: newest first then.
  const byDate = form.sort === "date" || !criteria.text;
  criteria.sort = byDate ? { key: "DOCUMENT_DATE", descending: true } : { key: "RELEVANCE", descending: true };
  return criteria;
}

/** The same key for the same question, however it was typed (case, spaces). */
export function cacheKey(form: SearchForm): string {
  const { customerId, documentTypeId, status, period, sort } = form;
  const text = form.text.trim().toLowerCase().replace(/\s+/g, " ");
  return JSON.stringify([text, customerId, documentTypeId, status, period, sort]);
}

export interface SnippetPart {
  text: string;
  highlighted: boolean;
}

/** One hit as screens show it: the document as stored, with its snippet. */
export interface Hit {
  document: DocumentSummary;
  snippet: SnippetPart[];
}

export interface HitPage {
  hits: Hit[];
  customers: Customer[];
  total: number;
  totalExact: boolean;
  nextCursor: string | null;
}

/** A cached first page, as the meta record keeps it. */
export interface CachedSearch extends HitPage {
  syncedAt: number;
}

/** Splits the server's answer into documents and customers and writes both into the store. */
export async function keepResults(store: LocalStore, results: SearchResultsFieldsFragment): Promise<HitPage> {
  const customers = new Map<string, Customer>();
  const hits = results.hits.map((h) => {
    const { customer, ...document } = h.document;
    if (customer) customers.set(customer.id, customer);
    return { document, snippet: h.snippet.map(({ text, highlighted }) => ({ text, highlighted })) };
  });
  await store.putCustomers([...customers.values()]);
  await store.putDocuments(hits.map((h) => h.document));
  const { total, totalExact, nextCursor } = results;
  return { hits, customers: [...customers.values()], total, totalExact, nextCursor };
}

export class DocumentSearch {
  constructor(
    private readonly store: LocalStore,
    private readonly gql: Gql,
  ) {}

  /** What the same query found last time it was asked on this device, if still kept. */
  async cached(form: SearchForm): Promise<CachedSearch | undefined> {
    // A dropped query's record is null.
    return (await this.store.getMeta<CachedSearch | null>(`search:${cacheKey(form)}`)) ?? undefined;
  }

  /** A page from the server (the first without `after`); the first page is kept for offline use. */
  async page(form: SearchForm, after: string | null = null, signal?: AbortSignal): Promise<HitPage> {
    const answer = await this.gql<DocumentSearchQuery, DocumentSearchQueryVariables>(
      DOCUMENT_SEARCH,
      { criteria: buildCriteria(form), after, limit: SEARCH_PAGE },
      signal,
    );
    const page = await keepResults(this.store, answer.search);
    if (after === null) await this.remember(cacheKey(form), { ...page, syncedAt: Date.now() });
    return page;
  }

  /** Keeps the newest CACHED_QUERIES first pages; older ones are dropped from the store. */
  private async remember(key: string, record: CachedSearch): Promise<void> {
    const keys = (await this.store.getMeta<string[]>("search:keys")) ?? [];
    const next = [key, ...keys.filter((k) => k !== key)];
    for (const old of next.slice(CACHED_QUERIES)) await this.store.setMeta(`search:${old}`, null);
    await this.store.setMeta(`search:${key}`, record);
    await this.store.setMeta("search:keys", next.slice(0, CACHED_QUERIES));
  }
}
