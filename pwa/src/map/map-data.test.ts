import { describe, expect, it } from "vitest";
import { customer } from "../data/fixtures";
import { MemoryStore, type Catalog, type Customer } from "../data/store";
import { applyFilters, complaintType, mainAddress, MapData, routeLine, validPoint, type RoutePlan } from "./map-data";

function placed(id: string, status = "active", kinds: ["billing" | "delivery", number, number][] = [["billing", 52, 13]]): Customer {
  const base = customer(id, `Customer ${id}`);
  return {
    ...base,
    status,
    addresses: kinds.map(([kind, latitude, longitude], i) => ({ ...base.addresses[0]!, id: `${id}-${i}`, kind, latitude, longitude })),
  };
}

describe("map data", () => {
  it("visits the delivery address, else billing; none without a position", () => {
    const c = placed("1", "active", [
      ["billing", 52, 13],
      ["delivery", 51, 14],
    ]);
    expect(mainAddress(c)?.kind).toBe("delivery");
    expect(mainAddress(placed("2"))?.kind).toBe("billing");
    expect(mainAddress(customer("3", "Nowhere"))).toBeNull();
  });

  it("filters by status and open complaints", () => {
    const all = [placed("a"), placed("b", "prospect"), placed("c", "blocked")];
    expect(applyFilters(all, { statuses: [], openComplaints: false, visit: "" }, {}).length).toBe(3);
    expect(applyFilters(all, { statuses: ["prospect"], openComplaints: false, visit: "" }, {}).map((c) => c.id)).toEqual(["b"]);
    expect(applyFilters(all, { statuses: [], openComplaints: true, visit: "" }, { c: 2, a: 0 }).map((c) => c.id)).toEqual(["c"]);
  });

  it("refuses points off the globe", () => {
    expect(validPoint({ latitude: 52, longitude: 13 })).toBe(true);
    expect(validPoint({ latitude: 91, longitude: 13 })).toBe(false);
    expect(validPoint({ latitude: Number.NaN, longitude: 13 })).toBe(false);
    expect(validPoint(null)).toBe(false);
  });

  it("draws the route from the start through the stops, and back on a round trip", () => {
    const stop = (n: number, lat: number) => ({ sequence: n, latitude: lat, longitude: 10 }) as RoutePlan["stops"][number];
    const plan = { roundTrip: true, stops: [stop(1, 1), stop(2, 2)] } as RoutePlan;
    expect(routeLine({ latitude: 0, longitude: 0 }, plan)).toEqual([
      [0, 0],
      [1, 10],
      [2, 10],
      [0, 0],
    ]);
    expect(routeLine({ latitude: 0, longitude: 0 }, { ...plan, roundTrip: false })).toHaveLength(3);
  });

  it("knows a complaint type only when it has an open status", () => {
    const catalog = (choices: string[]) =>
      ({ documentTypes: [{ id: "t1", key: "complaint", fields: [{ key: "status", choices }] }] }) as unknown as Catalog;
    expect(complaintType(catalog(["open", "closed"]))).toEqual({ id: "t1" });
    expect(complaintType(catalog(["done"]))).toBeNull();
    expect(complaintType(undefined)).toBeNull();
  });

  it("keeps what the server answered for offline use, page by page", async () => {
    const store = new MemoryStore();
    const pages = [
      { customers: { items: [placed("a")], pageInfo: { hasNextPage: true, endCursor: "x" } } },
      { customers: { items: [placed("b")], pageInfo: { hasNextPage: false, endCursor: null } } },
    ];
    const asked: unknown[] = [];
    const gql = async <T, V extends object>(_q: string, v?: V): Promise<T> => {
      asked.push(v);
      return pages.shift() as T;
    };
    const data = new MapData(store, gql);
    await data.refreshCustomers();
    expect(asked).toEqual([
      { first: 200, after: null },
      { first: 200, after: "x" },
    ]);
    expect((await new MapData(store, gql).customers()).map((c) => c.id)).toEqual(["a", "b"]);
  });

  it("answers a refused position with the server's error and sends only coordinates", async () => {
    const store = new MemoryStore();
    let sent: unknown;
    const gql = async <T, V extends object>(_q: string, v?: V): Promise<T> => {
      sent = v;
      return { setAddressPosition: { __typename: "ForbiddenError", code: "forbidden", message: "no" } } as T;
    };
    const answer = await new MapData(store, gql).setPosition("a1", { latitude: 1, longitude: 2, id: "x" } as never);
    expect(sent).toEqual({ addressId: "a1", position: { latitude: 1, longitude: 2 } });
    expect(answer).toEqual({ ok: false, error: { code: "forbidden", message: "no", issues: [] } });
  });
});
