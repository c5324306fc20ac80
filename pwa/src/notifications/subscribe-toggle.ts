/**
 * One-tap follow: a bell button that subscribes the user to a dossier, a register (in one
 * dossier) or a saved view with the one-tap defaults (new documents, push and e-mail, at once),
 * and a second tap stops following. Loaded lazily by the screens that show it.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { t } from "../i18n";
import { icon } from "../ui/icons";
import { LocalizedElement } from "../ui/localized";
import { shared } from "../ui/styles";
import { findSubscription, subscriptions, type SubscriptionTarget, type Target } from "./subscriptions";

export class SubscribeToggle extends LocalizedElement {
  static override properties = {
    kind: { attribute: "kind" },
    targetId: { attribute: false },
    customerId: { attribute: false },
    label: { attribute: false },
    busy: { state: true },
    error: { state: true },
  };

  declare kind: SubscriptionTarget;
  declare targetId: string;
  declare customerId: string | null;
  /** The button's accessible name (what is followed). */
  declare label: string;
  declare busy: boolean;
  declare error: string;

  constructor() {
    super();
    this.kind = "CUSTOMER";
    this.targetId = "";
    this.customerId = null;
    this.label = "";
    this.busy = false;
    this.error = "";
  }

  private readonly onChange = (): void => this.requestUpdate();

  override connectedCallback(): void {
    super.connectedCallback();
    subscriptions.addEventListener("change", this.onChange);
    void subscriptions.load().catch(() => undefined); // offline: the button shows "Follow" until online
  }

  override disconnectedCallback(): void {
    subscriptions.removeEventListener("change", this.onChange);
    super.disconnectedCallback();
  }

  private target(): Target {
    return { kind: this.kind, id: this.targetId, customerId: this.customerId };
  }

  private async toggle(): Promise<void> {
    if (this.busy || !this.targetId) return;
    this.busy = true;
    this.error = "";
    try {
      await subscriptions.toggle(this.target());
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }

  override render(): TemplateResult {
    const list = subscriptions.current();
    const on = list !== null && findSubscription(list, this.target()) !== undefined;
    return html`<button
        class="follow"
        aria-pressed=${on ? "true" : "false"}
        aria-label=${this.label || t("notify.follow")}
        title=${this.label || t("notify.follow")}
        ?disabled=${this.busy || list === null}
        @click=${this.toggle}
      >
        ${icon(on ? "bellFilled" : "bell")}<span>${on ? t("notify.following") : t("notify.follow")}</span>
      </button>
      ${this.error ? html`<p class="error" role="alert">${t("notify.failed", { message: this.error })}</p>` : nothing}`;
  }

  static override styles = [
    shared,
    css`
      :host {
        display: inline-flex;
        flex-direction: column;
        align-items: flex-end;
      }
      .follow {
        display: inline-flex;
        align-items: center;
        gap: 0.35rem;
        min-height: 44px;
      }
      /* compact: on a phone a header has room for the bell alone; its name says what it does. */
      @media (max-width: 480px) {
        :host([compact]) .follow {
          padding: 0;
          width: 44px;
          justify-content: center;
          border: none;
          background: transparent;
        }
        :host([compact]) .follow span {
          display: none;
        }
      }
      .follow[aria-pressed="true"] {
        color: var(--accent);
        border-color: var(--accent);
      }
      .error {
        color: var(--danger);
        font-size: 0.85rem;
        margin: 0.25rem 0 0;
      }
    `,
  ];
}

customElements.define("subscribe-toggle", SubscribeToggle);
