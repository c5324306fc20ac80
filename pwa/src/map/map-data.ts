/**
 * The data behind the map screens (docs/adr/0022). Like the rest of the app it writes what the
 * server answers into the local store and reads from there, so the maps work offline with what was
 * last fetched: the tile settings, every customer with their positions, open complaints per
 * customer, the last "near me" answer and the day's route.
 */
import {
  CUSTOMER_DOCUMENT_COUNTS,
  CUSTOMER_VISITS,
  CUSTOMERS_NEAR,
  MAP_CUSTOMERS,
  MAP_SETTINGS,
  PLAN_ROUTE,
  RECORD_VISIT,
  SET_ADDRESS_POSITION,
} from "../data/operations";
import type {
  CustomerDocumentCountsQuery,
  CustomerDocumentCountsQueryVariables,
  CustomersNearQuery,
  CustomerVisitsQuery,
  CustomerVisitsQueryVariables,
  CustomersNearQueryVariables,
  MapCustomersQuery,
  MapCustomersQueryVariables,
  MapSettingsQuery,
  PlanRouteQuery,
  PlanRouteQueryVariables,
  RecordVisitMutation,
  RecordVisitMutationVariables,
  SetAddressPositionMutation,
  SetAddressPositionMutationVariables,
} from "../generated/graphql";
import type { Gql, Saved, ServerError } from "../data/repository";
import type { Catalog, Customer, LocalStore } from "../data/store";
import { visitMatches, type MapFilters } from "./visit-filter";

export type MapSettings = MapSettingsQuery["mapSettings"];
export type Address = Customer["addresses"][number];
export type RoutePlan = Extract<PlanRouteQuery["planRoute"], { __typename: "RoutePlan" }>;
export type RouteStop = RoutePlan["stops"][number];
export type RecordedVisit = Extract<RecordVisitMutation["recordVisit"], { __typename: "Visit" }>;
export type VisitItem = CustomerVisitsQuery["customer"]["visits"]["items"][number];

export interface CustomerVisits {
  lastVisitAt: string | null;
  items: VisitItem[];
}

export interface Point {
  latitude: number;
  longitude: number;
}

export interface NearbyItem {
  customer: Customer;
  addressId: string;
  distanceKm: number;
  latitude: number;
  longitude: number;
}

export interface NearbyAnswer {
  origin: Point;
  radiusKm: number;
  items: NearbyItem[];
  at: number;
}

export interface StoredRoute {
  start: Point;
  customerIds: string[];
  plan: RoutePlan;
  at: number;
}

export type { MapFilters } from "./visit-filter";

/** Customers a map may list (a tenant of thousands is read a page at a time up to this many). */
export const MAP_CUSTOMER_LIMIT = 5000;
const PAGE = 200;

/** Coordinates the server accepts; anything else is refused before asking. */
export function validPoint(p: Partial<Point> | null | undefined): p is Point {
  return (
    !!p &&
    typeof p.latitude === "number" &&
    typeof p.longitude === "number" &&
    Number.isFinite(p.latitude) &&
    Number.isFinite(p.longitude) &&
    Math.abs(p.latitude) <= 90 &&
    Math.abs(p.longitude) <= 180
  );
}

export function hasPosition(a: Address): a is Address & { latitude: number; longitude: number } {
  return a.latitude != null && a.longitude != null;
}

/** Where a customer is visited: the delivery address, else billing, else any with a position. */
export function mainAddress(customer: Customer): (Address & { latitude: number; longitude: number }) | null {
  const placed = customer.addresses.filter(hasPosition);
  return placed.find((a) => a.kind === "delivery") ?? placed.find((a) => a.kind === "billing") ?? placed[0] ?? null;
}

export function addressLine(a: Address): string {
  return [a.street, `${a.postalCode} ${a.city}`.trim(), a.country].filter(Boolean).join(", ");
}

/** Last visit per customer id (ISO time); a customer without one was never visited. */
export type LastVisits = Record<string, string>;

export function applyFilters(
  customers: Customer[],
  filters: MapFilters,
  complaints: Record<string, number>,
  visits: LastVisits = {},
  now = Date.now(),
): Customer[] {
  return customers.filter(
    (c) =>
      (filters.statuses.length === 0 || filters.statuses.includes(c.status)) &&
      (!filters.openComplaints || (complaints[c.id] ?? 0) > 0) &&
      visitMatches(visits[c.id], filters.visit, now),
  );
}

/** The polyline of a planned route: start, the stops in order, and back for a round trip. */
export function routeLine(start: Point, plan: RoutePlan): [number, number][] {
  const line: [number, number][] = [[start.latitude, start.longitude]];
  for (const s of plan.stops) line.push([s.latitude, s.longitude]);
  if (plan.roundTrip && plan.stops.length) line.push([start.latitude, start.longitude]);
  return line;
}

/** The complaint document type with a "status" choice that can be "open", if the tenant has one. */
export function complaintType(catalog: Catalog | undefined): { id: string } | null {
  const type = catalog?.documentTypes.find(
    (d) => d.key === "complaint" && d.fields.some((f) => f.key === "status" && f.choices.includes("open")),
  );
  return type ? { id: type.id } : null;
}

function asError(result: { __typename: string; code?: string; message?: string; issues?: ServerError["issues"] }): ServerError {
  return { code: result.code ?? "internal_error", message: result.message ?? result.__typename, issues: result.issues ?? [] };
}

export class MapData {
  constructor(
    private readonly store: LocalStore,
    private readonly gql: Gql,
  ) {}

  settings(): Promise<MapSettings | undefined> {
    return this.store.getMeta<MapSettings>("map:settings");
  }

  async refreshSettings(): Promise<MapSettings> {
    const answer = await this.gql<MapSettingsQuery, object>(MAP_SETTINGS);
    await this.store.setMeta("map:settings", answer.mapSettings);
    return answer.mapSettings;
  }

  /** Every customer as last fetched for the map. */
  async customers(): Promise<Customer[]> {
    return this.store.customers((await this.store.getMeta<string[]>("map:customers")) ?? []);
  }

  async refreshCustomers(): Promise<Customer[]> {
    const all: Customer[] = [];
    const visits: LastVisits = {};
    let after: string | null = null;
    do {
      const page: MapCustomersQuery = await this.gql<MapCustomersQuery, MapCustomersQueryVariables>(MAP_CUSTOMERS, {
        first: PAGE,
        after,
      });
      for (const { lastVisitAt, ...customer } of page.customers.items) {
        all.push(customer);
        if (lastVisitAt) visits[customer.id] = lastVisitAt;
      }
      after = page.customers.pageInfo.hasNextPage ? (page.customers.pageInfo.endCursor ?? null) : null;
    } while (after && all.length < MAP_CUSTOMER_LIMIT);
    await this.store.putCustomers(all);
    await this.store.setMeta(
      "map:customers",
      all.map((c) => c.id),
    );
    await this.store.setMeta("map:visits", visits);
    return all;
  }

  /** The last visit of each customer as last fetched (or recorded here). */
  async lastVisits(): Promise<LastVisits> {
    return (await this.store.getMeta<LastVisits>("map:visits")) ?? {};
  }

  /**
   * Record a visit at the customer now (the server's time), with an optional note; the stored
   * last visits follow the server's answer, so the map's filter sees it at once.
   */
  async recordVisit(customerId: string, note = ""): Promise<Saved<RecordedVisit>> {
    const answer = await this.gql<RecordVisitMutation, RecordVisitMutationVariables>(RECORD_VISIT, {
      input: { customerId, note },
    });
    const result = answer.recordVisit;
    if (result.__typename !== "Visit") return { ok: false, error: asError(result) };
    const visit = result as RecordedVisit;
    const visits = await this.lastVisits();
    if (visit.customer.lastVisitAt) visits[customerId] = visit.customer.lastVisitAt;
    await this.store.setMeta("map:visits", visits);
    return { ok: true, value: visit };
  }

  /** A customer's latest visits as last fetched. */
  storedVisits(customerId: string): Promise<CustomerVisits | undefined> {
    return this.store.getMeta<CustomerVisits>(`visits:${customerId}`);
  }

  async refreshVisits(customerId: string, first = 3): Promise<CustomerVisits> {
    const answer = await this.gql<CustomerVisitsQuery, CustomerVisitsQueryVariables>(CUSTOMER_VISITS, { id: customerId, first });
    const found: CustomerVisits = { lastVisitAt: answer.customer.lastVisitAt, items: answer.customer.visits.items };
    await this.store.setMeta(`visits:${customerId}`, found);
    const visits = await this.lastVisits();
    if (found.lastVisitAt) visits[customerId] = found.lastVisitAt;
    else delete visits[customerId];
    await this.store.setMeta("map:visits", visits);
    return found;
  }

  /** Open complaints per customer id; empty when the tenant has no such document type. */
  async complaints(): Promise<Record<string, number>> {
    return (await this.store.getMeta<Record<string, number>>("map:complaints")) ?? {};
  }

  async refreshComplaints(catalog: Catalog | undefined): Promise<Record<string, number>> {
    const type = complaintType(catalog);
    if (!type) return {};
    const answer = await this.gql<CustomerDocumentCountsQuery, CustomerDocumentCountsQueryVariables>(
      CUSTOMER_DOCUMENT_COUNTS,
      { criteria: { documentTypeIds: [type.id], index: [{ field: "status", equals: "open" }], groupBy: "CUSTOMER" } },
    );
    const counts = Object.fromEntries(answer.search.groups.map((g) => [g.key, g.count]));
    await this.store.setMeta("map:complaints", counts);
    return counts;
  }

  lastNearby(): Promise<NearbyAnswer | undefined> {
    return this.store.getMeta<NearbyAnswer>("map:near");
  }

  async near(origin: Point, radiusKm: number, limit = 50): Promise<Saved<NearbyAnswer>> {
    const answer = await this.gql<CustomersNearQuery, CustomersNearQueryVariables>(CUSTOMERS_NEAR, {
      latitude: origin.latitude,
      longitude: origin.longitude,
      radiusKm,
      limit,
    });
    const result = answer.customersNear;
    if (result.__typename !== "NearbyCustomers") return { ok: false, error: asError(result) };
    const found: NearbyAnswer = {
      origin,
      radiusKm,
      at: Date.now(),
      items: result.items.map((i) => ({
        customer: i.customer,
        addressId: i.address.id,
        distanceKm: i.distanceKm,
        latitude: i.latitude,
        longitude: i.longitude,
      })),
    };
    await this.store.putCustomers(found.items.map((i) => i.customer));
    await this.store.setMeta("map:near", found);
    return { ok: true, value: found };
  }

  route(): Promise<StoredRoute | undefined> {
    return this.store.getMeta<StoredRoute>("map:route");
  }

  async planRoute(start: Point, customerIds: string[], roundTrip: boolean): Promise<Saved<StoredRoute>> {
    const answer = await this.gql<PlanRouteQuery, PlanRouteQueryVariables>(PLAN_ROUTE, {
      start: { latitude: start.latitude, longitude: start.longitude },
      customerIds,
      roundTrip,
    });
    const result = answer.planRoute;
    if (result.__typename !== "RoutePlan") return { ok: false, error: asError(result) };
    const stored: StoredRoute = { start, customerIds, plan: result, at: Date.now() };
    await this.store.putCustomers(result.stops.map((s) => s.customer));
    await this.store.setMeta("map:route", stored);
    return { ok: true, value: stored };
  }

  async clearRoute(): Promise<void> {
    await this.store.setMeta("map:route", null);
  }

  /** A pin dragged by hand (MANUAL: the geocoder never moves it again); null hands it back. */
  async setPosition(addressId: string, position: Point | null): Promise<Saved<Customer>> {
    const answer = await this.gql<SetAddressPositionMutation, SetAddressPositionMutationVariables>(
      SET_ADDRESS_POSITION,
      { addressId, position: position && { latitude: position.latitude, longitude: position.longitude } },
    );
    const result = answer.setAddressPosition;
    if (result.__typename !== "Customer") return { ok: false, error: asError(result) };
    const customer = result as Customer;
    await this.store.putCustomers([customer]);
    return { ok: true, value: customer };
  }
}
