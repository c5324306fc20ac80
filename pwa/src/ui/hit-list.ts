/**
 * A list of search hits with its total ("more than N" when the server stopped counting) and the
 * next page on demand: a "Show more" button, pressed for the user when it scrolls into view.
 * Fires "more" (no detail) when the next page is wanted.
 */
import { css, html, nothing, type PropertyValues, type TemplateResult } from "lit";
import type { Hit } from "../data/document-search";
import type { Catalog, Customer } from "../data/store";
import { t } from "../i18n";
import { skeletonRows } from "./document-row";
import { LocalizedElement } from "./localized";
import { hitRow, hitStyles } from "./search-hit";
import { shared } from "./styles";
import { CatalogWatch } from "./catalog-watch";

export class HitList extends LocalizedElement {
  static override properties = {
    hits: { attribute: false },
    customers: { attribute: false },
    total: { attribute: false },
    totalExact: { attribute: false },
    hasMore: { attribute: false },
    loading: { attribute: false },
    label: { attribute: false },
    catalog: { state: true },
  };

  declare hits: Hit[] | null;
  declare customers: Map<string, Customer>;
  declare total: number;
  declare totalExact: boolean;
  declare hasMore: boolean;
  declare loading: boolean;
  declare label: string;
  declare catalog: Catalog | undefined;
  private observer: IntersectionObserver | null = null;

  constructor() {
    super();
    this.hits = null;
    this.customers = new Map();
    this.total = 0;
    this.totalExact = true;
    this.hasMore = false;
    this.loading = false;
    this.label = "";
    this.catalog = undefined;
    new CatalogWatch(this, (c) => (this.catalog = c));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (typeof IntersectionObserver !== "undefined") {
      this.observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting) && this.hasMore && !this.loading) this.more();
      });
    }
  }

  override disconnectedCallback(): void {
    this.observer?.disconnect();
    this.observer = null;
    super.disconnectedCallback();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.observer?.disconnect();
    const button = this.renderRoot.querySelector(".more");
    if (button) this.observer?.observe(button);
  }

  private more(): void {
    this.dispatchEvent(new Event("more"));
  }

  private typeName(id: string): string {
    return this.catalog?.documentTypes.find((d) => d.id === id)?.name ?? "";
  }

  override render(): TemplateResult {
    const hits = this.hits;
    // The total's line is there from the start, so the rows do not move when it arrives.
    if (hits === null) return this.loading ? html`<p class="total" aria-hidden="true"></p>${skeletonRows(4)}` : html``;
    const count = this.totalExact ? t("docs.total", { count: this.total }) : t("docs.totalMore", { count: this.total });
    return html`<p class="total muted" role="status">${count}</p>
      <ul class="list hits" aria-label=${this.label}>
        ${hits.map((h) => hitRow(h, this.customers.get(h.document.customerId)?.name ?? "", this.typeName(h.document.documentTypeId)))}
      </ul>
      ${this.loading && hits.length > 0 ? skeletonRows(2) : nothing}
      ${this.hasMore && !this.loading ? html`<button class="more" @click=${this.more}>${t("docs.more")}</button>` : nothing}`;
  }

  static override styles = [
    shared,
    hitStyles,
    css`
      .total {
        margin: 0.25rem 0;
        min-height: 1.5em;
      }
      .more {
        width: 100%;
        margin: 0.75rem 0;
      }
    `,
  ];
}

customElements.define("hit-list", HitList);
