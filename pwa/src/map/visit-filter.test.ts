import { describe, expect, it } from "vitest";
import { customer } from "../data/fixtures";
import { MemoryStore } from "../data/store";
import { applyFilters, MapData } from "./map-data";
import { filtersFromParams, filtersToSearch, NO_FILTERS, parseVisitFilter, visitMatches, type MapFilters } from "./visit-filter";

const NOW = Date.parse("2026-06-30T12:00:00Z");
const daysAgo = (n: number) => new Date(NOW - n * 86_400_000).toISOString();

describe("last-visit filter", () => {
  it("counts days back from now, the boundary included", () => {
    expect(visitMatches(daysAgo(7), "within-7", NOW)).toBe(true);
    expect(visitMatches(daysAgo(7.01), "within-7", NOW)).toBe(false);
    expect(visitMatches(daysAgo(29), "within-30", NOW)).toBe(true);
    expect(visitMatches(daysAgo(89), "within-90", NOW)).toBe(true);
    expect(visitMatches(daysAgo(91), "within-90", NOW)).toBe(false);
  });

  it("treats never-visited customers as not visited for any time, and only them as never", () => {
    expect(visitMatches(null, "within-90", NOW)).toBe(false);
    expect(visitMatches(undefined, "over-30", NOW)).toBe(true);
    expect(visitMatches(undefined, "never", NOW)).toBe(true);
    expect(visitMatches(daysAgo(400), "never", NOW)).toBe(false);
    expect(visitMatches(daysAgo(31), "over-30", NOW)).toBe(true);
    expect(visitMatches(daysAgo(30), "over-30", NOW)).toBe(false);
    expect(visitMatches(daysAgo(60), "over-90", NOW)).toBe(false);
    expect(visitMatches("not a time", "never", NOW)).toBe(true);
    expect(visitMatches(daysAgo(5000), "", NOW)).toBe(true);
  });

  it("combines with status and open complaints", () => {
    const all = ["a", "b", "c", "d"].map((id) => ({ ...customer(id, id), status: id === "d" ? "prospect" : "active" }));
    const visits = { a: daysAgo(3), b: daysAgo(45), d: daysAgo(1) };
    const shown = (f: Partial<MapFilters>, complaints: Record<string, number> = {}) =>
      applyFilters(all, { ...NO_FILTERS, ...f }, complaints, visits, NOW).map((c) => c.id);
    expect(shown({ visit: "within-7" })).toEqual(["a", "d"]);
    expect(shown({ visit: "within-7", statuses: ["active"] })).toEqual(["a"]);
    expect(shown({ visit: "over-30" })).toEqual(["b", "c"]);
    expect(shown({ visit: "over-30", openComplaints: true }, { c: 1 })).toEqual(["c"]);
    expect(shown({ visit: "never" })).toEqual(["c"]);
    expect(shown({})).toEqual(["a", "b", "c", "d"]);
  });

  it("round-trips the filters through the address and drops what it does not know", () => {
    const filters: MapFilters = { statuses: ["active", "prospect"], openComplaints: true, visit: "over-90" };
    const search = filtersToSearch(filters);
    expect(search).toBe("?status=active&status=prospect&complaints=1&visit=over-90");
    expect(filtersFromParams(new URLSearchParams(search))).toEqual(filters);
    expect(filtersToSearch(NO_FILTERS)).toBe("");
    expect(filtersFromParams(new URLSearchParams("visit=within-8&complaints=yes"))).toEqual(NO_FILTERS);
    expect(parseVisitFilter("never")).toBe("never");
    expect(parseVisitFilter(null)).toBe("");
  });

  it("keeps the server's last visits and updates them from a recorded visit", async () => {
    const store = new MemoryStore();
    const pages = [
      {
        customers: {
          items: [
            { ...customer("a", "A"), lastVisitAt: "2026-06-01T08:00:00+00:00" },
            { ...customer("b", "B"), lastVisitAt: null },
          ],
          pageInfo: { hasNextPage: false, endCursor: null },
        },
      },
      {
        recordVisit: {
          __typename: "Visit",
          id: "v1",
          visitedAt: "2026-06-30T12:00:00+00:00",
          note: "",
          user: null,
          customer: { id: "b", lastVisitAt: "2026-06-30T12:00:00+00:00" },
        },
      },
    ];
    const sent: unknown[] = [];
    const gql = async <T, V extends object>(_q: string, v?: V): Promise<T> => {
      sent.push(v);
      return pages.shift() as T;
    };
    const data = new MapData(store, gql);
    const customers = await data.refreshCustomers();
    expect(customers.map((c) => "lastVisitAt" in c)).toEqual([false, false]);
    expect(await data.lastVisits()).toEqual({ a: "2026-06-01T08:00:00+00:00" });
    const recorded = await data.recordVisit("b", "met the buyer");
    expect(recorded.ok).toBe(true);
    expect(sent[1]).toEqual({ input: { customerId: "b", note: "met the buyer" } });
    expect(await new MapData(store, gql).lastVisits()).toEqual({ a: "2026-06-01T08:00:00+00:00", b: "2026-06-30T12:00:00+00:00" });
  });

  it("answers a refused visit with the server's error and keeps the stored visits", async () => {
    const store = new MemoryStore();
    await store.setMeta("map:visits", { a: "2026-06-01T08:00:00+00:00" });
    const gql = async <T,>(): Promise<T> => ({ recordVisit: { __typename: "NotFoundError", code: "not_found", message: "customer x not found" } }) as T;
    const answer = await new MapData(store, gql).recordVisit("x");
    expect(answer).toEqual({ ok: false, error: { code: "not_found", message: "customer x not found", issues: [] } });
    expect(await new MapData(store, gql).lastVisits()).toEqual({ a: "2026-06-01T08:00:00+00:00" });
  });
});
