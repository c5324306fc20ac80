/**
 * What a saved view finds, page by page, within one customer when `customerId` is set (a virtual
 * register in a dossier). Running a view needs the server; its documents land in the store.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { ApiError, Offline } from "../data/client";
import type { HitPage } from "../data/document-search";
import { t } from "../i18n";
import { repo } from "../services";
import { LocalizedElement } from "./localized";
import { shared } from "./styles";
import "./hit-list";

export class ViewResults extends LocalizedElement {
  static override properties = {
    viewId: { attribute: false },
    customerId: { attribute: false },
    page: { state: true },
    loading: { state: true },
    problem: { state: true },
  };

  declare viewId: string;
  declare customerId: string | null;
  declare page: HitPage | null;
  declare loading: boolean;
  declare problem: string;
  private request: AbortController | null = null;

  constructor() {
    super();
    this.viewId = "";
    this.customerId = null;
    this.page = null;
    this.loading = true;
    this.problem = "";
  }

  override disconnectedCallback(): void {
    this.request?.abort();
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has("viewId") || changed.has("customerId")) && this.viewId) {
      this.page = null;
      void this.load(null);
    }
  }

  private async load(after: string | null): Promise<void> {
    const { viewId, customerId } = this;
    this.request?.abort();
    const request = new AbortController();
    this.request = request;
    this.loading = true;
    this.problem = "";
    try {
      const { page } = await repo().views.results(viewId, customerId, after, request.signal);
      if (request.signal.aborted) return;
      const before = after ? this.page : null;
      this.page = before
        ? { ...page, hits: [...before.hits, ...page.hits], customers: [...before.customers, ...page.customers] }
        : page;
    } catch (error) {
      if (request.signal.aborted) return;
      if (error instanceof Offline) this.problem = t("views.offline");
      else if (error instanceof ApiError && error.code === "not_found") this.problem = t("views.notFound");
      else this.problem = t("error.generic", { message: error instanceof Error ? error.message : String(error) });
    } finally {
      if (this.request === request) this.loading = false;
    }
  }

  override render(): TemplateResult {
    const page = this.page;
    return html`${this.problem ? html`<p class="card" role="status">${this.problem}</p>` : nothing}
      ${page && page.hits.length === 0
        ? html`<p class="muted">${t("list.empty")}</p>`
        : this.problem && !page
          ? nothing
          : html`<hit-list
              .hits=${page?.hits ?? null}
              .customers=${new Map((page?.customers ?? []).map((c) => [c.id, c]))}
              .total=${page?.total ?? 0}
              .totalExact=${page?.totalExact ?? true}
              .hasMore=${Boolean(page?.nextCursor)}
              .loading=${this.loading}
              .label=${t("views.badge")}
              @more=${() => page?.nextCursor && !this.loading && void this.load(page.nextCursor)}
            ></hit-list>`}`;
  }

  static override styles = [shared];
}

customElements.define("view-results", ViewResults);
