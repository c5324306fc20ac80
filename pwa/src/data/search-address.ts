/**
 * A document search as an address: the words and every filter in the query string of `/search`,
 * so that "back" from a document, a reload, a bookmark or a shared link shows the same search.
 * Values the app does not know (an old link, a typo) fall back to "any" instead of failing.
 */
import type { Period, SearchForm, SearchOrder } from "./document-search";

const PERIOD_KEYS: Record<Period, true> = { any: true, days14: true, months3: true, thisYear: true, lastYear: true };
const ORDERS: Record<SearchOrder, true> = { relevance: true, date: true };

function known<K extends string>(keys: Record<K, true>, value: string | null, fallback: K): K {
  return value !== null && Object.hasOwn(keys, value) ? (value as K) : fallback;
}

/** The search an address holds. */
export function searchFromParams(params: URLSearchParams): SearchForm {
  return {
    text: params.get("q") ?? "",
    customerId: params.get("customer") || null,
    documentTypeId: params.get("type") || null,
    status: params.get("status") || null,
    period: known(PERIOD_KEYS, params.get("period"), "any"),
    sort: known(ORDERS, params.get("sort"), "relevance"),
  };
}

/** The address of a search; what is "any" is left out. */
export function searchPath(search: Partial<SearchForm> = {}): string {
  const params = new URLSearchParams();
  if (search.text) params.set("q", search.text);
  if (search.customerId) params.set("customer", search.customerId);
  if (search.documentTypeId) params.set("type", search.documentTypeId);
  if (search.status) params.set("status", search.status);
  if (search.period && search.period !== "any") params.set("period", search.period);
  if (search.sort && search.sort !== "relevance") params.set("sort", search.sort);
  const query = params.toString();
  return query ? `/search?${query}` : "/search";
}

/** Whether two searches ask the same. */
export function sameSearch(a: SearchForm, b: SearchForm): boolean {
  return searchPath(a) === searchPath(b);
}
