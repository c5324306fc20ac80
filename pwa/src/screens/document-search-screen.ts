/**
 * Document search: results while typing (debounced; a newer query aborts the request of an older
 * one), filters for type, date and status, sort, the next page on demand, and saving the search
 * as a view. Narrowed to one customer when opened from a dossier. Offline it says that search
 * needs a connection and shows what the same query found last time, if the store kept it.
 */
import { css, html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { Offline } from "../data/client";
import { EMPTY_FORM, isSearchable, PERIODS, type HitPage, type Period, type SearchForm } from "../data/document-search";
import type { Catalog, Customer } from "../data/store";
import { formatDateTime, t, type MessageKey } from "../i18n";
import { documentSearchPath, dossierPath } from "../router";
import { sameSearch } from "../data/search-address";
import { repo } from "../services";
import { LocalizedElement } from "../ui/localized";
import { shared } from "../ui/styles";
import "../ui/hit-list";
import "../ui/save-view-form";
import { CatalogWatch } from "../ui/catalog-watch";

const DEBOUNCE_MS = 250;

const PERIOD_LABELS: Record<Period, MessageKey> = {
  any: "docs.periodAny",
  days14: "docs.periodDays14",
  months3: "docs.periodMonths3",
  thisYear: "docs.periodThisYear",
  lastYear: "docs.periodLastYear",
};

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

export class DocumentSearchScreen extends LocalizedElement {
  static override properties = {
    search: { attribute: false },
    form: { state: true },
    page: { state: true },
    loading: { state: true },
    notice: { state: true },
    customer: { state: true },
    catalog: { state: true },
  };

  /** From the route: the search the screen opens with (its words, customer and filters). */
  declare search: SearchForm;
  declare form: SearchForm;
  declare page: HitPage | null;
  declare loading: boolean;
  declare notice: string;
  declare customer: Customer | undefined;
  declare catalog: Catalog | undefined;
  private timer = 0;
  private request: AbortController | null = null;

  constructor() {
    super();
    this.search = { ...EMPTY_FORM };
    this.form = { ...EMPTY_FORM };
    this.page = null;
    this.loading = false;
    this.notice = "";
    this.customer = undefined;
    this.catalog = undefined;
    new CatalogWatch(this, (c) => (this.catalog = c));
  }

  override disconnectedCallback(): void {
    window.clearTimeout(this.timer);
    this.request?.abort();
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("search") && !sameSearch(this.form, this.search)) {
      const before = this.form.customerId;
      this.form = { ...this.search };
      void this.run(0);
      if (this.form.customerId !== before) this.readCustomer();
    }
  }

  private readCustomer(): void {
    this.customer = undefined;
    const id = this.form.customerId;
    if (id) void repo().store.customer(id).then((c) => id === this.form.customerId && (this.customer = c));
  }

  override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLInputElement>("#dq")?.focus();
    const filters = this.renderRoot.querySelector("details.filters");
    if (filters && globalThis.matchMedia?.("(min-width: 900px)").matches) filters.setAttribute("open", "");
  }

  private change(patch: Partial<SearchForm>, delay = 0): void {
    const before = this.form.customerId;
    this.form = { ...this.form, ...patch };
    // The address keeps the words and filters, so "back" from a document, a reload or a shared
    // link shows the same search.
    history.replaceState(null, "", documentSearchPath(this.form));
    void this.run(delay);
    if (this.form.customerId !== before) this.readCustomer();
  }

  /** Shows the kept answer for this query at once, then asks the server after `delay`. */
  private async run(delay: number): Promise<void> {
    window.clearTimeout(this.timer);
    this.request?.abort();
    this.request = null;
    const form = this.form;
    if (!isSearchable(form)) {
      this.page = null;
      this.loading = false;
      this.notice = "";
      return;
    }
    this.loading = true;
    const cached = await repo().documents.cached(form);
    if (form !== this.form) return;
    if (cached) this.page = { ...cached };
    this.timer = window.setTimeout(() => void this.fetchFirst(form, cached?.syncedAt ?? null), delay);
  }

  private async fetchFirst(form: SearchForm, cachedAt: number | null): Promise<void> {
    const request = new AbortController();
    this.request = request;
    try {
      const page = await repo().documents.page(form, null, request.signal);
      if (form !== this.form) return;
      this.page = page;
      this.notice = "";
    } catch (error) {
      if (isAbort(error) || form !== this.form) return;
      this.failed(error, cachedAt);
    } finally {
      if (form === this.form && this.request === request) this.loading = false;
    }
  }

  private failed(error: unknown, cachedAt: number | null): void {
    if (error instanceof Offline) {
      this.notice = cachedAt ? t("docs.offlineCached", { time: formatDateTime(new Date(cachedAt).toISOString()) }) : t("docs.offline");
      if (!cachedAt) this.page = null;
    } else {
      this.notice = t("error.generic", { message: error instanceof Error ? error.message : String(error) });
    }
  }

  private async more(): Promise<void> {
    const current = this.page;
    const form = this.form;
    if (!current?.nextCursor || this.loading) return;
    this.loading = true;
    const request = new AbortController();
    this.request = request;
    try {
      const next = await repo().documents.page(form, current.nextCursor, request.signal);
      if (form !== this.form) return;
      const customers = new Map([...current.customers, ...next.customers].map((c) => [c.id, c]));
      this.page = { ...next, hits: [...current.hits, ...next.hits], customers: [...customers.values()] };
    } catch (error) {
      if (!isAbort(error) && form === this.form) this.failed(error, null);
    } finally {
      if (form === this.form && this.request === request) this.loading = false;
    }
  }

  private statuses(): string[] {
    const seen = new Set(["active", ...(this.page?.hits.map((h) => h.document.status) ?? [])]);
    if (this.form.status) seen.add(this.form.status);
    return [...seen].sort();
  }

  private renderFilters(): TemplateResult {
    const types = this.catalog?.documentTypes ?? [];
    const f = this.form;
    const active = [f.documentTypeId, f.status, f.period !== "any", f.sort !== "relevance"].filter(Boolean).length;
    // Folded on a phone so the first hits show above the fold (firstUpdated opens it otherwise).
    return html`<details class="filters">
      <summary>${t("docs.filters")}${active ? html` <span class="count">${active}</span>` : nothing}</summary>
      <div class="toolbar" role="group" aria-label=${t("docs.filters")}>
      <div>
        <label for="d-type">${t("list.type")}</label>
        <select id="d-type" @change=${(e: Event) => this.change({ documentTypeId: (e.target as HTMLSelectElement).value || null })}>
          <option value="">${t("list.allTypes")}</option>
          ${types.map((d) => html`<option value=${d.id} ?selected=${f.documentTypeId === d.id}>${d.name}</option>`)}
        </select>
      </div>
      <div>
        <label for="d-period">${t("docs.period")}</label>
        <select id="d-period" @change=${(e: Event) => this.change({ period: (e.target as HTMLSelectElement).value as Period })}>
          ${(Object.keys(PERIODS) as Period[]).map(
            (p) => html`<option value=${p} ?selected=${f.period === p}>${t(PERIOD_LABELS[p])}</option>`,
          )}
        </select>
      </div>
      <div>
        <label for="d-status">${t("docs.status")}</label>
        <select id="d-status" @change=${(e: Event) => this.change({ status: (e.target as HTMLSelectElement).value || null })}>
          <option value="">${t("docs.statusAny")}</option>
          ${this.statuses().map((s) => html`<option value=${s} ?selected=${f.status === s}>${s}</option>`)}
        </select>
      </div>
      <div>
        <label for="d-sort">${t("list.sort")}</label>
        <select id="d-sort" @change=${(e: Event) => this.change({ sort: (e.target as HTMLSelectElement).value as SearchForm["sort"] })}>
          <option value="relevance" ?selected=${f.sort === "relevance"}>${t("docs.sortRelevance")}</option>
          <option value="date" ?selected=${f.sort === "date"}>${t("docs.sortDate")}</option>
        </select>
      </div>
    </div>
    </details>`;
  }

  private renderScope(): TemplateResult | typeof nothing {
    const id = this.form.customerId;
    if (!id) return nothing;
    const name = this.customer?.name ?? "…";
    return html`<p class="scope">
      <a href=${dossierPath(id)}>${t("docs.within", { customer: name })}</a>
      <button type="button" @click=${() => this.change({ customerId: null })}>${t("docs.allCustomers")}</button>
    </p>`;
  }

  override render(): TemplateResult {
    const page = this.page;
    const searchable = isSearchable(this.form);
    return html`<div class="page">
      <div class="head">
        <h1>${t("docs.title")}</h1>
        <a class="button" href="/views">${t("views.open")}</a>
      </div>
      ${this.renderScope()}
      <form role="search" @submit=${(e: Event) => e.preventDefault()}>
        <label for="dq" class="visually-hidden">${t("docs.label")}</label>
        <input
          id="dq"
          type="search"
          enterkeyhint="search"
          autocomplete="off"
          placeholder=${t("docs.placeholder")}
          .value=${this.form.text}
          @input=${(e: Event) => this.change({ text: (e.target as HTMLInputElement).value }, DEBOUNCE_MS)}
        />
      </form>
      ${this.renderFilters()}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      <section aria-busy=${this.loading ? "true" : "false"}>
        ${!searchable
          ? html`<p class="muted">${t("docs.intro")}</p>`
          : page && page.hits.length === 0 && !this.loading
            ? html`<p class="muted">${t("docs.none", { query: this.form.text })}</p>`
            : html`<hit-list
                .hits=${page?.hits ?? null}
                .customers=${new Map((page?.customers ?? []).map((c) => [c.id, c]))}
                .total=${page?.total ?? 0}
                .totalExact=${page?.totalExact ?? true}
                .hasMore=${Boolean(page?.nextCursor)}
                .loading=${this.loading}
                .label=${t("search.results")}
                @more=${() => void this.more()}
              ></hit-list>`}
      </section>
      ${searchable && page ? html`<save-view-form .form=${this.form}></save-view-form>` : nothing}
    </div>`;
  }

  static override styles = [
    shared,
    css`
      .head {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 0.5rem;
        flex-wrap: wrap;
      }
      .head h1 {
        margin: 0;
      }
      form {
        position: sticky;
        top: var(--bar-h);
        background: var(--bg);
        padding: 0.5rem 0;
        z-index: 1;
      }
      input[type="search"] {
        font-size: 1.05rem;
        min-height: 48px;
      }
      .scope {
        display: flex;
        align-items: center;
        justify-content: space-between;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin: 0.5rem 0 0;
      }
      .scope a {
        min-height: 44px;
        display: inline-flex;
        align-items: center;
        font-weight: 600;
      }
      .notice {
        background: var(--accent-soft);
        padding: 0.5rem 0.75rem;
        border-radius: var(--radius);
      }
      section {
        min-height: 40vh;
      }
      .filters summary {
        min-height: 44px;
        padding: 0.6rem 0;
        cursor: pointer;
        font-weight: 600;
        color: var(--accent);
      }
      .filters .count {
        font-size: 0.8rem;
        background: var(--accent);
        color: var(--accent-text);
        border-radius: 999px;
        padding: 0 0.45rem;
      }
      .filters .toolbar {
        padding-bottom: 0.5rem;
      }
      @media (min-width: 900px) {
        .filters summary {
          display: none;
        }
      }
    `,
  ];
}

customElements.define("document-search-screen", DocumentSearchScreen);
