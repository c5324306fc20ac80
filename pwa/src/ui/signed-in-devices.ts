/**
 * Settings' list of the browsers the user is signed in on, with "Sign out remotely" for the
 * others: a lost or handed-over phone deletes its dossiers, files and outbox at its next request
 * (docs/adr/0027). This browser is marked and signs out with the Settings button instead.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { revokeDevice, signedInDevices, type SignedInDevice } from "../data/devices";
import { formatDateTime, t } from "../i18n";
import { LocalizedElement } from "./localized";
import { shared } from "./styles";

export class SignedInDevices extends LocalizedElement {
  static override properties = {
    devices: { state: true },
    confirming: { state: true },
    error: { state: true },
  };

  declare devices: SignedInDevice[] | null;
  /** The device whose remote sign-out waits for a second tap. */
  declare confirming: string | null;
  declare error: string | null;

  constructor() {
    super();
    this.devices = null;
    this.confirming = null;
    this.error = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.devices = await signedInDevices();
      this.error = null;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  private async revoke(id: string): Promise<void> {
    this.confirming = null;
    try {
      await revokeDevice(id);
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
    await this.load();
  }

  private renderDevice(d: SignedInDevice): TemplateResult {
    const state = d.current
      ? t("devices.thisOne")
      : d.revokedAt !== null
        ? t("devices.revokedAt", { when: formatDateTime(d.revokedAt) })
        : t("devices.lastSeen", { when: formatDateTime(d.lastSeenAt) });
    const action =
      d.current || d.revokedAt !== null
        ? nothing
        : this.confirming === d.id
          ? html`<button class="danger confirm" @click=${() => void this.revoke(d.id)}>${t("devices.confirm")}</button>
              <button class="link" @click=${() => (this.confirming = null)}>${t("form.cancel")}</button>`
          : html`<button class="revoke" aria-label=${t("devices.revokeNamed", { name: d.name })} @click=${() => (this.confirming = d.id)}>
              ${t("devices.revoke")}
            </button>`;
    return html`<li data-device=${d.id}>
      <span class="row-main"><span>${d.name}</span><span class="muted">${state}</span></span>
      <span class="actions">${action}</span>
    </li>`;
  }

  override render(): TemplateResult {
    return html`<fieldset>
      <legend>${t("devices.title")}</legend>
      <p class="muted">${t("devices.explain")}</p>
      ${this.error ? html`<p role="alert">${t("error.generic", { message: this.error })}</p>` : nothing}
      ${this.devices === null ? nothing : html`<ul>${this.devices.map((d) => this.renderDevice(d))}</ul>`}
    </fieldset>`;
  }

  static override styles = [
    shared,
    css`
      ul {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      li {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 0.5rem;
        padding: 0.25rem 0;
      }
      .row-main {
        display: flex;
        flex-direction: column;
      }
      .actions {
        display: flex;
        gap: 0.5rem;
      }
      .danger {
        border-color: var(--danger);
        color: var(--danger);
      }
    `,
  ];
}

customElements.define("signed-in-devices", SignedInDevices);
