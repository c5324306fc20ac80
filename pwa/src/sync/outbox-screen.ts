/**
 * The outbox screen (route /outbox): every change made on this device that the server has not
 * settled, with its state and, for a refusal, the server's code and message; a refused change can
 * be sent again (as a new mutation) or dismissed. "Send now" tries at once.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { formatDateTime, t } from "../i18n";
import { shared } from "../ui/styles";
import type { SyncStatus } from "./client";
import { ClientView } from "./client-view";
import type { OutboxItem } from "./db";
import { mutationLabel } from "./labels";
import { CONFLICTS_PATH, headline } from "./outbox-badge";

const STATUS_TEXT = {
  offline: "sync.offline",
  "signed-out": "sync.signedOut",
  "update-required": "sync.updateRequired",
  "other-user": "sync.otherUser",
} as const;

export class OutboxScreen extends ClientView {
  static override properties = {
    ...ClientView.properties,
    status: { state: true },
    items: { state: true },
    busy: { state: true },
  };

  declare status: SyncStatus | null;
  declare items: OutboxItem[];
  declare busy: boolean;

  constructor() {
    super();
    this.status = null;
    this.items = [];
    this.busy = false;
  }

  async refresh(): Promise<void> {
    if (!this.client) return;
    this.status = await this.client.status();
    this.items = (await this.client.outbox.items()).filter((item) => item.state !== "done");
  }

  private async act(work: () => Promise<unknown>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await work();
    } finally {
      this.busy = false;
      await this.refresh();
    }
  }

  private notice(status: SyncStatus): string {
    if (status.state in STATUS_TEXT) return t(STATUS_TEXT[status.state as keyof typeof STATUS_TEXT]);
    if (status.state === "error") return t("sync.error", { message: status.message ?? "" });
    return "";
  }

  private item(item: OutboxItem): TemplateResult {
    const client = this.client;
    return html`<li class="item ${item.state}" data-id=${item.id}>
      <span class="what">${mutationLabel(item.mutation)}</span>
      <span class="state">${t(`sync.state.${item.state}`)}</span>
      <span class="when">${formatDateTime(new Date(item.createdAt).toISOString())}</span>
      ${item.code
        ? html`<p class="reason" role="note">${t("sync.refused", { code: item.code, message: item.message ?? "" })}</p>`
        : nothing}
      ${item.state === "rejected" && client
        ? html`<div class="actions">
            <button type="button" class="retry" ?disabled=${this.busy} @click=${() => void this.act(() => client.retry(item.id))}>
              ${t("sync.retry")}
            </button>
            <button type="button" class="dismiss" ?disabled=${this.busy} @click=${() => void this.act(() => client.dismiss(item.id))}>
              ${t("sync.dismiss")}
            </button>
          </div>`
        : nothing}
    </li>`;
  }

  override render(): TemplateResult {
    const { client, status } = this;
    if (!client) return html`<div class="page"><h1>${t("sync.outbox")}</h1><p>${t("sync.notOn")}</p></div>`;
    const notice = status ? this.notice(status) : "";
    return html`<div class="page">
      <h1>${t("sync.outbox")}</h1>
      ${status ? html`<p class="headline" role="status">${headline(status)}</p>` : nothing}
      ${notice ? html`<p class="notice" role="alert">${notice}</p>` : nothing}
      ${status && status.conflicts > 0 ? html`<p><a href=${CONFLICTS_PATH}>${t("sync.conflicts", { count: status.conflicts })}</a></p>` : nothing}
      ${this.items.length === 0 ? html`<p class="muted">${t("sync.nothingWaiting")}</p>` : html`<ul>${this.items.map((item) => this.item(item))}</ul>`}
      <button type="button" class="primary" ?disabled=${this.busy || status?.state === "syncing"} @click=${() => void this.act(() => client.sync())}>
        ${t("sync.sendNow")}
      </button>
    </div>`;
  }

  static override styles = [
    shared,
    css`
      ul {
        list-style: none;
        padding: 0;
        margin: 0.5rem 0 1rem;
      }
      .item {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 0.2rem 0.75rem;
        padding: 0.6rem 0;
        border-bottom: 1px solid var(--border);
      }
      .when {
        color: var(--muted, inherit);
        font-size: 0.9em;
      }
      .state {
        font-weight: 600;
      }
      .rejected .state,
      .conflict .state {
        color: var(--danger, #b3261e);
      }
      .reason,
      .actions {
        grid-column: 1 / -1;
        margin: 0;
      }
      .actions {
        display: flex;
        gap: 0.5rem;
      }
    `,
  ];
}

if (!customElements.get("outbox-screen")) customElements.define("outbox-screen", OutboxScreen);
