/**
 * <visit-panel>: the cover sheet's visits (docs/adr/0029): when the customer was last visited and
 * by whom, the latest few with their notes, and "Record visit" with an optional note. What it
 * shows comes from the local store first (offline too); recording needs a connection. A recorded
 * visit updates the map's last visits at once.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { gql, Offline } from "../data/client";
import type { Customer } from "../data/store";
import { formatDateTime, t } from "../i18n";
import { repo } from "../services";
import { LocalizedElement } from "../ui/localized";
import { shared } from "../ui/styles";
import { MapData, type CustomerVisits } from "./map-data";

const NOTE_MAX = 2000;

export class VisitPanel extends LocalizedElement {
  static override properties = {
    customer: { attribute: false },
    visits: { state: true },
    note: { state: true },
    busy: { state: true },
    status: { state: true },
    error: { state: true },
  };

  declare customer: Customer | null;
  declare visits: CustomerVisits | null;
  declare note: string;
  declare busy: boolean;
  declare status: string;
  declare error: string;

  private readonly data = new MapData(repo().store, gql);
  private shownFor = "";

  constructor() {
    super();
    this.customer = null;
    this.visits = null;
    this.note = "";
    this.busy = false;
    this.status = "";
    this.error = "";
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    const id = this.customer?.id ?? "";
    if (changed.has("customer") && id && id !== this.shownFor) {
      this.shownFor = id;
      this.visits = null;
      this.status = "";
      this.error = "";
      void this.load(id);
    }
  }

  private async load(id: string): Promise<void> {
    const stored = await this.data.storedVisits(id);
    if (id === this.shownFor && stored) this.visits = stored;
    try {
      const fresh = await this.data.refreshVisits(id);
      if (id === this.shownFor) this.visits = fresh;
    } catch {
      // Offline or refused: what the store had stays.
    }
  }

  private async record(): Promise<void> {
    const customer = this.customer;
    if (!customer || this.busy) return;
    this.busy = true;
    this.status = "";
    this.error = "";
    try {
      const saved = await this.data.recordVisit(customer.id, this.note.trim());
      if (!saved.ok) {
        this.error = t("visit.failed", { message: saved.error.issues[0]?.message ?? saved.error.message });
        return;
      }
      this.note = "";
      this.status = t("visit.recorded", { name: customer.name });
      const { customer: _, ...visit } = saved.value;
      this.visits = { lastVisitAt: saved.value.customer.lastVisitAt, items: [visit, ...(this.visits?.items ?? [])].slice(0, 3) };
      void this.load(customer.id);
    } catch (error) {
      this.error = error instanceof Offline ? t("visit.offline") : t("visit.failed", { message: error instanceof Error ? error.message : String(error) });
    } finally {
      this.busy = false;
    }
  }

  private renderLast(): TemplateResult {
    const visits = this.visits;
    if (!visits?.lastVisitAt) return html`<p class="last muted">${visits ? t("visit.none") : ""}</p>`;
    const latest = visits.items[0];
    const when = formatDateTime(visits.lastVisitAt);
    const who = latest && latest.visitedAt === visits.lastVisitAt ? latest.user?.displayName : undefined;
    return html`<p class="last">${who ? t("visit.lastBy", { when, who }) : t("visit.last", { when })}</p>`;
  }

  override render(): TemplateResult {
    const items = this.visits?.items.filter((v) => v.note) ?? [];
    return html`<section class="card" aria-labelledby="h-visits">
      <h2 id="h-visits">${t("visit.title")}</h2>
      ${this.renderLast()}
      ${items.length
        ? html`<ul class="notes">
            ${items.map((v) => html`<li><span class="muted">${formatDateTime(v.visitedAt)}</span> ${v.note}</li>`)}
          </ul>`
        : nothing}
      <form
        @submit=${(e: Event) => {
          e.preventDefault();
          void this.record();
        }}
      >
        <label for="visit-note">${t("visit.note")}</label>
        <textarea
          id="visit-note"
          rows="2"
          maxlength=${NOTE_MAX}
          .value=${this.note}
          @input=${(e: Event) => (this.note = (e.target as HTMLTextAreaElement).value)}
        ></textarea>
        <button class="primary" id="record-visit" type="submit" ?disabled=${this.busy}>${t("visit.record")}</button>
      </form>
      <div class="messages">
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        ${this.status ? html`<p class="ok" role="status">${this.status}</p>` : nothing}
      </div>
    </section>`;
  }

  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .last,
      .messages p {
        margin: 0.25rem 0;
      }
      ul.notes {
        margin: 0.25rem 0 0.5rem;
        padding-left: 1.2rem;
      }
      form {
        display: grid;
        gap: 0.25rem;
      }
      textarea {
        width: 100%;
        box-sizing: border-box;
        font: inherit;
      }
      form button {
        justify-self: start;
      }
    `,
  ];
}

customElements.define("visit-panel", VisitPanel);
