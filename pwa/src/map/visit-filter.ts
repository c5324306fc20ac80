/**
 * The map's filters as data (docs/adr/0029): customer status, open complaints and the last visit
 * ("visited in the last 7 / 30 / 90 days", "not visited for 30 / 90 days", "never visited"). They
 * combine (all must hold) and live in the address (`/map?status=…&complaints=1&visit=…`), so a
 * filtered map can be reloaded, shared and gone back to.
 */

export type VisitFilter = "" | "within-7" | "within-30" | "within-90" | "over-30" | "over-90" | "never";

/** In the order the select offers them; "" is "any time". */
export const VISIT_FILTERS: readonly VisitFilter[] = ["", "within-7", "within-30", "within-90", "over-30", "over-90", "never"];

export interface MapFilters {
  /** Customer statuses shown; empty: all. */
  statuses: string[];
  /** Only customers with at least one open complaint. */
  openComplaints: boolean;
  /** By the last visit; "": any. */
  visit: VisitFilter;
}

export const NO_FILTERS: MapFilters = { statuses: [], openComplaints: false, visit: "" };

const DAY_MS = 86_400_000;

export function parseVisitFilter(value: string | null | undefined): VisitFilter {
  return VISIT_FILTERS.includes(value as VisitFilter) ? (value as VisitFilter) : "";
}

/**
 * Whether a customer last visited at `last` (ISO time; null or undefined: never) passes `filter`
 * at `now` (ms since the epoch). "Within N days" counts back from now, so a visit exactly N days
 * ago is within; "not visited for N days" includes customers never visited. A last visit that
 * cannot be read counts as none.
 */
export function visitMatches(last: string | null | undefined, filter: VisitFilter, now: number): boolean {
  if (filter === "") return true;
  const at = last ? Date.parse(last) : Number.NaN;
  const visited = Number.isFinite(at);
  if (filter === "never") return !visited;
  const [kind, days] = filter.split("-") as ["within" | "over", string];
  const limit = now - Number(days) * DAY_MS;
  return kind === "within" ? visited && at >= limit : !visited || at < limit;
}

/** The filters an address asks for; anything unknown is left out. */
export function filtersFromParams(params: URLSearchParams): MapFilters {
  return {
    statuses: params.getAll("status").filter(Boolean),
    openComplaints: params.get("complaints") === "1",
    visit: parseVisitFilter(params.get("visit")),
  };
}

/** The query string for the filters ("" for none), in a fixed order. */
export function filtersToSearch(filters: MapFilters): string {
  const params = new URLSearchParams();
  for (const s of filters.statuses) params.append("status", s);
  if (filters.openComplaints) params.set("complaints", "1");
  if (filters.visit) params.set("visit", filters.visit);
  const text = params.toString();
  return text ? `?${text}` : "";
}
