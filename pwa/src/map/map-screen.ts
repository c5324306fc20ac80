/**
 * The map screens (docs/adr/0022), loaded on first use with Leaflet:
 * - /map: every customer, clustered, filtered by status, open complaints and the last visit (the
 *   filters are kept in the address); a tap opens the cover sheet; "prepare this area for offline"
 *   where the tile server allows it;
 * - /map/near: customers near the device or a chosen point, nearest first;
 * - /map/route: pick the day's customers, the server orders them into a round trip; the numbered
 *   route on the map and the list of stops (with links to the navigation apps) agree; each stop
 *   can be marked visited.
 * Everything shown is read from the local store; the network only refreshes it.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { Offline } from "../data/client";
import { gql } from "../data/client";
import type { Customer } from "../data/store";
import { formatDate, formatDateTime, formatNumber, t, type MessageKey } from "../i18n";
import { en } from "../i18n/en";
import { dossierPath, navigate } from "../router";
import { repo } from "../services";
import { LocalizedElement } from "../ui/localized";
import { shared } from "../ui/styles";
import { km, locate } from "./geolocate";
import { type LeafletMap, type MapMarker } from "./leaflet-map";
import "./leaflet-map";
import {
  addressLine,
  applyFilters,
  complaintType,
  mainAddress,
  MapData,
  routeLine,
  validPoint,
  type LastVisits,
  type MapFilters,
  type MapSettings,
  type NearbyAnswer,
  type Point,
  type StoredRoute,
} from "./map-data";
import { prefetchArea } from "./prefetch";
import { filtersFromParams, filtersToSearch, parseVisitFilter, VISIT_FILTERS, type VisitFilter } from "./visit-filter";

export type MapMode = "all" | "near" | "route";

const RADII = [5, 10, 25, 50, 100, 250];
const MAX_STOPS = 100;

/** A customer status in the user's language (the known ones; others as the server says them). */
function statusName(status: string): string {
  const key = `customerStatus.${status}`;
  return key in en ? t(key as MessageKey) : status;
}

/** The last-visit filter's choices in the user's language. */
function visitFilterName(filter: VisitFilter): string {
  if (filter === "") return t("map.visitAny");
  if (filter === "never") return t("map.visitNever");
  const [kind, days] = filter.split("-");
  return t(kind === "within" ? "map.visitWithin" : "map.visitOver", { days: Number(days) });
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class MapScreen extends LocalizedElement {
  static override properties = {
    mode: {},
    settings: { state: true },
    customers: { state: true },
    complaints: { state: true },
    visits: { state: true },
    marking: { state: true },
    pinningRoute: { state: true },
    hasComplaintType: { state: true },
    filters: { state: true },
    nearby: { state: true },
    radiusKm: { state: true },
    route: { state: true },
    picked: { state: true },
    pickFilter: { state: true },
    startFrom: { state: true },
    roundTrip: { state: true },
    status: { state: true },
    error: { state: true },
    notice: { state: true },
    busy: { state: true },
    loaded: { state: true },
  };

  declare mode: MapMode;
  declare settings: MapSettings | null;
  declare customers: Customer[];
  declare complaints: Record<string, number>;
  declare visits: LastVisits;
  /** The customer whose stop is being marked visited. */
  declare marking: string;
  /** The day's dossiers are being pinned for offline. */
  declare pinningRoute: boolean;
  declare hasComplaintType: boolean;
  declare filters: MapFilters;
  declare nearby: NearbyAnswer | null;
  declare radiusKm: number;
  declare route: StoredRoute | null;
  declare picked: string[];
  declare pickFilter: string;
  declare startFrom: "here" | "centre";
  declare roundTrip: boolean;
  declare status: string;
  declare error: string;
  /** Offline: what is shown is what was last loaded. */
  declare notice: string;
  declare busy: boolean;
  declare loaded: boolean;

  private readonly data = new MapData(repo().store, gql);

  constructor() {
    super();
    this.mode = "all";
    this.settings = null;
    this.customers = [];
    this.complaints = {};
    this.visits = {};
    this.marking = "";
    this.pinningRoute = false;
    this.hasComplaintType = false;
    this.filters = filtersFromParams(new URLSearchParams(location.search));
    this.nearby = null;
    this.radiusKm = 25;
    this.route = null;
    this.picked = [];
    this.pickFilter = "";
    this.startFrom = "here";
    this.roundTrip = true;
    this.status = "";
    this.error = "";
    this.notice = "";
    this.busy = false;
    this.loaded = false;
  }

  /** Back and forward between filtered maps: the filters follow the address. */
  private readonly onPopState = (): void => {
    if (this.mode === "all") this.filters = filtersFromParams(new URLSearchParams(location.search));
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener("popstate", this.onPopState);
    void this.load();
  }

  override disconnectedCallback(): void {
    window.removeEventListener("popstate", this.onPopState);
    super.disconnectedCallback();
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has("mode") && changed.get("mode") !== undefined) {
      this.status = "";
      this.error = "";
      // Back on the customers' map from another view: the address shows the filters in force.
      if (this.mode === "all" && !location.search) this.setFilters(this.filters);
    }
  }

  private get mapElement(): LeafletMap | null {
    return this.renderRoot.querySelector("leaflet-map");
  }

  /** The store first (offline too), then the server. */
  private async load(): Promise<void> {
    const catalog = await repo().catalog();
    const [settings, customers, complaints, nearby, route, visits] = await Promise.all([
      this.data.settings(),
      this.data.customers(),
      this.data.complaints(),
      this.data.lastNearby(),
      this.data.route(),
      this.data.lastVisits(),
    ]);
    this.settings = settings ?? null;
    this.customers = customers;
    this.complaints = complaints;
    this.visits = visits;
    this.hasComplaintType = complaintType(catalog) !== null;
    this.nearby = nearby ?? null;
    this.route = route ?? null;
    if (route) {
      this.picked = route.customerIds;
      this.roundTrip = route.plan.roundTrip;
    }
    try {
      this.settings = await this.data.refreshSettings();
      this.customers = await this.data.refreshCustomers();
      this.visits = await this.data.lastVisits();
      const fresh = (await repo().catalog()) ?? (await repo().refreshCatalog());
      this.hasComplaintType = complaintType(fresh) !== null;
      this.complaints = await this.data.refreshComplaints(fresh);
    } catch (error) {
      if (error instanceof Offline) this.notice = t("map.offline");
      else this.error = t("map.error", { message: message(error) });
    } finally {
      this.loaded = true;
    }
  }

  private open(customerId: string): void {
    if (customerId && customerId !== "origin") navigate(dossierPath(customerId));
  }

  // -- all customers ------------------------------------------------------------------------------

  /** Filters change the address too (replacing it: a filter is not a step back). */
  private setFilters(next: MapFilters): void {
    this.filters = next;
    if (this.mode === "all") history.replaceState(history.state, "", location.pathname + filtersToSearch(next));
  }

  private customerMarkers(customers: Customer[]): MapMarker[] {
    return customers.flatMap((c) => {
      const a = mainAddress(c);
      if (!a) return [];
      const label = t("map.markerLabel", { name: c.name, address: addressLine(a) });
      const last = this.visits[c.id];
      return [
        {
          id: c.id,
          latitude: a.latitude,
          longitude: a.longitude,
          label: last ? t("map.markerVisit", { label, when: formatDate(last) }) : t("map.markerNever", { label }),
        },
      ];
    });
  }

  private async prepare(): Promise<void> {
    const settings = this.settings;
    const view = this.mapElement?.view();
    if (!settings || !view || !settings.prefetchAllowed) return;
    if (!navigator.onLine) {
      this.status = t("map.prepareOffline");
      return;
    }
    this.busy = true;
    try {
      const outcome = await prefetchArea(settings, view, (done, total) => {
        this.status = t("map.preparing", { done, total });
      });
      if (outcome.kind === "too-large") this.status = t("map.prepareTooLarge", { max: settings.prefetchMaxTiles });
      else
        this.status =
          t("map.prepared", { count: outcome.count, from: outcome.from, to: outcome.to }) +
          (outcome.failed ? " " + t("map.prepareFailed", { failed: outcome.failed, total: outcome.count + outcome.failed }) : "");
    } finally {
      this.busy = false;
    }
  }

  private renderAll(): TemplateResult {
    const statuses = [...new Set(this.customers.map((c) => c.status))].sort();
    const shown = applyFilters(this.customers, this.filters, this.complaints, this.visits);
    const markers = this.customerMarkers(shown);
    const missing = shown.length - markers.length;
    const settings = this.settings;
    return html`
      <div class="toolbar filters">
        <div>
          <label for="status">${t("map.status")}</label>
          <select
            id="status"
            @change=${(e: Event) => {
              const value = (e.target as HTMLSelectElement).value;
              this.setFilters({ ...this.filters, statuses: value ? [value] : [] });
            }}
          >
            <option value="">${t("map.allStatuses")}</option>
            ${statuses.map((s) => html`<option value=${s} ?selected=${this.filters.statuses.includes(s)}>${statusName(s)}</option>`)}
          </select>
        </div>
        <label class="check">
          <input
            type="checkbox"
            id="complaints"
            .checked=${this.filters.openComplaints}
            ?disabled=${!this.hasComplaintType}
            aria-describedby=${this.hasComplaintType ? nothing : "no-complaint-type"}
            @change=${(e: Event) => this.setFilters({ ...this.filters, openComplaints: (e.target as HTMLInputElement).checked })}
          />
          ${t("map.openComplaints")}
        </label>
        <div>
          <label for="visit">${t("map.visit")}</label>
          <select
            id="visit"
            @change=${(e: Event) => this.setFilters({ ...this.filters, visit: parseVisitFilter((e.target as HTMLSelectElement).value) })}
          >
            ${VISIT_FILTERS.map((f) => html`<option value=${f} ?selected=${this.filters.visit === f}>${visitFilterName(f)}</option>`)}
          </select>
        </div>
      </div>
      ${this.hasComplaintType ? nothing : html`<p class="muted" id="no-complaint-type">${t("map.noComplaintType")}</p>`}
      <p class="muted count" role="status">
        ${this.loaded || this.customers.length
          ? t("map.count", { shown: markers.length, total: this.customers.length }) +
            (missing > 0 ? ` · ${t("map.noPosition", { count: missing })}` : "")
          : t("map.loading")}
      </p>
      <leaflet-map
        cluster
        .settings=${settings}
        .markers=${markers}
        .fitKey=${`all:${this.customers.length}`}
        label=${t("map.region")}
        @marker-activate=${(e: CustomEvent<{ id: string }>) => this.open(e.detail.id)}
      ></leaflet-map>
      <div class="prepare">
        <button
          id="prepare"
          ?disabled=${!settings?.prefetchAllowed || this.busy}
          aria-describedby=${settings?.prefetchAllowed ? nothing : "prepare-why"}
          @click=${() => void this.prepare()}
        >
          ${t("map.prepare")}
        </button>
        ${settings && !settings.prefetchAllowed ? html`<p class="muted" id="prepare-why">${t("map.prepareNotAllowed")}</p>` : nothing}
      </div>
    `;
  }

  // -- near me ------------------------------------------------------------------------------------

  private async searchNear(origin: Point | null): Promise<void> {
    this.error = "";
    if (!validPoint(origin)) return;
    this.busy = true;
    try {
      const answer = await this.data.near(origin, this.radiusKm);
      if (answer.ok) {
        this.nearby = answer.value;
        this.status = answer.value.items.length
          ? t("near.found", { count: answer.value.items.length, km: this.radiusKm })
          : t("near.none", { km: this.radiusKm });
      } else this.error = t("near.error", { message: answer.error.message });
    } catch (error) {
      this.error = error instanceof Offline ? t("near.needsConnection") : t("near.error", { message: message(error) });
    } finally {
      this.busy = false;
    }
  }

  private async nearHere(): Promise<void> {
    this.status = t("near.locating");
    this.error = "";
    const found = await locate();
    if (!found.ok) {
      this.status = "";
      this.error = found.message;
      return;
    }
    await this.searchNear(found.point);
  }

  private renderNear(): TemplateResult {
    const near = this.nearby;
    const markers: MapMarker[] = near
      ? [
          { id: "origin", latitude: near.origin.latitude, longitude: near.origin.longitude, label: t("near.origin"), kind: "origin" },
          ...near.items.map((i) => ({
            id: i.customer.id,
            latitude: i.latitude,
            longitude: i.longitude,
            label: `${i.customer.name}, ${t("near.distance", { km: km(i.distanceKm) })}`,
          })),
        ]
      : [];
    return html`
      <div class="toolbar">
        <button class="primary" ?disabled=${this.busy} @click=${() => void this.nearHere()}>${t("near.useLocation")}</button>
        <button ?disabled=${this.busy} @click=${() => void this.searchNear(this.mapElement?.center() ?? null)}>${t("near.useCentre")}</button>
        <div>
          <label for="radius">${t("near.radius")}</label>
          <select id="radius" @change=${(e: Event) => (this.radiusKm = Number((e.target as HTMLSelectElement).value))}>
            ${RADII.map((r) => html`<option value=${r} ?selected=${r === this.radiusKm}>${formatNumber(r)} km</option>`)}
          </select>
        </div>
      </div>
      <p class="muted">${t("near.pickHint")}</p>
      <leaflet-map
        pickable
        .settings=${this.settings}
        .markers=${markers}
        .fitKey=${`near:${near?.at ?? 0}`}
        label=${t("map.region")}
        @marker-activate=${(e: CustomEvent<{ id: string }>) => this.open(e.detail.id)}
        @map-pick=${(e: CustomEvent<Point>) => void this.searchNear(e.detail)}
      ></leaflet-map>
      ${near
        ? html`<ol class="list results" aria-label=${t("near.found", { count: near.items.length, km: near.radiusKm })}>
            ${near.items.map(
              (i) => html`<li>
                <a class="row" href=${dossierPath(i.customer.id)}>
                  <span class="row-main"
                    ><span class="row-title">${i.customer.name}</span
                    ><span class="row-sub"
                      >${(() => {
                        const a = i.customer.addresses.find((x) => x.id === i.addressId);
                        return a ? addressLine(a) : "";
                      })()}</span
                    ></span
                  >
                  <span class="distance">${t("near.distance", { km: km(i.distanceKm) })}</span>
                </a>
              </li>`,
            )}
          </ol>`
        : nothing}
    `;
  }

  // -- the day's route ----------------------------------------------------------------------------

  private async plan(): Promise<void> {
    this.error = "";
    this.status = "";
    if (this.picked.length === 0) {
      this.error = t("route.none");
      return;
    }
    if (this.picked.length > MAX_STOPS) {
      this.error = t("route.tooMany", { max: MAX_STOPS });
      return;
    }
    let start: Point | null = null;
    if (this.startFrom === "here") {
      this.status = t("near.locating");
      const found = await locate();
      if (!found.ok) {
        this.status = "";
        this.error = found.message;
        return;
      }
      start = found.point;
    } else start = this.mapElement?.center() ?? null;
    if (!validPoint(start)) return;
    this.busy = true;
    try {
      const answer = await this.data.planRoute(start, this.picked, this.roundTrip);
      if (answer.ok) {
        this.route = answer.value;
        this.status = ""; // the summary above the map says it (a live region)
      } else this.error = t("route.error", { message: answer.error.message });
    } catch (error) {
      this.status = "";
      this.error = error instanceof Offline ? t("route.needsConnection") : t("route.error", { message: message(error) });
    } finally {
      this.busy = false;
    }
  }

  private async markVisited(customer: Customer): Promise<void> {
    this.error = "";
    this.status = "";
    this.marking = customer.id;
    try {
      const saved = await this.data.recordVisit(customer.id);
      if (saved.ok) {
        this.visits = await this.data.lastVisits();
        this.status = t("visit.recorded", { name: customer.name });
      } else this.error = t("visit.failed", { message: saved.error.message });
    } catch (error) {
      this.error = error instanceof Offline ? t("visit.offline") : t("visit.failed", { message: message(error) });
    } finally {
      this.marking = "";
    }
  }

  /** Pin the dossiers of the day's stops for offline in one go (one check-out each, one sync). */
  private async pinStops(plan: StoredRoute["plan"]): Promise<void> {
    this.error = "";
    this.status = "";
    this.pinningRoute = true;
    try {
      const pinning = await (await import("../sync/index")).pinning();
      if (!pinning) {
        this.error = t("route.pinSwitchedOff");
        return;
      }
      const ids = plan.stops.map((s) => s.customer.id);
      const fresh = await pinning.pinAll(ids);
      this.status = t("route.pinned", { count: ids.length, fresh });
    } catch (error) {
      this.error = t("route.pinFailed", { message: message(error) });
    } finally {
      this.pinningRoute = false;
    }
  }

  private togglePick(id: string, on: boolean): void {
    this.picked = on ? [...this.picked.filter((x) => x !== id), id] : this.picked.filter((x) => x !== id);
  }

  private renderPicker(): TemplateResult {
    const placed = this.customers.filter((c) => mainAddress(c) !== null);
    const needle = this.pickFilter.trim().toLocaleLowerCase();
    const listed = needle ? placed.filter((c) => c.name.toLocaleLowerCase().includes(needle) || this.picked.includes(c.id)) : placed;
    const markers = this.customerMarkers(placed.filter((c) => this.picked.includes(c.id)));
    return html`
      <form
        class="picker"
        @submit=${(e: Event) => {
          e.preventDefault();
          void this.plan();
        }}
      >
        <fieldset>
          <legend>${t("route.pick")} <span class="muted">(${t("route.picked", { count: this.picked.length })})</span></legend>
          <label for="pick-filter" class="visually-hidden">${t("route.filter")}</label>
          <input
            id="pick-filter"
            type="search"
            placeholder=${t("route.filter")}
            .value=${this.pickFilter}
            @input=${(e: Event) => (this.pickFilter = (e.target as HTMLInputElement).value)}
          />
          <ul class="picks">
            ${listed.map(
              (c) => html`<li>
                <label class="check"
                  ><input
                    type="checkbox"
                    name="customer"
                    value=${c.id}
                    .checked=${this.picked.includes(c.id)}
                    @change=${(e: Event) => this.togglePick(c.id, (e.target as HTMLInputElement).checked)}
                  />${c.name}</label
                >
              </li>`,
            )}
          </ul>
        </fieldset>
        <div class="toolbar">
          <div>
            <label for="start">${t("route.start")}</label>
            <select id="start" @change=${(e: Event) => (this.startFrom = (e.target as HTMLSelectElement).value as "here" | "centre")}>
              <option value="here" ?selected=${this.startFrom === "here"}>${t("route.startHere")}</option>
              <option value="centre" ?selected=${this.startFrom === "centre"}>${t("route.startCentre")}</option>
            </select>
          </div>
          <label class="check"
            ><input type="checkbox" id="round-trip" .checked=${this.roundTrip} @change=${(e: Event) => (this.roundTrip = (e.target as HTMLInputElement).checked)} />${t(
              "route.roundTrip",
            )}</label
          >
          <button class="primary" type="submit" ?disabled=${this.busy}>${t("route.plan")}</button>
        </div>
      </form>
      <leaflet-map
        .settings=${this.settings}
        .markers=${markers}
        .fitKey=${"pick"}
        label=${t("map.region")}
        @marker-activate=${(e: CustomEvent<{ id: string }>) => this.open(e.detail.id)}
      ></leaflet-map>
    `;
  }

  private renderRoute(route: StoredRoute): TemplateResult {
    const plan = route.plan;
    const markers: MapMarker[] = [
      { id: "origin", latitude: route.start.latitude, longitude: route.start.longitude, label: t("route.start"), kind: "origin" },
      ...plan.stops.map((s) => ({
        id: s.customer.id,
        latitude: s.latitude,
        longitude: s.longitude,
        number: s.sequence,
        kind: "stop" as const,
        label: t("route.stopLabel", { n: s.sequence, name: s.customer.name }),
      })),
    ];
    const apps = (s: (typeof plan.stops)[number]): [string, string][] => [
      [s.geoUri, t("route.geo")],
      [s.appleMapsUrl, t("route.apple")],
      [s.googleMapsUrl, t("route.google")],
    ];
    return html`
      <p class="summary" role="status">
        ${t("route.total", { count: plan.stops.length, km: km(plan.totalKm) })}
        ${plan.distances === "straight" ? html`<span class="muted">${t("route.straight")}</span>` : nothing}
      </p>
      <button class="pin-stops" ?disabled=${this.pinningRoute || plan.stops.length === 0} @click=${() => void this.pinStops(plan)}>
        ${t("route.pinStops", { count: plan.stops.length })}
      </button>
      <leaflet-map
        .settings=${this.settings}
        .markers=${markers}
        .line=${routeLine(route.start, plan)}
        .fitKey=${`route:${route.at}`}
        label=${t("map.region")}
        @marker-activate=${(e: CustomEvent<{ id: string }>) => this.open(e.detail.id)}
      ></leaflet-map>
      <h2 id="h-stops">${t("route.stops")}</h2>
      <ol class="list stops" aria-labelledby="h-stops">
        ${plan.stops.map((s) => {
          const a = s.customer.addresses.find((x) => x.id === s.address.id);
          return html`<li data-stop=${s.sequence}>
            <a class="stop row" href=${dossierPath(s.customer.id)}>
              <span class="number" aria-hidden="true">${s.sequence}</span>
              <span class="row-main"
                ><span class="row-title">${s.customer.name}</span
                ><span class="row-sub">${a ? addressLine(a) : ""}</span
                ><span class="row-sub">${t("route.leg", { km: km(s.legKm) })}</span
                >${this.visits[s.customer.id]
                  ? html`<span class="row-sub visited">${t("route.visited", { when: formatDateTime(this.visits[s.customer.id]) })}</span>`
                  : nothing}</span
              >
            </a>
            <span class="apps">
              <button
                class="mark-visited"
                ?disabled=${this.marking === s.customer.id}
                aria-label=${t("route.markVisitedLabel", { n: s.sequence, name: s.customer.name })}
                @click=${() => void this.markVisited(s.customer)}
              >
                ${t("route.markVisited")}
              </button>
              ${apps(s).map(
                ([href, app]) =>
                  html`<a
                    class="button"
                    data-external
                    href=${href}
                    target=${href.startsWith("geo:") ? nothing : "_blank"}
                    rel="noopener"
                    aria-label=${t("route.navigateTo", { n: s.sequence, name: s.customer.name, app })}
                    >${app}</a
                  >`,
              )}
            </span>
          </li>`;
        })}
      </ol>
      ${plan.roundTrip ? html`<p class="muted">${t("route.back", { km: km(plan.returnLegKm) })}</p>` : nothing}
      <button
        @click=${() => {
          this.route = null;
          this.status = "";
          void this.data.clearRoute();
        }}
      >
        ${t("route.clear")}
      </button>
    `;
  }

  override render(): TemplateResult {
    const modes: [MapMode, string, string][] = [
      ["all", "/map", t("map.all")],
      ["near", "/map/near", t("map.near")],
      ["route", "/map/route", t("map.route")],
    ];
    const body =
      this.mode === "near" ? this.renderNear() : this.mode === "route" ? (this.route ? this.renderRoute(this.route) : this.renderPicker()) : this.renderAll();
    return html`<div class="page">
      <h1>${t("map.title")}</h1>
      <nav class="modes" aria-label=${t("map.modes")}>
        ${modes.map(([mode, href, label]) => html`<a href=${href} aria-current=${this.mode === mode ? "page" : nothing}>${label}</a>`)}
      </nav>
      <div class="messages">
        ${this.notice ? html`<p class="muted notice">${this.notice}</p>` : nothing}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        ${this.status ? html`<p class="ok" role="status">${this.status}</p>` : nothing}
      </div>
      ${body}
    </div>`;
  }

  static override styles = [
    shared,
    css`
      .modes {
        display: flex;
        gap: 0.25rem;
        margin: 0 0 0.75rem;
        border-bottom: 1px solid var(--border);
      }
      .modes a {
        flex: 1 1 0;
        min-height: 44px;
        display: flex;
        align-items: center;
        justify-content: center;
        text-decoration: none;
        color: var(--muted);
        border-bottom: 3px solid transparent;
      }
      .modes a[aria-current="page"] {
        color: var(--accent);
        border-bottom-color: var(--accent);
        font-weight: 700;
      }
      leaflet-map {
        --map-height: 45vh;
        margin: 0.5rem 0;
      }
      .filters {
        margin-bottom: 0.25rem;
      }
      .count,
      .messages p {
        margin: 0.25rem 0;
      }
      .prepare p {
        margin: 0.25rem 0 0;
      }
      .distance {
        flex: none;
        color: var(--muted);
        font-variant-numeric: tabular-nums;
      }
      ul.picks {
        list-style: none;
        margin: 0.5rem 0 0;
        padding: 0;
        max-height: 40vh;
        overflow: auto;
      }
      ol.stops > li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0 0.5rem;
        padding: 0 0 0.5rem;
      }
      ol.stops a.stop {
        flex: 1 1 16rem;
        min-width: 0;
      }
      .number {
        flex: none;
        width: 32px;
        height: 32px;
        border-radius: 50%;
        background: #b3261e;
        color: #fff;
        display: inline-flex;
        align-items: center;
        justify-content: center;
        font-weight: 700;
      }
      .apps {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
      }
      .apps .button,
      .apps .mark-visited {
        padding: 0 0.6rem;
        font-size: 0.9rem;
      }
      ol.list {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      ol.list > li {
        border-bottom: 1px solid var(--border);
      }
      @media (min-width: 900px) {
        leaflet-map {
          --map-height: 65vh;
        }
      }
    `,
  ];
}

customElements.define("map-screen", MapScreen);
