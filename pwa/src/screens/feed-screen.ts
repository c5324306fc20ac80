/**
 * The in-tray (documents filed in the last 14 days across every dossier the user may read, newest
 * first, by day) and today (what was filed today, then favourites and recently opened customers).
 * Reads the stored feed at once, then refreshes it from the server and reads again.
 */
import { css, html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { Offline } from "../data/client";
import { FEEDS, type FeedName, type LocalFeed } from "../data/repository";
import type { Catalog, Customer, StoredDocument } from "../data/store";
import { formatDate, formatDateTime, language, t } from "../i18n";
import { repo } from "../services";
import { customerRow } from "../ui/customer-row";
import { skeletonRows, thumbnailUrl } from "../ui/document-row";
import { LocalizedElement } from "../ui/localized";
import { documentPath } from "../router";
import { avatar, shared } from "../ui/styles";
import { CatalogWatch } from "../ui/catalog-watch";

/** The documents of a feed by the local day they were filed, in the feed's order. */
export function byDay(documents: StoredDocument[]): { day: string; documents: StoredDocument[] }[] {
  const groups: { day: string; documents: StoredDocument[] }[] = [];
  for (const d of documents) {
    const created = new Date(d.createdAt);
    const day = `${created.getFullYear()}-${String(created.getMonth() + 1).padStart(2, "0")}-${String(created.getDate()).padStart(2, "0")}`;
    const last = groups.at(-1);
    if (last?.day === day) last.documents.push(d);
    else groups.push({ day, documents: [d] });
  }
  return groups;
}

export class FeedScreen extends LocalizedElement {
  static override properties = {
    feed: { attribute: false },
    local: { state: true },
    catalog: { state: true },
    loading: { state: true },
    problem: { state: true },
    favourites: { state: true },
    recent: { state: true },
  };

  declare feed: FeedName;
  declare local: LocalFeed | undefined;
  declare catalog: Catalog | undefined;
  declare loading: boolean;
  declare problem: string;
  declare favourites: Customer[];
  declare recent: Customer[];

  constructor() {
    super();
    this.feed = "inbox";
    this.local = undefined;
    this.catalog = undefined;
    new CatalogWatch(this, (c) => (this.catalog = c));
    this.loading = true;
    this.problem = "";
    this.favourites = [];
    this.recent = [];
  }

  private readonly onChanged = (event: Event): void => {
    const { what, id } = (event as CustomEvent<{ what: string; id: string }>).detail;
    if (what === "feed" && id === this.feed) void this.readLocal();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    repo().events.addEventListener("changed", this.onChanged);
  }

  override disconnectedCallback(): void {
    repo().events.removeEventListener("changed", this.onChanged);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("feed")) {
      this.local = undefined;
      void this.load();
    }
  }

  private async readLocal(): Promise<void> {
    const name = this.feed;
    const local = await repo().feed(name);
    if (name === this.feed) this.local = local;
  }

  private async load(): Promise<void> {
    const name = this.feed;
    this.loading = true;
    this.problem = "";
    await this.readLocal();
    if (name === "today") {
      const [favourites, recent] = await Promise.all([repo().favourites(), repo().recent()]);
      this.favourites = favourites;
      this.recent = recent;
    }
    try {
      await repo().refreshFeed(name);
    } catch (error) {
      if (name !== this.feed) return;
      const message = error instanceof Error ? error.message : String(error);
      this.problem = error instanceof Offline ? t("feed.offline") : t("error.generic", { message });
    } finally {
      if (name === this.feed) this.loading = false;
    }
  }

  private typeName(id: string): string {
    return this.catalog?.documentTypes.find((d) => d.id === id)?.name ?? "";
  }

  private row(d: StoredDocument): TemplateResult {
    const thumb = thumbnailUrl(d);
    const customer = this.local?.customers.get(d.customerId);
    const when =
      this.feed === "today"
        ? new Intl.DateTimeFormat(language(), { timeStyle: "short" }).format(new Date(d.createdAt))
        : this.typeName(d.documentTypeId);
    return html`<li>
      <a href=${documentPath(d.id)}>
        ${thumb
          ? html`<img class="thumb" src=${thumb} alt="" width="40" height="40" loading="lazy" decoding="async" />`
          : html`<span class="thumb" aria-hidden="true"></span>`}
        <span class="row-main">
          <span class="row-title">${d.title}</span>
          <span class="row-sub">${[customer?.name, when].filter(Boolean).join(" · ")}</span>
        </span>
      </a>
    </li>`;
  }

  private renderDocuments(): TemplateResult {
    const local = this.local;
    if (!local) return this.loading ? skeletonRows(5) : html`<p class="muted">${this.problem}</p>`;
    if (local.documents.length === 0) {
      return html`<p class="muted empty">${t(this.feed === "today" ? "today.noDocuments" : "inbox.empty")}</p>`;
    }
    const more =
      local.total > local.documents.length
        ? html`<p class="muted">${t("feed.more", { shown: local.documents.length, total: local.total })}</p>`
        : nothing;
    if (this.feed === "today") return html`<ul class="list documents">${local.documents.map((d) => this.row(d))}</ul>${more}`;
    return html`${byDay(local.documents).map(
        (g) => html`<h2 class="day">${formatDate(g.day, "long")}</h2>
          <ul class="list documents">${g.documents.map((d) => this.row(d))}</ul>`,
      )}${more}`;
  }

  private renderCustomers(id: string, title: string, customers: Customer[]): TemplateResult | typeof nothing {
    if (customers.length === 0) return nothing;
    return html`<section aria-labelledby=${id}>
      <h2 id=${id}>${title}</h2>
      <ul class="list">${customers.map(customerRow)}</ul>
    </section>`;
  }

  override render(): TemplateResult {
    const today = this.feed === "today";
    const status = this.local ? t("feed.updated", { time: formatDateTime(new Date(this.local.syncedAt).toISOString()) }) : "";
    return html`<div class="page">
      <h1>${t(today ? "today.title" : "inbox.title")}</h1>
      <p class="muted intro">${today ? t("today.intro") : t("inbox.intro", { days: FEEDS.inbox.days })}</p>
      ${this.problem && this.local ? html`<p class="notice" role="status">${this.problem} ${status}</p>` : nothing}
      <section aria-labelledby="h-docs" aria-busy=${this.loading ? "true" : "false"}>
        ${today ? html`<h2 id="h-docs">${t("today.documents")}</h2>` : html`<h2 id="h-docs" class="visually-hidden">${t("inbox.title")}</h2>`}
        ${this.renderDocuments()}
      </section>
      ${today ? this.renderCustomers("h-fav", t("search.favourites"), this.favourites) : nothing}
      ${today ? this.renderCustomers("h-recent", t("search.recent"), this.recent) : nothing}
    </div>`;
  }

  static override styles = [
    shared,
    avatar,
    css`
      .intro {
        margin-top: 0;
      }
      .day {
        font-size: 0.95rem;
        color: var(--muted);
        margin: 1rem 0 0.25rem;
      }
      .notice {
        background: var(--accent-soft);
        padding: 0.5rem 0.75rem;
        border-radius: var(--radius);
      }
      .empty {
        padding: 0.5rem 0;
      }
    `,
  ];
}

customElements.define("feed-screen", FeedScreen);
