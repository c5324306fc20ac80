/**
 * Saved views: the list the user sees (the company's, their groups', their own), and one view's
 * documents. A view placed in every dossier runs inside a dossier (a virtual register) only. The
 * owner (or whoever may change it) deletes it here, after confirming.
 */
import { css, html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { Offline } from "../data/client";
import type { SavedView } from "../data/saved-views";
import { t } from "../i18n";
import { navigate, viewPath } from "../router";
import { repo } from "../services";
import { skeletonRows } from "../ui/document-row";
import { LocalizedElement } from "../ui/localized";
import { shared } from "../ui/styles";
import "../ui/view-results";

export function audienceLabel(view: SavedView): string {
  if (view.audience.kind === "TENANT") return t("views.tenant");
  if (view.audience.kind === "GROUP") return t("views.group", { name: view.audience.groupName ?? "" });
  return t("views.personal");
}

export function placementLabel(view: SavedView): string {
  return view.placement === "DOSSIER" ? t("views.inDossiers") : t("views.acrossCustomers");
}

export class ViewsScreen extends LocalizedElement {
  static override properties = {
    viewId: { attribute: false },
    views: { state: true },
    loading: { state: true },
    problem: { state: true },
    confirming: { state: true },
    message: { state: true },
  };

  /** null: the list; else the view to run. */
  declare viewId: string | null;
  declare views: SavedView[] | null;
  declare loading: boolean;
  declare problem: string;
  declare confirming: boolean;
  declare message: string;

  constructor() {
    super();
    this.viewId = null;
    this.views = null;
    this.loading = true;
    this.problem = "";
    this.confirming = false;
    this.message = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("viewId")) this.confirming = false;
  }

  private async load(): Promise<void> {
    this.views = await repo().views.local();
    this.loading = true;
    try {
      this.views = await repo().views.refresh();
      this.problem = "";
    } catch (error) {
      this.problem = error instanceof Offline ? t("views.offline") : t("error.generic", { message: String(error) });
    } finally {
      this.loading = false;
    }
  }

  private async deleteView(view: SavedView): Promise<void> {
    try {
      const result = await repo().views.remove(view.id);
      if (result.ok) {
        this.views = await repo().views.local();
        this.message = t("views.deleted");
        navigate("/views", true);
      } else {
        this.problem = result.error.message;
      }
    } catch (error) {
      this.problem = error instanceof Offline ? t("views.offline") : t("error.generic", { message: String(error) });
    }
    this.confirming = false;
  }

  private renderList(): TemplateResult {
    const views = this.views;
    return html`<h1>${t("views.title")}</h1>
      <p class="muted">${t("views.intro")}</p>
      ${this.message ? html`<p class="ok" role="status">${this.message}</p>` : nothing}
      ${this.problem ? html`<p class="card" role="status">${this.problem}</p>` : nothing}
      ${views === null || (views.length === 0 && this.loading)
        ? skeletonRows(3)
        : views.length === 0
          ? html`<p class="muted">${t("views.empty")}</p>`
          : html`<ul class="list views">
              ${views.map(
                (v) => html`<li>
                  <a href=${viewPath(v.id)}>
                    <span class="row-main">
                      <span class="row-title">${v.name}</span>
                      <span class="row-sub">${audienceLabel(v)} · ${placementLabel(v)}</span>
                    </span>
                  </a>
                </li>`,
              )}
            </ul>`}
      <p><a class="button" href="/search">${t("docs.title")}</a></p>`;
  }

  /** Notifications when the view lists something new (loaded lazily). */
  private follow(viewId: string, name: string): TemplateResult {
    void import("../notifications/subscribe-toggle");
    return html`<subscribe-toggle kind="VIEW" .targetId=${viewId} .label=${t("views.follow", { name })}></subscribe-toggle>`;
  }

  private renderView(id: string): TemplateResult {
    const view = this.views?.find((v) => v.id === id);
    if (!view) {
      return html`<p><a href="/views">${t("views.title")}</a></p>
        ${this.loading ? skeletonRows(3) : html`<p class="card" role="status">${this.problem || t("views.notFound")}</p>`}`;
    }
    return html`<p class="crumb"><a href="/views">${t("views.title")}</a></p>
      <div class="head">
        <div>
          <h1>${view.name}</h1>
          <p class="muted sub">${audienceLabel(view)} · ${placementLabel(view)}</p>
        </div>
        <div class="actions">
          ${this.follow(view.id, view.name)}
          ${view.canEdit && !this.confirming
            ? html`<button type="button" @click=${() => (this.confirming = true)}>${t("views.delete")}</button>`
            : nothing}
        </div>
      </div>
      ${this.confirming
        ? html`<div class="card confirm" role="alert">
            <p>${t("views.confirmDelete", { name: view.name })}</p>
            <button class="danger" type="button" @click=${() => void this.deleteView(view)}>${t("views.delete")}</button>
            <button type="button" @click=${() => (this.confirming = false)}>${t("form.cancel")}</button>
          </div>`
        : nothing}
      ${this.problem ? html`<p class="card" role="status">${this.problem}</p>` : nothing}
      ${view.placement === "DOSSIER"
        ? html`<p class="card">${t("views.needsCustomer")}</p>`
        : html`<view-results .viewId=${view.id} .customerId=${null}></view-results>`}`;
  }

  override render(): TemplateResult {
    return html`<div class="page">${this.viewId ? this.renderView(this.viewId) : this.renderList()}</div>`;
  }

  static override styles = [
    shared,
    css`
      .head {
        display: flex;
        align-items: flex-start;
        justify-content: space-between;
        gap: 0.5rem;
      }
      .sub {
        margin: 0;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        justify-content: flex-end;
        gap: 0.5rem;
      }
      .head button {
        flex: none;
        white-space: nowrap;
      }
      .crumb {
        margin: 0;
      }
      .crumb a {
        min-height: 44px;
        display: inline-flex;
        align-items: center;
      }
      .confirm button {
        margin: 0 0.5rem 0.5rem 0;
      }
      button.danger {
        background: var(--danger);
        border-color: var(--danger);
        color: var(--bg);
        font-weight: 600;
      }
    `,
  ];
}

customElements.define("views-screen", ViewsScreen);
