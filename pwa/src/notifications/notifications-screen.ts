/**
 * The in-app notification list (/notifications): one row per event, newest first, the unread
 * ones marked; a row opens its document. Opening the list marks it read up to its newest row.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { formatDateTime, t, type MessageKey } from "../i18n";
import { documentPath, SUBSCRIPTIONS_PATH } from "../router";
import { LocalizedElement } from "../ui/localized";
import { shared } from "../ui/styles";
import { inbox, type InboxItem } from "./inbox";
import type { NotificationEvent } from "./subscriptions";

const EVENT_LABELS: Record<NotificationEvent, MessageKey> = {
  DOCUMENT_CREATED: "push.documentCreated",
  VERSION_ADDED: "push.versionAdded",
  STATUS_CHANGED: "push.statusChanged",
};

export class NotificationsScreen extends LocalizedElement {
  static override properties = {
    items: { state: true },
    error: { state: true },
  };

  declare items: InboxItem[] | null;
  declare error: string;

  constructor() {
    super();
    this.items = null;
    this.error = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const page = await inbox.page(50);
      this.items = page.items;
      await inbox.markRead(page.items);
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      this.items ??= [];
    }
  }

  private row(item: InboxItem): TemplateResult {
    const what = t(EVENT_LABELS[item.event]);
    const title = item.document?.title ?? t("notify.unavailable");
    const body = html`<span class="what">${what}${item.read ? nothing : html` <span class="unread">${t("notify.unread")}</span>`}</span>
      <span class="title">${title}</span>
      <span class="muted when">${formatDateTime(item.createdAt)}</span>`;
    return html`<li class=${item.read ? "read" : "new"} data-document=${item.documentId}>
      ${item.document ? html`<a href=${documentPath(item.documentId)}>${body}</a>` : html`<div class="gone">${body}</div>`}
    </li>`;
  }

  override render(): TemplateResult {
    return html`<div class="page">
      <div class="head">
        <h1>${t("notify.title")}</h1>
        <a href=${SUBSCRIPTIONS_PATH}>${t("notify.manage")}</a>
      </div>
      ${this.error ? html`<p class="error" role="alert">${t("notify.loadFailed", { message: this.error })}</p>` : nothing}
      ${this.items === null
        ? html`<p class="muted" aria-busy="true">…</p>`
        : this.items.length === 0
          ? html`<p class="muted empty">${t("notify.empty")}</p>`
          : html`<ul class="notifications">${this.items.map((i) => this.row(i))}</ul>`}
    </div>`;
  }

  static override styles = [
    shared,
    css`
      .head {
        display: flex;
        align-items: baseline;
        justify-content: space-between;
        gap: 1rem;
        flex-wrap: wrap;
      }
      .notifications {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      .notifications li {
        border-bottom: 1px solid var(--border);
      }
      .notifications a,
      .gone {
        display: flex;
        flex-direction: column;
        gap: 0.15rem;
        padding: 0.75rem 0.25rem;
        min-height: 44px;
        color: inherit;
        text-decoration: none;
      }
      .new .title {
        font-weight: 700;
      }
      .what {
        font-size: 0.85rem;
        color: var(--muted);
      }
      .unread {
        color: var(--accent);
        font-weight: 700;
      }
      .when {
        font-size: 0.8rem;
      }
      .error {
        color: var(--danger);
      }
    `,
  ];
}

customElements.define("notifications-screen", NotificationsScreen);
