/**
 * The top bar's bell: a link to the notification list with the unread count as a badge. It
 * reads the count when it connects, when the app comes back to the foreground, when a push
 * arrives (the service worker posts to open windows) and every few minutes while visible.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { t } from "../i18n";
import { NOTIFICATIONS_PATH } from "../router";
import { icon } from "../ui/icons";
import { LocalizedElement } from "../ui/localized";
import { badgeText, inbox } from "./inbox";
import { PUSH_ARRIVED_MESSAGE } from "./push-message";

const EVERY_MS = 2 * 60 * 1000;

export class NotificationBell extends LocalizedElement {
  static override properties = { current: { type: Boolean } };

  /** The list is the current route. */
  declare current: boolean;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor() {
    super();
    this.current = false;
  }

  private readonly onUnread = (): void => this.requestUpdate();
  private readonly refresh = (): void => {
    if (document.visibilityState === "hidden" || !navigator.onLine) return;
    void inbox.refresh().catch(() => undefined);
  };

  private readonly onMessage = (event: MessageEvent): void => {
    if ((event.data as { type?: string } | null)?.type === PUSH_ARRIVED_MESSAGE) this.refresh();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    inbox.addEventListener("unread", this.onUnread);
    document.addEventListener("visibilitychange", this.refresh);
    window.addEventListener("online", this.refresh);
    navigator.serviceWorker?.addEventListener("message", this.onMessage);
    this.timer = setInterval(this.refresh, EVERY_MS);
    this.refresh();
  }

  override disconnectedCallback(): void {
    inbox.removeEventListener("unread", this.onUnread);
    document.removeEventListener("visibilitychange", this.refresh);
    window.removeEventListener("online", this.refresh);
    navigator.serviceWorker?.removeEventListener("message", this.onMessage);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    super.disconnectedCallback();
  }

  override render(): TemplateResult {
    const badge = badgeText(inbox.unread);
    const label = badge ? t("notify.bellUnread", { count: badge }) : t("notify.title");
    return html`<a href=${NOTIFICATIONS_PATH} aria-label=${label} title=${label} aria-current=${this.current ? "page" : nothing}
      >${icon("bell")}${badge ? html`<span class="badge" aria-hidden="true">${badge}</span>` : nothing}</a
    >`;
  }

  static override styles = css`
    :host {
      display: inline-flex;
      flex: none;
    }
    a {
      position: relative;
      color: inherit;
      width: 44px;
      height: 44px;
      display: inline-flex;
      align-items: center;
      justify-content: center;
    }
    .badge {
      position: absolute;
      top: 4px;
      right: 0;
      min-width: 1.2rem;
      height: 1.2rem;
      padding: 0 0.25rem;
      border-radius: 0.6rem;
      background: var(--danger, #b00020);
      color: #fff;
      font-size: 0.7rem;
      font-weight: 700;
      line-height: 1.2rem;
      text-align: center;
      box-sizing: border-box;
    }
  `;
}

customElements.define("notification-bell", NotificationBell);
