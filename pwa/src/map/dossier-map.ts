/**
 * <dossier-map>: the customer's addresses on a map, on the cover sheet (Leaflet and the tiles load
 * when the map comes near the screen). "Correct positions" makes the pins draggable (and offers
 * "pin at map centre" for keyboards); a moved pin is saved as a position placed by hand, which the
 * geocoder never overwrites (docs/adr/0018).
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { gql, Offline } from "../data/client";
import type { Customer } from "../data/store";
import { t } from "../i18n";
import { repo } from "../services";
import { LocalizedElement } from "../ui/localized";
import { shared } from "../ui/styles";
import type { LeafletMap, MapMarker } from "./leaflet-map";
import { addressLine, hasPosition, MapData, validPoint, type Address, type MapSettings, type Point } from "./map-data";

export class DossierMap extends LocalizedElement {
  static override properties = {
    customer: { attribute: false },
    settings: { state: true },
    moving: { state: true },
    status: { state: true },
    error: { state: true },
  };

  declare customer: Customer | null;
  declare settings: MapSettings | null;
  declare moving: boolean;
  declare status: string;
  declare error: string;

  private readonly data = new MapData(repo().store, gql);

  constructor() {
    super();
    this.customer = null;
    this.settings = null;
    this.moving = false;
    this.status = "";
    this.error = "";
  }

  private visible: IntersectionObserver | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    // Leaflet and the tiles load once the map comes near the screen, not with every cover sheet.
    this.visible = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        this.visible?.disconnect();
        void import("./leaflet-map");
      },
      { rootMargin: "300px" },
    );
    this.visible.observe(this);
    void this.data.settings().then((s) => (this.settings ??= s ?? null));
    void this.data
      .refreshSettings()
      .then((s) => (this.settings = s))
      .catch(() => undefined); // offline: the stored settings (or none) stay
  }

  override disconnectedCallback(): void {
    this.visible?.disconnect();
    super.disconnectedCallback();
  }

  private label(a: Address): string {
    return a.label || a.kind;
  }

  private async place(addressId: string, point: Point | null): Promise<void> {
    const address = this.customer?.addresses.find((a) => a.id === addressId);
    if (!address || !validPoint(point)) return;
    this.status = "";
    this.error = "";
    try {
      const saved = await this.data.setPosition(addressId, point);
      if (!saved.ok) {
        this.error = t("pin.failed", { message: saved.error.message });
        return;
      }
      this.customer = saved.value;
      this.status = t("pin.saved", { label: this.label(address) });
      repo().events.dispatchEvent(new CustomEvent("changed", { detail: { what: "customer", id: saved.value.id } }));
    } catch (error) {
      this.error = error instanceof Offline ? t("pin.offline") : t("pin.failed", { message: error instanceof Error ? error.message : String(error) });
    }
    // A refused move puts the pin back where the store says it is.
    if (this.error) this.renderRoot.querySelector<LeafletMap>("leaflet-map")?.redraw();
  }

  override render(): TemplateResult {
    const placed = (this.customer?.addresses ?? []).filter(hasPosition);
    if (!placed.length) return html`<p class="muted">${t("dossier.noPositions")}</p>`;
    const markers: MapMarker[] = placed.map((a) => ({
      id: a.id,
      latitude: a.latitude,
      longitude: a.longitude,
      kind: "address",
      draggable: this.moving,
      label: `${this.label(a)}: ${addressLine(a)}`,
    }));
    return html`
      <leaflet-map
        .settings=${this.settings}
        .markers=${markers}
        .fitKey=${this.customer?.id ?? ""}
        label=${t("map.dossierRegion")}
        @marker-moved=${(e: CustomEvent<{ id: string } & Point>) => void this.place(e.detail.id, e.detail)}
      ></leaflet-map>
      <div class="messages">
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        ${this.status ? html`<p class="ok" role="status">${this.status}</p>` : nothing}
      </div>
      <button class="move" aria-pressed=${this.moving ? "true" : "false"} @click=${() => (this.moving = !this.moving)}>
        ${this.moving ? t("pin.done") : t("pin.move")}
      </button>
      ${this.moving
        ? html`<p class="muted">${t("pin.hint")}</p>
            <div class="centre">
              ${placed.map(
                (a) =>
                  html`<button
                    @click=${() => void this.place(a.id, this.renderRoot.querySelector<LeafletMap>("leaflet-map")?.center() ?? null)}
                  >
                    ${t("pin.centre", { label: this.label(a) })}
                  </button>`,
              )}
            </div>`
        : nothing}
    `;
  }

  static override styles = [
    shared,
    css`
      leaflet-map {
        --map-height: 240px;
        margin: 0.5rem 0;
      }
      .messages p {
        margin: 0.25rem 0;
      }
      .centre {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
    `,
  ];
}

customElements.define("dossier-map", DossierMap);
