/**
 * "Save as view": the current search under a name, for the audience and placement the user picks.
 * The server decides who may save what (a tenant-wide view needs an administrator); its refusal
 * and its field messages are shown as they come.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { Offline } from "../data/client";
import type { SearchForm } from "../data/document-search";
import type { ServerError } from "../data/repository";
import type { NewView, SavedView } from "../data/saved-views";
import { t } from "../i18n";
import { viewPath } from "../router";
import { repo } from "../services";
import { LocalizedElement } from "./localized";
import { shared } from "./styles";

export class SaveViewForm extends LocalizedElement {
  static override properties = {
    form: { attribute: false },
    saving: { state: true },
    error: { state: true },
    saved: { state: true },
  };

  declare form: SearchForm;
  declare saving: boolean;
  declare error: ServerError | null;
  declare saved: SavedView | null;

  constructor() {
    super();
    this.saving = false;
    this.error = null;
    this.saved = null;
  }

  private async submit(event: Event): Promise<void> {
    event.preventDefault();
    // Read before the first await: afterwards the event no longer points into this shadow root.
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const view: NewView = {
      name: String(data.get("name") ?? ""),
      audience: data.get("audience") === "TENANT" ? "TENANT" : "PERSONAL",
      placement: data.get("placement") === "DOSSIER" ? "DOSSIER" : "GLOBAL",
    };
    this.saving = true;
    this.error = null;
    this.saved = null;
    try {
      const result = await repo().views.create(this.form, view);
      if (result.ok) {
        this.saved = result.value;
        form.reset();
      } else this.error = result.error;
    } catch (error) {
      const message = error instanceof Offline ? t("views.offline") : error instanceof Error ? error.message : String(error);
      this.error = { code: "error", message, issues: [] };
    } finally {
      this.saving = false;
    }
  }

  private issue(field: string): string {
    return this.error?.issues.filter((i) => i.field === field || i.field.endsWith(`.${field}`)).map((i) => i.message).join(" ") ?? "";
  }

  override render(): TemplateResult {
    const nameIssue = this.issue("name");
    const others = this.error?.issues.filter((i) => !(i.field === "name" || i.field.endsWith(".name"))) ?? [];
    return html`<details>
      <summary>${t("views.save")}</summary>
      <form @submit=${(e: Event) => void this.submit(e)} novalidate>
        <label for="v-name">${t("views.name")}</label>
        <input id="v-name" name="name" autocomplete="off" maxlength="200" aria-invalid=${nameIssue ? "true" : "false"}
          aria-describedby=${nameIssue ? "v-name-issue" : nothing} />
        ${nameIssue ? html`<p class="issue" id="v-name-issue">${nameIssue}</p>` : nothing}
        <label for="v-audience">${t("views.audience")}</label>
        <select id="v-audience" name="audience">
          <option value="PERSONAL">${t("views.personal")}</option>
          <option value="TENANT">${t("views.tenant")}</option>
        </select>
        <label for="v-placement">${t("views.placement")}</label>
        <select id="v-placement" name="placement">
          <option value="GLOBAL" ?selected=${!this.form.customerId}>${t("views.acrossCustomers")}</option>
          <option value="DOSSIER" ?selected=${Boolean(this.form.customerId)}>${t("views.inDossiers")}</option>
        </select>
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${this.saving}>${this.saving ? t("form.saving") : t("form.save")}</button>
        </div>
        ${this.error
          ? html`<div class="error" role="alert">
              <p>${t("views.error", { message: this.error.message })}</p>
              ${others.length ? html`<ul>${others.map((i) => html`<li>${i.message}</li>`)}</ul>` : nothing}
            </div>`
          : nothing}
        ${this.saved
          ? html`<p role="status" class="ok">
              <a href=${viewPath(this.saved.id)}>${t("views.saved", { name: this.saved.name })}</a>
            </p>`
          : nothing}
      </form>
    </details>`;
  }

  static override styles = [
    shared,
    css`
      details {
        margin: 1.5rem 0 1rem;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 0 1rem;
      }
      summary {
        padding: 0.8rem 0;
        font-weight: 600;
        cursor: pointer;
      }
      form {
        padding-bottom: 1rem;
      }
      .actions {
        margin-top: 1rem;
      }
      .ok a {
        min-height: 44px;
        display: inline-flex;
        align-items: center;
      }
    `,
  ];
}

customElements.define("save-view-form", SaveViewForm);
