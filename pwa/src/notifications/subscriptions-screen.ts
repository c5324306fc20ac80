/**
 * Managing subscriptions (/notifications/subscriptions): per subscription its target, the events
 * and channels it hears, the e-mail rhythm (at once or a daily digest at an hour of the user's
 * time zone) and a remove button; below, following a document type or a saved view.
 * Changes are saved as they are made.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { gql } from "../data/client";
import type { Catalog } from "../data/store";
import { t } from "../i18n";
import { repo } from "../services";
import { CatalogWatch } from "../ui/catalog-watch";
import { LocalizedElement } from "../ui/localized";
import { shared } from "../ui/styles";
import {
  CHANNELS,
  EVENTS,
  ONE_TAP,
  subscriptions,
  toggled,
  type NotificationChannel,
  type NotificationEvent,
  type Subscription,
  type SubscriptionChange,
} from "./subscriptions";
import { customerIds, EMPTY_NAMES, kindLabel, targetName, type TargetNames } from "./target-names";

const EVENT_KEYS = {
  DOCUMENT_CREATED: "subs.eventCreated",
  VERSION_ADDED: "subs.eventVersion",
  STATUS_CHANGED: "subs.eventStatus",
} as const;
const CHANNEL_KEYS = { PUSH: "subs.push", EMAIL: "subs.email" } as const;
const HOURS = Array.from({ length: 24 }, (_, h) => h);

type AddKind = "DOCUMENT_TYPE" | "VIEW";

export class SubscriptionsScreen extends LocalizedElement {
  static override properties = {
    list: { state: true },
    catalog: { state: true },
    views: { state: true },
    customers: { state: true },
    message: { state: true },
    error: { state: true },
    addKind: { state: true },
    addTarget: { state: true },
  };

  declare list: Subscription[] | null;
  declare catalog: Catalog | undefined;
  declare views: { id: string; name: string }[];
  declare customers: Map<string, string>;
  declare message: string;
  declare error: string;
  declare addKind: AddKind;
  declare addTarget: string;

  constructor() {
    super();
    this.list = null;
    this.catalog = undefined;
    new CatalogWatch(this, (c) => (this.catalog = c));
    this.views = [];
    this.customers = new Map();
    this.message = "";
    this.error = "";
    this.addKind = "DOCUMENT_TYPE";
    this.addTarget = "";
  }

  private readonly onChange = (): void => {
    this.list = subscriptions.current();
    void this.loadCustomers();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    subscriptions.addEventListener("change", this.onChange);
    void this.load();
  }

  override disconnectedCallback(): void {
    subscriptions.removeEventListener("change", this.onChange);
    super.disconnectedCallback();
  }

  private async load(): Promise<void> {
    try {
      this.list = await subscriptions.load(true);
    } catch (error) {
      this.fail(error);
      this.list ??= [];
    }
    const views = await repo().views.local().catch(() => []);
    this.views = views.map((v) => ({ id: v.id, name: v.name }));
    void repo()
      .views.refresh()
      .then((fresh) => (this.views = fresh.map((v) => ({ id: v.id, name: v.name }))))
      .catch(() => undefined);
  }

  /** Names of followed customers: from the device, else asked of the server one by one. */
  private async loadCustomers(): Promise<void> {
    const wanted = customerIds(this.list ?? []).filter((id) => !this.customers.has(id));
    if (wanted.length === 0) return;
    const names = new Map(this.customers);
    for (const c of await repo().store.customers(wanted)) names.set(c.id, c.name);
    for (const id of wanted.filter((i) => !names.has(i))) {
      try {
        const found = await gql<{ customer: { name: string } }, { id: string }>("query ($id: ID!) { customer(id: $id) { name } }", { id });
        names.set(id, found.customer.name);
      } catch {
        /* not readable any more: shown as no longer available */
      }
    }
    this.customers = names;
  }

  private names(): TargetNames {
    return {
      customers: this.customers,
      registers: new Map((this.catalog?.registers ?? []).map((r) => [r.id, r.name])),
      documentTypes: new Map((this.catalog?.documentTypes ?? []).map((d) => [d.id, d.name])),
      views: new Map(this.views.map((v) => [v.id, v.name])),
    };
  }

  private fail(error: unknown): void {
    this.message = "";
    this.error = error instanceof Error ? error.message : String(error);
  }

  private async change(s: Subscription, patch: Partial<SubscriptionChange>): Promise<void> {
    const next: SubscriptionChange = {
      events: s.events,
      channels: s.channels,
      rhythm: s.rhythm,
      digestHour: s.digestHour,
      ...patch,
    };
    this.error = "";
    if (next.events.length === 0 || next.channels.length === 0) {
      this.error = t("subs.needOne");
      this.requestUpdate();
      return;
    }
    try {
      await subscriptions.update(s.id, next);
      this.message = t("subs.saved");
    } catch (error) {
      this.fail(error);
    }
  }

  private async unfollow(s: Subscription): Promise<void> {
    try {
      await subscriptions.remove(s.id);
    } catch (error) {
      this.fail(error);
    }
  }

  private async add(event: Event): Promise<void> {
    event.preventDefault();
    const id = this.addTarget || this.addChoices()[0]?.id;
    if (!id) return;
    try {
      await subscriptions.subscribe({ kind: this.addKind, id }, ONE_TAP);
      this.message = t("subs.saved");
      this.error = "";
    } catch (error) {
      this.fail(error);
    }
  }

  private addChoices(): { id: string; name: string }[] {
    if (this.addKind === "VIEW") return this.views;
    return (this.catalog?.documentTypes ?? []).map((d) => ({ id: d.id, name: d.name }));
  }

  private renderOne(s: Subscription, names: TargetNames): TemplateResult {
    const name = targetName(s, names);
    const id = (part: string): string => `s-${s.id}-${part}`;
    return html`<li class="card" data-subscription=${s.id}>
      <div class="target">
        <span class="muted kind">${kindLabel(s.targetKind)}</span>
        <strong class="name">${name}</strong>
      </div>
      <fieldset>
        <legend>${t("subs.events")}</legend>
        ${EVENTS.map(
          (e: NotificationEvent) => html`<label class="check"
            ><input
              type="checkbox"
              .checked=${s.events.includes(e)}
              @change=${(ev: Event) => this.change(s, { events: toggled(s.events, e, (ev.target as HTMLInputElement).checked, EVENTS) })}
            />${t(EVENT_KEYS[e])}</label
          >`,
        )}
      </fieldset>
      <fieldset>
        <legend>${t("subs.channels")}</legend>
        ${CHANNELS.map(
          (c: NotificationChannel) => html`<label class="check"
            ><input
              type="checkbox"
              .checked=${s.channels.includes(c)}
              @change=${(ev: Event) => this.change(s, { channels: toggled(s.channels, c, (ev.target as HTMLInputElement).checked, CHANNELS) })}
            />${t(CHANNEL_KEYS[c])}</label
          >`,
        )}
      </fieldset>
      ${s.channels.includes("EMAIL")
        ? html`<div class="rhythm">
            <label for=${id("rhythm")}>${t("subs.rhythm")}</label>
            <select id=${id("rhythm")} @change=${(ev: Event) => this.change(s, { rhythm: (ev.target as HTMLSelectElement).value as "INSTANT" | "DIGEST" })}>
              <option value="INSTANT" ?selected=${s.rhythm === "INSTANT"}>${t("subs.instant")}</option>
              <option value="DIGEST" ?selected=${s.rhythm === "DIGEST"}>${t("subs.digest")}</option>
            </select>
            ${s.rhythm === "DIGEST"
              ? html`<label for=${id("hour")}>${t("subs.digestHour")}</label>
                  <select id=${id("hour")} @change=${(ev: Event) => this.change(s, { digestHour: Number((ev.target as HTMLSelectElement).value) })}>
                    ${HOURS.map((h) => html`<option value=${h} ?selected=${s.digestHour === h}>${String(h).padStart(2, "0")}:00</option>`)}
                  </select>`
              : nothing}
          </div>`
        : nothing}
      <button class="remove" aria-label=${t("subs.remove", { name })} @click=${() => this.unfollow(s)}>${t("subs.removeShort")}</button>
    </li>`;
  }

  private renderAdd(): TemplateResult {
    const choices = this.addChoices();
    return html`<form class="card add" @submit=${this.add}>
      <h2>${t("subs.add")}</h2>
      <label for="add-kind">${t("subs.addKind")}</label>
      <select
        id="add-kind"
        @change=${(e: Event) => {
          this.addKind = (e.target as HTMLSelectElement).value as AddKind;
          this.addTarget = "";
        }}
      >
        <option value="DOCUMENT_TYPE" ?selected=${this.addKind === "DOCUMENT_TYPE"}>${t("subs.kindDocumentType")}</option>
        <option value="VIEW" ?selected=${this.addKind === "VIEW"}>${t("subs.kindView")}</option>
      </select>
      <label for="add-target">${t("subs.addTarget")}</label>
      <select id="add-target" @change=${(e: Event) => (this.addTarget = (e.target as HTMLSelectElement).value)}>
        ${choices.map((c) => html`<option value=${c.id} ?selected=${this.addTarget === c.id}>${c.name}</option>`)}
      </select>
      <button class="primary" type="submit" ?disabled=${choices.length === 0}>${t("subs.addButton")}</button>
    </form>`;
  }

  override render(): TemplateResult {
    const names = this.list ? this.names() : EMPTY_NAMES;
    return html`<div class="page">
      <h1>${t("subs.title")}</h1>
      <p class="status" role="status">${this.message}</p>
      ${this.error ? html`<p class="error" role="alert">${t("notify.failed", { message: this.error })}</p>` : nothing}
      ${this.list === null
        ? html`<p class="muted" aria-busy="true">…</p>`
        : this.list.length === 0
          ? html`<p class="muted empty">${t("subs.empty")}</p>`
          : html`<ul class="subscriptions">${this.list.map((s) => this.renderOne(s, names))}</ul>`}
      ${this.renderAdd()}
    </div>`;
  }

  static override styles = [
    shared,
    css`
      .subscriptions {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.75rem;
      }
      .target {
        display: flex;
        flex-direction: column;
      }
      .kind {
        font-size: 0.8rem;
      }
      fieldset {
        border: none;
        padding: 0;
        margin: 0.5rem 0 0;
        display: flex;
        flex-wrap: wrap;
        gap: 0 1rem;
      }
      legend {
        font-size: 0.85rem;
        color: var(--muted);
        padding: 0;
      }
      .rhythm {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
        margin-top: 0.5rem;
      }
      .remove {
        margin-top: 0.5rem;
      }
      .add {
        margin-top: 1.5rem;
        display: grid;
        gap: 0.35rem;
      }
      .add h2 {
        font-size: 1rem;
        margin: 0;
      }
      .status {
        min-height: 1.2em;
        margin: 0;
      }
      .error {
        color: var(--danger);
      }
    `,
  ];
}

customElements.define("subscriptions-screen", SubscriptionsScreen);
