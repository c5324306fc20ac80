/**
 * Customer search: local matches appear with every keystroke, the server's ranked answer follows
 * (debounced) and is stored for the next time; below, favourites and recently opened customers.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { Offline } from "../data/client";
import type { Customer } from "../data/store";
import { t } from "../i18n";
import { documentSearchPath } from "../router";
import { repo } from "../services";
import { customerRow } from "../ui/customer-row";
import { LocalizedElement } from "../ui/localized";
import { avatar, shared } from "../ui/styles";

const DEBOUNCE_MS = 180;

export class SearchScreen extends LocalizedElement {
  static override properties = {
    autofocusSearch: { type: Boolean, attribute: "autofocus-search" },
    query: { state: true },
    results: { state: true },
    searching: { state: true },
    recent: { state: true },
    favourites: { state: true },
  };

  declare autofocusSearch: boolean;
  declare query: string;
  declare results: Customer[] | null;
  declare searching: boolean;
  declare recent: Customer[];
  declare favourites: Customer[];
  private timer = 0;
  private generation = 0;

  constructor() {
    super();
    this.autofocusSearch = false;
    this.query = "";
    this.results = null;
    this.searching = false;
    this.recent = [];
    this.favourites = [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadLists();
  }

  override firstUpdated(): void {
    if (this.autofocusSearch) this.renderRoot.querySelector("input")?.focus();
  }

  private async loadLists(): Promise<void> {
    const [recent, favourites] = await Promise.all([repo().recent(), repo().favourites()]);
    this.recent = recent;
    this.favourites = favourites;
  }

  private async onInput(event: InputEvent): Promise<void> {
    const query = (event.target as HTMLInputElement).value;
    this.query = query;
    const generation = ++this.generation;
    window.clearTimeout(this.timer);
    if (!query.trim()) {
      this.results = null;
      this.searching = false;
      return;
    }
    const local = await repo().searchLocal(query);
    if (generation !== this.generation) return;
    this.results = local;
    this.searching = true;
    this.timer = window.setTimeout(async () => {
      try {
        const remote = await repo().searchRemote(query);
        if (generation === this.generation) this.results = remote;
      } catch (error) {
        if (!(error instanceof Offline)) console.warn(error);
      } finally {
        if (generation === this.generation) this.searching = false;
      }
    }, DEBOUNCE_MS);
  }

  private section(title: string, customers: Customer[]): TemplateResult | typeof nothing {
    if (customers.length === 0) return nothing;
    return html`<section aria-label=${title}>
      <h2>${title}</h2>
      <ul class="list">${customers.map(customerRow)}</ul>
    </section>`;
  }

  private resultList(): TemplateResult {
    const results = this.results ?? [];
    if (results.length === 0 && this.searching) {
      return html`<div aria-hidden="true">
        ${[0, 1, 2].map(() => html`<div class="skeleton-row"><span class="skeleton thumb"></span><span class="skeleton line"></span></div>`)}
      </div>`;
    }
    if (results.length === 0) return html`<p class="muted">${t("search.none", { query: this.query })}</p>`;
    return html`<ul class="list" aria-label=${t("search.results")}>${results.map(customerRow)}</ul>`;
  }

  override render(): TemplateResult {
    return html`<div class="page">
      <form role="search" @submit=${(e: Event) => e.preventDefault()}>
        <label for="q" class="visually-hidden">${t("search.label")}</label>
        <input
          id="q"
          type="search"
          enterkeyhint="search"
          autocomplete="off"
          placeholder=${t("search.placeholder")}
          .value=${this.query}
          @input=${this.onInput}
        />
      </form>
      <div class="status visually-hidden" role="status" aria-live="polite">
        ${this.results ? `${this.results.length} ${t("search.results")}` : ""}
      </div>
      ${this.results !== null
        ? this.resultList()
        : html`${this.section(t("search.favourites"), this.favourites)} ${this.section(t("search.recent"), this.recent)}
          ${this.favourites.length + this.recent.length === 0 ? html`<p class="muted">${t("search.empty")}</p>` : nothing}`}
      <p class="elsewhere">
        <a class="button" href=${documentSearchPath({ text: this.query })}>${t("docs.title")}</a>
        <a class="button" href="/views">${t("views.open")}</a>
      </p>
    </div>`;
  }

  static override styles = [
    shared,
    avatar,
    css`
      form {
        position: sticky;
        top: var(--bar-h);
        background: var(--bg);
        padding: 0.25rem 0 0.5rem;
        z-index: 1;
      }
      input[type="search"] {
        font-size: 1.05rem;
        min-height: 48px;
      }
      .elsewhere {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin-top: 1.5rem;
      }
    `,
  ];
}

customElements.define("search-screen", SearchScreen);
