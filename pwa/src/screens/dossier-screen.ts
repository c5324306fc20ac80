/**
 * A customer's dossier: the cover sheet and one tab per register (swipe between them on touch).
 * Renders what the store holds at once, then again when the refresh from the server has landed.
 */
import { css, html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { arrange, DEFAULT_ARRANGEMENT, type Arrangement, type Grouping, type SortOrder } from "../data/arrange";
import { Offline } from "../data/client";
import { registerTree } from "../data/register-tree";
import type { LocalDossier } from "../data/repository";
import type { Catalog, StoredDocument } from "../data/store";
import { formatBytes, formatDateTime, formatMonth, formatValue, t } from "../i18n";
import type { Pinning, PinnedUsage } from "../sync/pinning";
import type { Lease } from "../sync/projection";
import { editThrough } from "../sync/edit-route";
import type { SavedView } from "../data/saved-views";
import { documentSearchPath, dossierPath, navigate, VIEW_TAB } from "../router";
import { repo } from "../services";
import { documentRow, skeletonRows } from "../ui/document-row";
import { changedValues, fieldInput, issueFor, type Issue } from "../ui/fields";
import { LocalizedElement } from "../ui/localized";
import { icon } from "../ui/icons";
import { shared } from "../ui/styles";
import { CatalogWatch } from "../ui/catalog-watch";
import { visitPanel } from "../map/visit-slot";

const SWIPE_PX = 60;

interface Tab {
  key: string;
  label: string;
  count: number | null;
  registerId: string | null;
  /** 0 for the cover, all and top-level registers; nested registers are deeper. */
  depth: number;
  /** The top-level tab it belongs to (itself at the top). */
  topKey: string;
  /** The key of the register it is nested in (null at the top). */
  parentKey: string | null;
  childCount: number;
  /** A saved view shown as a virtual register (within this customer). */
  viewId: string | null;
}
/** Rows of a list rendered in the first frame, and added per frame after it. */
const FIRST_ROWS = 40;

interface PinState {
  state: "unknown" | "off" | "pinned" | "unpinned" | "pinning" | "unpinning";
  leases: Lease[];
  usage: PinnedUsage | null;
  error: string;
}
const MORE_ROWS = 400;

export class DossierScreen extends LocalizedElement {
  static override properties = {
    customerId: { attribute: false },
    tab: { attribute: false },
    local: { state: true },
    catalog: { state: true },
    loading: { state: true },
    failed: { state: true },
    favourite: { state: true },
    editing: { state: true },
    issues: { state: true },
    saveMessage: { state: true },
    how: { state: true },
    shown: { state: true },
    views: { state: true },
    pin: { state: true },
  };

  declare customerId: string;
  declare tab: string;
  declare local: LocalDossier | undefined;
  declare catalog: Catalog | undefined;
  declare loading: boolean;
  declare failed: boolean;
  declare favourite: boolean;
  declare editing: boolean;
  declare issues: Issue[];
  declare saveMessage: string;
  declare how: Arrangement;
  /** Rows rendered so far: a first screenful at once, the rest in the frames after. */
  declare shown: number;
  /** Saved views, each a virtual register after the real ones. */
  declare views: SavedView[];
  /** Pinning for offline use: loaded lazily (the sync code is not on the critical path). */
  declare pin: PinState;
  private pinning: Pinning | null = null;
  private pinningReady: Promise<Pinning | null> | null = null;
  private touchStart: { x: number; y: number } | null = null;

  constructor() {
    super();
    this.customerId = "";
    this.tab = "cover";
    this.local = undefined;
    this.catalog = undefined;
    new CatalogWatch(this, (c) => (this.catalog = c));
    this.loading = true;
    this.failed = false;
    this.favourite = false;
    this.editing = false;
    this.issues = [];
    this.saveMessage = "";
    this.how = { ...DEFAULT_ARRANGEMENT };
    this.shown = FIRST_ROWS;
    this.views = [];
    this.pin = { state: "unknown", leases: [], usage: null, error: "" };
  }

  private readonly onChanged = (event: Event): void => {
    const { what, id } = (event as CustomEvent<{ what: string; id: string }>).detail;
    if ((what === "dossier" || what === "customer") && id === this.customerId) {
      void this.readLocal();
      if (this.pin.state === "pinned") void this.readPin();
    }
  };

  private readonly onViews = (): void => {
    void repo().views.local().then((v) => (this.views = v));
  };

  override connectedCallback(): void {
    super.connectedCallback();
    repo().events.addEventListener("changed", this.onChanged);
    repo().views.events.addEventListener("changed", this.onViews);
    this.onViews();
    // The stored list shows at once; the server's follows (offline, the stored one stays).
    void repo().views.refresh().catch(() => undefined);
  }

  private readonly onPinChanged = (event: Event): void => {
    if ((event as CustomEvent<{ customerId: string }>).detail.customerId === this.customerId) void this.readPin();
  };

  /** Whether this dossier is pinned, its leases and kept files (the sync code loads on first use). */
  private async readPin(): Promise<void> {
    const id = this.customerId;
    this.pinningReady ??= import("../sync/index")
      .then((sync) => sync.pinning())
      .catch(() => null)
      .then((pinning) => {
        pinning?.events.addEventListener("changed", this.onPinChanged);
        return (this.pinning = pinning);
      });
    const pinning = await this.pinningReady;
    if (!pinning) {
      this.pin = { ...this.pin, state: "off" };
      return;
    }
    if (this.pin.state === "pinning" || this.pin.state === "unpinning") return;
    const pinned = await pinning.isPinned(id);
    const leases = pinned ? await pinning.leases(id) : [];
    const usage = pinned ? ((await pinning.usage()).find((u) => u.customerId === id) ?? null) : null;
    if (id === this.customerId) this.pin = { ...this.pin, state: pinned ? "pinned" : "unpinned", leases, usage };
  }

  private async togglePin(): Promise<void> {
    const pinning = this.pinning;
    if (!pinning) return;
    const pinned = this.pin.state === "pinned";
    this.pin = { ...this.pin, state: pinned ? "unpinning" : "pinning", error: "" };
    try {
      if (pinned) await pinning.unpin(this.customerId);
      else await pinning.pin(this.customerId);
    } catch (error) {
      this.pin = { ...this.pin, error: error instanceof Error ? error.message : String(error) };
    }
    this.pin = { ...this.pin, state: "unknown" };
    await this.readPin();
  }

  private renderPin(): TemplateResult | typeof nothing {
    const { state, leases, usage, error } = this.pin;
    if (state === "unknown") return nothing;
    if (state === "off") return html`<p class="muted pin-state">${t("pinned.off")}</p>`;
    const busy = state === "pinning" || state === "unpinning";
    const pinned = state === "pinned" || state === "unpinning";
    return html`<section class="card pin" aria-labelledby="h-pin">
      <h2 id="h-pin" class="visually-hidden">${t("settings.offline")}</h2>
      <div class="pin-row">
        <p class="pin-state" aria-live="polite">
          ${pinned ? html`${icon("pin")} ${t("pinned.pinned")}` : nothing}${busy ? html` ${t(state === "pinning" ? "pinned.pinning" : "pinned.unpinning")}` : nothing}
        </p>
        <button class="pin-toggle" aria-pressed=${pinned ? "true" : "false"} ?disabled=${busy} @click=${this.togglePin}>
          ${pinned ? t("pinned.unpin") : t("pinned.pin")}
        </button>
      </div>
      ${pinned && usage
        ? html`<p class="muted pin-files">${t("pinned.files", { files: usage.files, size: formatBytes(usage.bytes) })}${usage.skipped
            ? html` · ${t("pinned.skipped", { count: usage.skipped })}`
            : nothing}</p>`
        : nothing}
      ${pinned
        ? leases.map(
            (l) => html`<p class="muted lease">${t("pinned.lease", { name: l.userName, device: l.device, until: formatDateTime(l.until) })}</p>`,
          )
        : nothing}
      ${error ? html`<p class="error" role="alert">${t("pinned.failed", { message: error })}</p>` : nothing}
    </section>`;
  }

  override disconnectedCallback(): void {
    this.pinning?.events.removeEventListener("changed", this.onPinChanged);
    this.pinning = null;
    this.pinningReady = null;
    repo().events.removeEventListener("changed", this.onChanged);
    repo().views.events.removeEventListener("changed", this.onViews);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("tab") || changed.has("how") || changed.has("customerId")) this.shown = FIRST_ROWS;
    if (changed.has("customerId") && this.customerId) {
      this.local = undefined;
      this.editing = false;
      this.pin = { state: "unknown", leases: [], usage: null, error: "" };
      void this.load();
    }
    // The pin control is on the cover sheet: read its state there, once the sheet shows.
    if ((changed.has("customerId") || changed.has("tab")) && this.customerId && this.tab === "cover" && this.pin.state === "unknown") {
      const later = window.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 200));
      later(() => void this.readPin(), { timeout: 2000 });
    }
  }

  private async readLocal(): Promise<void> {
    this.local = await repo().dossier(this.customerId);
  }

  private async load(): Promise<void> {
    const id = this.customerId;
    this.loading = true;
    this.failed = false;
    await this.readLocal();
    this.favourite = (await repo().favouriteIds()).includes(id);
    void repo().rememberVisit(id);
    try {
      await repo().refreshDossier(id);
    } catch (error) {
      if (!(error instanceof Offline)) console.warn(error);
      if (id === this.customerId && !this.local) this.failed = true;
    } finally {
      if (id === this.customerId) this.loading = false;
    }
  }

  private async toggleFavourite(): Promise<void> {
    this.favourite = await repo().toggleFavourite(this.customerId);
  }

  /** Cover, all, then the register tree depth first (the order swipes follow). */
  private tabs(): Tab[] {
    const counts = new Map(this.local?.dossier?.registers.map((r) => [r.key, r.count]) ?? []);
    const top = { depth: 0, parentKey: null, childCount: 0, viewId: null };
    return [
      { key: "cover", label: t("dossier.cover"), count: null, registerId: null, topKey: "cover", ...top },
      { key: "all", label: t("dossier.all"), count: this.local?.dossier?.documentCount ?? null, registerId: null, topKey: "all", ...top },
      ...registerTree(this.catalog?.registers ?? []).map((n) => ({
        key: n.register.key,
        label: n.register.name,
        count: counts.get(n.register.key) ?? null,
        registerId: n.register.id,
        depth: n.depth,
        topKey: n.topKey,
        parentKey: n.path.at(-2) ?? null,
        childCount: n.childCount,
        viewId: null,
      })),
      ...this.views.map((v) => ({
        ...top,
        key: VIEW_TAB + v.id,
        label: v.name,
        count: null,
        registerId: null,
        topKey: VIEW_TAB + v.id,
        viewId: v.id,
      })),
    ];
  }

  /** Arrow keys, Home and End move between the tabs of the row that has focus. */
  private onTabKey(event: KeyboardEvent, keys: string[], idPrefix: string): void {
    const focused = (event.target as HTMLElement).id.slice(idPrefix.length);
    const index = keys.indexOf(keys.includes(focused) ? focused : this.tab);
    let next = -1;
    if (event.key === "ArrowRight") next = (index + 1) % keys.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + keys.length) % keys.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = keys.length - 1;
    if (next < 0) return;
    event.preventDefault();
    const key = keys[next] ?? "cover";
    this.go(key, `${idPrefix}${key}`);
  }

  private go(tab: string, focusId = ""): void {
    navigate(dossierPath(this.customerId, tab), true);
    if (focusId) {
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#${CSS.escape(focusId)}`)?.focus());
    }
  }

  private onTouchStart(event: TouchEvent): void {
    const touch = event.touches[0];
    this.touchStart = touch && event.touches.length === 1 ? { x: touch.clientX, y: touch.clientY } : null;
  }

  private onTouchEnd(event: TouchEvent): void {
    const start = this.touchStart;
    const touch = event.changedTouches[0];
    this.touchStart = null;
    if (!start || !touch) return;
    const dx = touch.clientX - start.x;
    const dy = touch.clientY - start.y;
    if (Math.abs(dx) < SWIPE_PX || Math.abs(dy) > Math.abs(dx) / 2) return;
    const keys = this.tabs().map((x) => x.key);
    const index = keys.indexOf(this.tab);
    const next = index + (dx < 0 ? 1 : -1);
    if (next >= 0 && next < keys.length) this.go(keys[next] ?? "cover");
  }

  private typeName(id: string): string {
    return this.catalog?.documentTypes.find((d) => d.id === id)?.name ?? "";
  }

  private renderHeader(): TemplateResult {
    const customer = this.local?.customer;
    return html`<header class="head">
      <div class="title">
        ${customer
          ? html`<h1>${customer.name}</h1>
              <p class="muted sub">${customer.erpNumber}${this.local?.dossier ? html` · ${t("dossier.documents", { count: this.local.dossier.documentCount })}` : nothing}</p>`
          : html`<span class="skeleton h1"></span><span class="skeleton sub-line"></span>`}
      </div>
      <a class="button icon" href=${documentSearchPath({ customerId: this.customerId })} aria-label=${t("docs.inDossier")} title=${t("docs.inDossier")}
        >${icon("search")}</a
      >
      ${this.follow("CUSTOMER", this.customerId, t("notify.followDossier"))}
      <button
        class="icon"
        aria-pressed=${this.favourite ? "true" : "false"}
        title=${this.favourite ? t("customer.unfavourite") : t("customer.addFavourite")}
        aria-label=${t("customer.favourite")}
        @click=${this.toggleFavourite}
      >
        ${icon(this.favourite ? "starFilled" : "star")}
      </button>
    </header>`;
  }

  /**
   * Top-level tabs in one row; when the open register has sub-registers, or is one, a second row
   * holds that branch of the tree (indented by depth), so every register is one tap away.
   */
  private renderTabs(): TemplateResult {
    const tabs = this.tabs();
    const current = tabs.find((x) => x.key === this.tab);
    const topKey = current?.topKey ?? this.tab;
    const top = tabs.filter((x) => x.depth === 0);
    const branch = tabs.filter((x) => x.topKey === topKey && x.registerId);
    const tab = (x: Tab, prefix: string, selected: boolean, keys: string[], nested: boolean): TemplateResult => html`<a
      role="tab"
      id="${prefix}${x.key}"
      href=${dossierPath(this.customerId, x.key)}
      aria-selected=${selected ? "true" : "false"}
      aria-controls="panel"
      tabindex=${selected ? "0" : "-1"}
      @click=${(e: Event) => {
        e.preventDefault();
        this.go(x.key);
      }}
      @keydown=${(e: KeyboardEvent) => this.onTabKey(e, keys, prefix)}
      >${nested && x.depth > 0 ? html`<span class="branch" aria-hidden="true">${"›".repeat(x.depth)}</span>` : nothing}${x.viewId
        ? html`<span class="view-mark" aria-hidden="true">${icon("search")}</span><span class="visually-hidden">${t("views.tab", { name: x.label })}</span><span aria-hidden="true">${x.label}</span>`
        : x.label}${!nested && x.childCount
        ? html`<span class="more" aria-hidden="true">▾</span>`
        : nothing}${x.count !== null ? html` <span class="count">${x.count}</span>` : nothing}</a
    >`;
    const topKeys = top.map((x) => x.key);
    const branchKeys = branch.map((x) => x.key);
    const parent = tabs.find((x) => x.key === topKey);
    return html`<div class="tabs" role="tablist" aria-label=${t("dossier.registers")}>
        ${top.map((x) => tab(x, "tab-", x.key === topKey, topKeys, false))}
      </div>
      ${branch.length > 1
        ? html`<div class="tabs sub" role="tablist" aria-label=${t("dossier.subRegisters", { register: parent?.label ?? "" })}>
            ${branch.map((x) => tab(x, "sub-", x.key === this.tab, branchKeys, true))}
          </div>`
        : nothing}`;
  }

  /** The register tree as nested lists, each register with its count. */
  private renderRegisterTree(tabs: Tab[], parentKey: string | null): TemplateResult | typeof nothing {
    const level = tabs.filter((x) => x.registerId && x.parentKey === parentKey);
    if (level.length === 0) return nothing;
    return html`<ul class=${parentKey ? "tree nested" : "tree"}>
      ${level.map(
        (x) => html`<li>
          <a href=${dossierPath(this.customerId, x.key)}>${x.label}<span class="count">${x.count ?? "–"}</span></a>
          ${x.childCount ? this.renderRegisterTree(tabs, x.key) : nothing}
        </li>`,
      )}
    </ul>`;
  }

  /** The addresses on a map (Leaflet loads with it, only here and on the map screens). */
  private renderMap(customer: LocalDossier["customer"]): TemplateResult | typeof nothing {
    if (!customer.addresses.some((a) => a.latitude != null && a.longitude != null)) return nothing;
    void import("../map/dossier-map");
    return html`<h3 class="visually-hidden">${t("dossier.map")}</h3>
      <dossier-map .customer=${customer}></dossier-map>`;
  }

  private renderCover(): TemplateResult {
    const local = this.local;
    if (!local) return html`<div class="card">${skeletonRows(4)}</div>`;
    const { customer, dossier } = local;
    const cover = dossier?.coverFields ?? [];
    const latest = arrange(local.documents, DEFAULT_ARRANGEMENT)[0]?.documents.slice(0, 5) ?? [];
    return html`
      <div class="actions">
        <a class="button primary" href="/capture?customer=${encodeURIComponent(customer.id)}">${icon("plus")} ${t("dossier.capture")}</a>
        <button @click=${() => ((this.editing = true), (this.issues = []), (this.saveMessage = ""))}>${t("dossier.edit")}</button>
      </div>
      ${this.renderPin()}
      ${this.saveMessage ? html`<p class="ok" role="status">${this.saveMessage}</p>` : nothing}
      ${this.editing ? this.renderEdit() : nothing}
      <section class="card" aria-labelledby="h-key">
        <h2 id="h-key">${t("dossier.keyData")}</h2>
        <dl class="fields">
          ${cover.map((f) => html`<dt>${f.label}</dt><dd>${formatValue(f.value, f.type)}</dd>`)}
        </dl>
      </section>
      <section class="card" aria-labelledby="h-addr">
        <h2 id="h-addr">${t("dossier.addresses")}</h2>
        <ul class="list">
          ${customer.addresses.map((a) => {
            const line = `${a.street}, ${a.postalCode} ${a.city}`;
            const geo =
              a.latitude != null && a.longitude != null
                ? `geo:${a.latitude},${a.longitude}?q=${encodeURIComponent(`${a.latitude},${a.longitude}(${line})`)}`
                : `geo:0,0?q=${encodeURIComponent(`${line}, ${a.country}`)}`;
            return html`<li>
              <a href=${geo} data-external aria-label=${t("dossier.navigate", { address: line })}>
                <span class="glyph">${icon("pin")}</span>
                <span class="row-main"
                  ><span class="row-title">${a.label || a.kind}</span><span class="row-sub">${line}, ${a.country}</span></span
                >
              </a>
            </li>`;
          })}
        </ul>
        ${this.renderMap(customer)}
      </section>
      ${visitPanel(customer)}
      <section class="card" aria-labelledby="h-contacts">
        <h2 id="h-contacts">${t("dossier.contacts")}</h2>
        <ul class="list">
          ${customer.contacts.map(
            (c) => html`<li class="contact">
              <span class="row-main"
                ><span class="row-title">${c.name}</span><span class="row-sub">${c.role}</span></span
              >
              ${c.phone
                ? html`<a class="button" data-external href="tel:${c.phone.replace(/[^\d+]/g, "")}" aria-label=${t("dossier.call", { name: c.name })}>${icon("phone")}</a>`
                : nothing}
              ${c.email
                ? html`<a class="button" data-external href="mailto:${c.email}" aria-label=${t("dossier.mail", { name: c.name })}>${icon("mail")}</a>`
                : nothing}
            </li>`,
          )}
        </ul>
      </section>
      <section class="card" aria-labelledby="h-registers">
        <h2 id="h-registers">${t("dossier.registers")}</h2>
        ${this.renderRegisterTree(this.tabs(), null)}
      </section>
      <section class="card" aria-labelledby="h-latest">
        <h2 id="h-latest">${t("dossier.latest")}</h2>
        ${latest.length
          ? html`<ul class="list">${latest.map((d) => documentRow(d, this.typeName(d.documentTypeId)))}</ul>`
          : html`<p class="muted">${this.loading ? "" : t("list.empty")}</p>`}
      </section>
    `;
  }

  private renderEdit(): TemplateResult {
    const customer = this.local?.customer;
    if (!customer) return html``;
    const defs = this.catalog?.tenant.coverFields ?? [];
    const keyData = (customer.keyData ?? {}) as Record<string, unknown>;
    const nameIssue = issueFor(this.issues, "name");
    return html`<form class="card edit" @submit=${this.saveCustomer} novalidate aria-labelledby="h-edit">
      <h2 id="h-edit">${t("dossier.edit")}</h2>
      ${this.issues.length ? html`<p class="error" role="alert">${t("form.invalid")}</p>` : nothing}
      <label for="customer-name">${t("customer.name")}</label>
      <input id="customer-name" name="name" .value=${customer.name} aria-invalid=${nameIssue ? "true" : "false"} />
      ${nameIssue ? html`<p class="issue">${nameIssue.message}</p>` : nothing}
      ${defs.map((d) => fieldInput(d, keyData[d.key], "keyData", this.issues))}
      <div class="actions">
        <button class="primary" type="submit">${t("form.save")}</button>
        <button type="button" @click=${() => (this.editing = false)}>${t("form.cancel")}</button>
      </div>
    </form>`;
  }

  private async saveCustomer(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const customer = this.local?.customer;
    if (!customer) return;
    const form = new FormData(event.target as HTMLFormElement);
    const name = String(form.get("name") ?? "").trim();
    const keyData = changedValues(
      this.catalog?.tenant.coverFields ?? [],
      form,
      "keyData",
      (customer.keyData ?? {}) as Record<string, unknown>,
    );
    const change = { ...(name !== customer.name ? { name } : {}), ...(Object.keys(keyData).length ? { keyData } : {}) };
    try {
      // Pinned or without a connection: into the outbox, shown at once (docs/adr/0031).
      const saved = await editThrough(
        customer.id,
        async (edits) => ({ ok: true as const, value: await edits.editCustomer(customer, change), queued: true }),
        () => repo().updateCustomer(customer.id, change),
      );
      if (saved.ok) {
        this.editing = false;
        this.issues = [];
        this.saveMessage = "queued" in saved ? t("form.queued") : t("form.saved");
        if (!("queued" in saved)) void repo().refreshDossier(customer.id).catch(() => undefined);
      } else {
        this.issues = saved.error.issues.length
          ? saved.error.issues
          : [{ field: "name", code: saved.error.code, message: saved.error.message }];
      }
    } catch (error) {
      this.issues = [{ field: "name", code: "error", message: error instanceof Error ? error.message : String(error) }];
    }
  }

  private growLater(total: number): void {
    if (this.shown >= total) return;
    requestAnimationFrame(() => {
      if (this.shown < total) this.shown += MORE_ROWS;
    });
  }

  private setHow(patch: Partial<Arrangement>): void {
    this.how = { ...this.how, ...patch };
  }

  private renderList(registerId: string | null): TemplateResult {
    const local = this.local;
    const types = this.catalog?.documentTypes ?? [];
    const all = local ? arrange<StoredDocument>(local.documents, { ...this.how, registerId }) : [];
    const total = all.reduce((n, g) => n + g.documents.length, 0);
    let room = this.shown;
    const groups = all.flatMap((g) => {
      const documents = g.documents.slice(0, Math.max(0, room));
      room -= documents.length;
      return documents.length ? [{ key: g.key, documents }] : [];
    });
    this.growLater(total);
    const register = registerId ? this.catalog?.registers.find((r) => r.id === registerId) : undefined;
    return html`
      ${register ? this.follow("REGISTER", register.id, t("notify.followRegister", { register: register.name })) : nothing}
      <div class="toolbar" role="group" aria-label=${t("list.filter")}>
        <div>
          <label for="f-text">${t("list.filter")}</label>
          <input id="f-text" type="search" placeholder=${t("list.filterPlaceholder")} .value=${this.how.text}
            @input=${(e: Event) => this.setHow({ text: (e.target as HTMLInputElement).value })} />
        </div>
        <div>
          <label for="f-type">${t("list.type")}</label>
          <select id="f-type" @change=${(e: Event) => this.setHow({ documentTypeId: (e.target as HTMLSelectElement).value || null })}>
            <option value="">${t("list.allTypes")}</option>
            ${types.map((d) => html`<option value=${d.id} ?selected=${this.how.documentTypeId === d.id}>${d.name}</option>`)}
          </select>
        </div>
        <div>
          <label for="f-sort">${t("list.sort")}</label>
          <select id="f-sort" @change=${(e: Event) => this.setHow({ sort: (e.target as HTMLSelectElement).value as SortOrder })}>
            <option value="date-desc" ?selected=${this.how.sort === "date-desc"}>${t("list.sortDateDesc")}</option>
            <option value="date-asc" ?selected=${this.how.sort === "date-asc"}>${t("list.sortDateAsc")}</option>
            <option value="title" ?selected=${this.how.sort === "title"}>${t("list.sortTitle")}</option>
          </select>
        </div>
        <div>
          <label for="f-group">${t("list.group")}</label>
          <select id="f-group" @change=${(e: Event) => this.setHow({ group: (e.target as HTMLSelectElement).value as Grouping })}>
            <option value="none" ?selected=${this.how.group === "none"}>${t("list.groupNone")}</option>
            <option value="type" ?selected=${this.how.group === "type"}>${t("list.groupType")}</option>
            <option value="month" ?selected=${this.how.group === "month"}>${t("list.groupMonth")}</option>
          </select>
        </div>
      </div>
      ${!local
        ? skeletonRows(6)
        : groups.length === 0
          ? this.loading && local.documents.length === 0
            ? skeletonRows(6)
            : html`<p class="muted empty">${t("list.empty")}</p>`
          : groups.map(
              (g) => html`${g.key
                  ? html`<h3 class="group">${this.how.group === "type" ? this.typeName(g.key) : formatMonth(g.key)}</h3>`
                  : nothing}
                <ul class="list documents">${g.documents.map((d) => documentRow(d, this.typeName(d.documentTypeId)))}</ul>`,
            )}
    `;
  }

  /** One-tap follow of this dossier or of a register in it (notifications, loaded lazily). */
  private follow(kind: "CUSTOMER" | "REGISTER", id: string, label: string): TemplateResult {
    void import("../notifications/subscribe-toggle");
    const customerId = kind === "REGISTER" ? this.customerId : null;
    return html`<subscribe-toggle kind=${kind} ?compact=${kind === "CUSTOMER"} .targetId=${id} .customerId=${customerId} .label=${label}></subscribe-toggle>`;
  }

  /** A saved view as a virtual register: what it finds within this customer. */
  private renderView(viewId: string): TemplateResult {
    void import("../ui/view-results");
    return html`<view-results .viewId=${viewId} .customerId=${this.customerId}></view-results>`;
  }

  override render(): TemplateResult {
    if (this.failed) {
      return html`<div class="page"><p class="card" role="alert">${t("dossier.notFound")}</p></div>`;
    }
    const tabs = this.tabs();
    const tab = tabs.find((x) => x.key === this.tab);
    const inBranch = tab?.registerId && tabs.filter((x) => x.topKey === tab.topKey).length > 1;
    return html`<div class="page">
      ${this.renderHeader()} ${this.renderTabs()}
      <div
        id="panel"
        role="tabpanel"
        aria-labelledby="${inBranch ? "sub-" : "tab-"}${this.tab}"
        @touchstart=${this.onTouchStart}
        @touchend=${this.onTouchEnd}
      >
        ${this.tab === "cover"
          ? this.renderCover()
          : tab?.viewId
            ? this.renderView(tab.viewId)
            : this.renderList(tab?.registerId ?? null)}
      </div>
    </div>`;
  }

  static override styles = [
    shared,
    css`
      .pin-row {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 0.5rem;
        flex-wrap: wrap;
      }
      .pin-state {
        margin: 0;
        display: inline-flex;
        align-items: center;
        gap: 0.35rem;
      }
      .pin .muted {
        margin: 0.25rem 0 0;
      }
      dossier-map {
        display: block;
        min-height: 302px; /* the map and its button, reserved before the map's code arrives */
      }
      .head {
        display: flex;
        align-items: flex-start;
        gap: 0.5rem;
        min-height: 4.2rem;
      }
      .title {
        flex: 1;
        min-width: 0;
      }
      .sub {
        margin: 0;
      }
      .skeleton.h1 {
        height: 1.6rem;
        width: 70%;
        margin-bottom: 0.5rem;
      }
      .skeleton.sub-line {
        height: 1rem;
        width: 40%;
      }
      a.button.icon {
        border: none;
        background: transparent;
        padding: 0;
        width: 44px;
        color: var(--accent);
      }
      button[aria-pressed="true"] {
        color: #b7791f;
      }
      .tabs {
        display: flex;
        overflow-x: auto;
        gap: 0.25rem;
        border-bottom: 1px solid var(--border);
        margin: 0 -1rem 0.75rem;
        padding: 0 1rem;
        scrollbar-width: none;
      }
      .tabs a {
        flex: none;
        min-height: 44px;
        padding: 0 0.8rem;
        display: inline-flex;
        align-items: center;
        gap: 0.35rem;
        color: var(--muted);
        text-decoration: none;
        border-bottom: 3px solid transparent;
        white-space: nowrap;
      }
      .tabs a[aria-selected="true"] {
        color: var(--accent);
        border-bottom-color: var(--accent);
        font-weight: 700;
      }
      .count {
        font-size: 0.8rem;
        background: var(--surface-2);
        color: var(--text);
        border-radius: 999px;
        padding: 0 0.45rem;
        min-width: 1.5rem;
        text-align: center;
      }
      #panel {
        min-height: 60vh;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin: 0.5rem 0;
      }
      .glyph {
        width: 40px;
        text-align: center;
        font-size: 1.3rem;
        flex: none;
      }
      li.contact {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        min-height: 56px;
      }
      .tabs.sub {
        border-bottom: none;
        margin-top: -0.5rem;
        background: var(--surface-2);
      }
      .tabs.sub a {
        font-size: 0.9rem;
      }
      .tabs.sub .count {
        background: var(--surface);
      }
      .branch {
        color: var(--muted);
        letter-spacing: -0.1em;
      }
      .more {
        font-size: 0.7rem;
      }
      .view-mark .icon-svg {
        width: 16px;
        height: 16px;
        vertical-align: -3px;
      }
      .tabs a:has(.view-mark) {
        font-style: italic;
      }
      ul.tree {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      ul.tree.nested {
        padding-left: 1.25rem;
        border-left: 2px solid var(--border);
        margin-left: 0.25rem;
      }
      ul.tree a {
        display: flex;
        justify-content: space-between;
        align-items: center;
        min-height: 44px;
        color: inherit;
        text-decoration: none;
      }
      ul.documents > li {
        content-visibility: auto;
        contain-intrinsic-size: auto 57px;
      }
      .group {
        margin: 1rem 0 0.25rem;
        color: var(--muted);
      }
      .badge {
        font-size: 0.8rem;
        border: 1px solid var(--border);
        border-radius: 999px;
        padding: 0 0.5rem;
      }
      .empty {
        padding: 1rem 0;
      }
    `,
  ];
}

customElements.define("dossier-screen", DossierScreen);
