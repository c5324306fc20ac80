/**
 * "3 changes waiting": the outbox at a glance, with each change's state and the server's reason
 * for a refusal, a "Send now" button and the way to the conflict screen (the "open-conflicts"
 * event; the shell decides where that goes). Shows nothing while nothing waits and all is well.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { t, formatDateTime } from "../i18n";
import { LocalizedElement } from "../ui/localized";
import { shared } from "../ui/styles";
import type { SyncClient, SyncStatus } from "./client";
import type { OutboxItem } from "./db";
import { mutationLabel, waitingText } from "./labels";

const STATUS_TEXT = {
  offline: "sync.offline",
  "signed-out": "sync.signedOut",
  "update-required": "sync.updateRequired",
  "other-user": "sync.otherUser",
} as const;

export class OutboxBadge extends LocalizedElement {
  static override properties = {
    client: { attribute: false },
    status: { state: true },
    items: { state: true },
    open: { state: true },
  };

  declare client: SyncClient | null;
  declare status: SyncStatus | null;
  declare items: OutboxItem[];
  declare open: boolean;
  private readonly reload = (): void => void this.refresh();

  constructor() {
    super();
    this.client = null;
    this.status = null;
    this.items = [];
    this.open = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.client?.events.addEventListener("changed", this.reload);
    void this.refresh();
  }

  override disconnectedCallback(): void {
    this.client?.events.removeEventListener("changed", this.reload);
    super.disconnectedCallback();
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has("client")) {
      (changed.get("client") as SyncClient | null | undefined)?.events.removeEventListener("changed", this.reload);
      if (this.isConnected) {
        this.client?.events.addEventListener("changed", this.reload);
        void this.refresh();
      }
    }
  }

  async refresh(): Promise<void> {
    if (!this.client) return;
    this.status = await this.client.status();
    this.items = await this.client.outbox.items();
  }

  private async sendNow(): Promise<void> {
    await this.client?.sync();
    await this.refresh();
  }

  private async dismiss(id: number): Promise<void> {
    await this.client?.outbox.dismiss(id);
    await this.refresh();
  }

  private headline(status: SyncStatus): string {
    if (status.state === "syncing") return t("sync.syncing");
    if (status.waiting > 0) return waitingText(status.waiting);
    return t("sync.allSent");
  }

  private item(item: OutboxItem): TemplateResult {
    return html`<li class="item ${item.state}">
      <span class="what">${mutationLabel(item.mutation)}</span>
      <span class="when">${formatDateTime(new Date(item.createdAt).toISOString())}</span>
      <span class="state">${t(`sync.state.${item.state}`)}</span>
      ${item.state === "rejected"
        ? html`<p class="reason" role="note">${t("sync.refused", { code: item.code ?? "", message: item.message ?? "" })}</p>
            <button type="button" @click=${() => void this.dismiss(item.id)}>${t("sync.dismiss")}</button>`
        : item.code
          ? html`<p class="reason">${t("sync.refused", { code: item.code, message: item.message ?? "" })}</p>`
          : nothing}
    </li>`;
  }

  override render(): TemplateResult | typeof nothing {
    const status = this.status;
    if (!status) return nothing;
    const quiet = status.waiting === 0 && status.conflicts === 0 && status.rejected === 0 && status.state === "idle";
    if (quiet) return nothing;
    const notice = status.state in STATUS_TEXT ? t(STATUS_TEXT[status.state as keyof typeof STATUS_TEXT]) : status.state === "error" ? t("sync.error", { message: status.message ?? "" }) : "";
    return html`<section aria-label=${t("sync.outbox")}>
      <div class="bar">
        <button type="button" class="badge" aria-expanded=${this.open ? "true" : "false"} aria-controls="outbox-items"
          @click=${() => (this.open = !this.open)}>
          <span class="count" aria-hidden="true">${status.waiting}</span>
          <span>${this.headline(status)}</span>
        </button>
        <span class="visually-hidden" role="status">${this.headline(status)}</span>
        ${status.conflicts > 0
          ? html`<button type="button" class="conflicts" @click=${() => this.dispatchEvent(new CustomEvent("open-conflicts", { bubbles: true, composed: true }))}>
              ${t("sync.conflicts", { count: status.conflicts })}
            </button>`
          : nothing}
      </div>
      ${notice ? html`<p class="notice" role="alert">${notice}</p>` : nothing}
      <div id="outbox-items" ?hidden=${!this.open}>
        ${this.open
          ? html`<ul>${this.items.map((item) => this.item(item))}</ul>
              <button type="button" class="primary" ?disabled=${status.state === "syncing"} @click=${() => void this.sendNow()}>${t("sync.sendNow")}</button>`
          : nothing}
      </div>
    </section>`;
  }

  static override styles = [
    shared,
    css`
      .bar {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      .count {
        min-width: 1.6rem;
        padding: 0 0.4rem;
        border-radius: 999px;
        background: var(--accent);
        color: var(--accent-text);
        font-weight: 600;
      }
      .conflicts {
        border-color: var(--danger, #b3261e);
        color: var(--danger, #b3261e);
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0.5rem 0;
      }
      .item {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 0.2rem 0.75rem;
        padding: 0.5rem 0;
        border-bottom: 1px solid var(--border);
      }
      .when {
        color: var(--muted, inherit);
        font-size: 0.9em;
      }
      .state {
        grid-column: 2;
        grid-row: 1;
        font-weight: 600;
      }
      .rejected .state,
      .conflict .state {
        color: var(--danger, #b3261e);
      }
      .reason {
        grid-column: 1 / -1;
        margin: 0;
      }
      .notice {
        margin: 0.5rem 0 0;
      }
    `,
  ];
}

if (!customElements.get("outbox-badge")) customElements.define("outbox-badge", OutboxBadge);
