/**
 * <leaflet-map>: a Leaflet map inside a shadow root (its styles are adopted there, so the page's
 * CSP needs no inline style). Loaded only with the map screens: Leaflet never weighs on start-up.
 *
 * Markers are 44 px div icons (no images), focusable and pressed with Enter like buttons; their
 * accessible name is the marker's label. Events: "marker-activate" {id}, "marker-moved"
 * {id, latitude, longitude} after a pin was dragged, "map-pick" {latitude, longitude} on a tap
 * when `pickable`.
 */
import { css, html, LitElement, unsafeCSS, type PropertyValues, type TemplateResult } from "lit";
import * as Leaflet from "leaflet";
import "leaflet.markercluster";
import leafletCss from "leaflet/dist/leaflet.css?inline";
import clusterCss from "leaflet.markercluster/dist/MarkerCluster.css?inline";
import type { Area } from "./tiles";
import type { MapSettings, Point } from "./map-data";

/** Leaflet as the plugin extended it (the UMD build registers itself as window.L). */
const L = ((globalThis as unknown as { L?: typeof Leaflet }).L ?? Leaflet) as typeof Leaflet;

export interface MapMarker {
  id: string;
  latitude: number;
  longitude: number;
  label: string;
  /** Shown in the pin: a route stop's number. */
  number?: number;
  kind?: "customer" | "stop" | "origin" | "address";
  draggable?: boolean;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The attribution as Leaflet wants it (HTML), built from plain text and an optional link. */
export function attributionHtml(settings: MapSettings): string {
  const text = escapeHtml(settings.attribution);
  const url = settings.attributionUrl;
  return url && /^https?:\/\//.test(url) ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener">${text}</a>` : text;
}

export class LeafletMap extends LitElement {
  static override properties = {
    settings: { attribute: false },
    markers: { attribute: false },
    cluster: { type: Boolean },
    pickable: { type: Boolean },
    line: { attribute: false },
    fitKey: { attribute: false },
    label: {},
  };

  declare settings: MapSettings | null;
  declare markers: MapMarker[];
  declare cluster: boolean;
  declare pickable: boolean;
  declare line: [number, number][] | null;
  /** The map fits its markers again whenever this changes. */
  declare fitKey: string;
  declare label: string;

  private map: Leaflet.Map | null = null;
  private tiles: Leaflet.TileLayer | null = null;
  private layer: Leaflet.LayerGroup | null = null;
  private path: Leaflet.Polyline | null = null;
  private fitted = "";
  private drawn = "";
  private resizes: ResizeObserver | null = null;
  private removal: (() => void) | null = null;

  constructor() {
    super();
    this.settings = null;
    this.markers = [];
    this.cluster = false;
    this.pickable = false;
    this.line = null;
    this.fitKey = "";
    this.label = "";
  }

  override firstUpdated(): void {
    this.init();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && !this.map) this.init(); // moved in the DOM: a new Leaflet map
  }

  private init(): void {
    const container = this.renderRoot.querySelector<HTMLElement>("#map");
    if (!container) return;
    this.removal?.(); // attached again before the old map was removed
    this.map = L.map(container, { zoomControl: true, worldCopyJump: true, keyboard: true, minZoom: 2, maxZoom: 19 }).setView([51, 10], 4);
    this.map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    this.map.on("click", (e: Leaflet.LeafletMouseEvent) => {
      if (!this.pickable) return;
      this.emit("map-pick", { latitude: e.latlng.lat, longitude: e.latlng.lng });
    });
    // The element may be laid out after Leaflet measured it (a lazily defined element).
    this.resizes = new ResizeObserver(() => this.map?.invalidateSize());
    this.resizes.observe(container);
    this.fitted = this.drawn = "";
    this.sync(new Map([["settings", null], ["markers", null], ["line", null]]));
  }

  override updated(changed: PropertyValues<this>): void {
    if (this.map) this.sync(changed as Map<PropertyKey, unknown>);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizes?.disconnect();
    // A zoom or cluster animation still running would touch the removed panes (Leaflet's timers
    // outlive remove()): let them end first.
    const map = this.map;
    if (map) {
      map.stop();
      this.removal = () => {
        clearTimeout(timer);
        this.removal = null;
        map.remove();
      };
      const timer = setTimeout(() => this.removal?.(), 1000);
    }
    this.map = null;
    this.tiles = this.layer = this.path = null;
  }

  /** The map's centre. */
  center(): Point | null {
    const c = this.map?.getCenter();
    return c ? { latitude: c.lat, longitude: c.lng } : null;
  }

  /** What is shown: the area and the zoom level. */
  view(): { area: Area; zoom: number } | null {
    if (!this.map) return null;
    const b = this.map.getBounds();
    return {
      area: { south: b.getSouth(), west: Math.max(-180, b.getWest()), north: b.getNorth(), east: Math.min(180, b.getEast()) },
      zoom: this.map.getZoom(),
    };
  }

  /** Markers where the properties say, e.g. after a refused drag. */
  redraw(): void {
    if (this.map) this.drawMarkers(this.map);
  }

  setView(point: Point, zoom: number): void {
    this.map?.setView([point.latitude, point.longitude], zoom);
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private sync(changed: Map<PropertyKey, unknown>): void {
    const map = this.map;
    if (!map) return;
    if (changed.has("settings") && this.settings) {
      map.setMaxZoom(this.settings.maxZoom); // the clusters need it before any tile layer exists
      this.tiles?.remove();
      this.tiles = L.tileLayer(this.settings.tileUrl, {
        maxZoom: this.settings.maxZoom,
        attribution: attributionHtml(this.settings),
        crossOrigin: true, // CORS responses, which the service worker may cache (opaque ones not)
      }).addTo(map);
    }
    const drawn = `${this.cluster}|` + this.markers.map((m) => `${m.id}:${m.latitude}:${m.longitude}:${m.number}:${m.draggable}`).join("|");
    if (drawn !== this.drawn) {
      this.drawMarkers(map);
      this.drawn = drawn;
    }
    if (changed.has("line")) {
      this.path?.remove();
      this.path = this.line?.length ? L.polyline(this.line, { className: "route", weight: 4 }).addTo(map) : null;
    }
    if (this.fitKey !== this.fitted) {
      const points: [number, number][] = [...this.markers.map((m): [number, number] => [m.latitude, m.longitude]), ...(this.line ?? [])];
      if (points.length === 1) map.setView(points[0]!, 14);
      else if (points.length > 1) map.fitBounds(L.latLngBounds(points), { padding: [30, 30], maxZoom: 15 });
      this.fitted = this.fitKey;
    }
  }

  private drawMarkers(map: Leaflet.Map): void {
    this.layer?.remove();
    const group: Leaflet.LayerGroup = this.cluster
      ? L.markerClusterGroup({
          showCoverageOnHover: false,
          maxClusterRadius: 50,
          iconCreateFunction: (c) =>
            L.divIcon({
              html: `<span>${c.getChildCount()}</span>`,
              className: "cluster",
              iconSize: L.point(44, 44),
            }),
        })
      : L.layerGroup();
    for (const m of this.markers) {
      const marker = L.marker([m.latitude, m.longitude], {
        icon: L.divIcon({
          className: `pin ${m.kind ?? "customer"}`,
          html: `<span>${m.number ?? ""}</span>`,
          iconSize: L.point(44, 44),
          iconAnchor: L.point(22, 22),
        }),
        keyboard: true,
        draggable: !!m.draggable,
        autoPan: true,
        zIndexOffset: m.kind === "origin" ? -100 : 0,
      });
      marker.on("add", () => {
        const el = marker.getElement();
        el?.setAttribute("aria-label", m.label);
        el?.setAttribute("title", m.label);
        el?.setAttribute("data-marker", m.id);
      });
      marker.on("click", () => this.emit("marker-activate", { id: m.id }));
      // Leaflet makes markers buttons but presses them with Enter only for popups.
      marker.on("keypress", (e: Leaflet.LeafletEvent) => {
        const key = (e as Leaflet.LeafletKeyboardEvent).originalEvent;
        if (key.key !== "Enter" && key.key !== " ") return;
        key.preventDefault();
        this.emit("marker-activate", { id: m.id });
      });
      marker.on("dragend", () => {
        const p = marker.getLatLng();
        this.emit("marker-moved", { id: m.id, latitude: p.lat, longitude: p.lng });
      });
      group.addLayer(marker);
    }
    this.layer = group.addTo(map);
  }

  override render(): TemplateResult {
    return html`<div id="map" role="region" aria-label=${this.label}></div>`;
  }

  static override styles = [
    unsafeCSS(leafletCss),
    unsafeCSS(clusterCss),
    css`
      /* Links in the attribution's text are underlined, not told apart by colour alone. */
      .leaflet-control-attribution a {
        text-decoration: underline;
      }
      :host {
        display: block;
        position: relative;
        isolation: isolate; /* Leaflet's panes (z-index 400+) stay under the app's bars */
        height: var(--map-height, 60vh);
        min-height: 240px;
        border-radius: var(--radius, 8px);
        overflow: hidden;
        border: 1px solid var(--border);
      }
      #map {
        position: absolute;
        inset: 0;
        background: var(--surface, #eee);
      }
      #map:focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: -3px;
      }
      .leaflet-control-zoom a {
        width: 44px;
        height: 44px;
        line-height: 44px;
      }
      .pin,
      .cluster {
        display: flex;
        align-items: center;
        justify-content: center;
      }
      .pin span {
        display: flex;
        align-items: center;
        justify-content: center;
        width: 26px;
        height: 26px;
        border-radius: 50%;
        background: var(--accent, #1d4e89);
        color: #fff;
        border: 3px solid #fff;
        box-shadow: 0 1px 4px rgba(0, 0, 0, 0.5);
        font: 700 13px/1 system-ui, sans-serif;
      }
      .pin.stop span {
        width: 32px;
        height: 32px;
        background: #b3261e;
      }
      .pin.origin span {
        background: #1b7f3b;
      }
      .pin.address span {
        background: #6a3d9a;
      }
      .leaflet-marker-draggable span {
        outline: 3px dashed #b3261e;
        outline-offset: 2px;
      }
      .pin:focus-visible,
      .cluster:focus-visible {
        outline: 3px solid var(--focus, #f5a623);
        border-radius: 50%;
      }
      .cluster span {
        display: flex;
        align-items: center;
        justify-content: center;
        width: 40px;
        height: 40px;
        border-radius: 50%;
        background: rgba(29, 78, 137, 0.85);
        color: #fff;
        border: 3px solid rgba(255, 255, 255, 0.9);
        font: 700 14px/1 system-ui, sans-serif;
      }
      .route {
        stroke: #b3261e;
      }
    `,
  ];
}

customElements.define("leaflet-map", LeafletMap);
