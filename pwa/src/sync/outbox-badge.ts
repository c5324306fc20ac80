/**
 * The shell's sync strip (docs/adr/0027): "3 changes waiting" (or sending, or refused changes)
 * leading to the outbox screen, and the number of open conflicts leading to the conflict screen.
 * Shows nothing while nothing waits and all is well.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { t } from "../i18n";
import { shared } from "../ui/styles";
import type { SyncStatus } from "./client";
import { ClientView } from "./client-view";
import { waitingText } from "./labels";

export const OUTBOX_PATH = "/outbox";
export const CONFLICTS_PATH = "/conflicts";

/** What the strip says first: sending, waiting, or refused changes. */
export function headline(status: SyncStatus): string {
  if (status.state === "syncing") return t("sync.syncing");
  if (status.waiting > 0) return waitingText(status.waiting);
  if (status.rejected > 0) return t("sync.rejectedCount", { count: status.rejected });
  return t("sync.allSent");
}

export function quiet(status: SyncStatus): boolean {
  return status.waiting === 0 && status.conflicts === 0 && status.rejected === 0 && status.state !== "syncing";
}

export class OutboxBadge extends ClientView {
  static override properties = { ...ClientView.properties, status: { state: true } };

  declare status: SyncStatus | null;

  constructor() {
    super();
    this.status = null;
  }

  async refresh(): Promise<void> {
    if (this.client) this.status = await this.client.status();
  }

  override render(): TemplateResult | typeof nothing {
    const status = this.status;
    if (!status || quiet(status)) return nothing;
    const showOutbox = status.waiting > 0 || status.rejected > 0 || status.state === "syncing";
    return html`<div class="strip" role="status" aria-label=${t("sync.outbox")}>
      ${showOutbox
        ? html`<a class="outbox ${status.rejected > 0 ? "refused" : ""}" href=${OUTBOX_PATH}>${headline(status)}</a>`
        : nothing}
      ${status.conflicts > 0
        ? html`<a class="conflicts" href=${CONFLICTS_PATH}>${t("sync.conflicts", { count: status.conflicts })}</a>`
        : nothing}
    </div>`;
  }

  static override styles = [
    shared,
    css`
      .strip {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
        padding: 0.25rem 1rem;
        background: var(--accent-soft);
        font-size: 0.9rem;
      }
      a {
        min-height: 36px;
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        color: var(--text);
        font-weight: 600;
      }
      .outbox::before {
        content: "";
        width: 0.6rem;
        height: 0.6rem;
        border-radius: 50%;
        background: var(--accent);
      }
      .refused::before {
        background: var(--danger, #b3261e);
      }
      .conflicts {
        color: var(--danger, #b3261e);
      }
    `,
  ];
}

if (!customElements.get("outbox-badge")) customElements.define("outbox-badge", OutboxBadge);
