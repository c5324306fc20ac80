/**
 * Settings: language, theme, notifications on this device, who is signed in, sign out. Signing
 * out deletes what the device keeps (data/wipe.ts); when changes still wait to be sent, it says
 * how many first and lets the user cancel.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { signOut, type SessionUser } from "../data/client";
import { unsentChanges } from "../data/wipe";
import { waitingText } from "../sync/labels";
import { language, LANGUAGE_NAMES, LANGUAGES, setLanguage, t, type Language } from "../i18n";
import { applyTheme, savedTheme, type Theme } from "../theme";
import { enablePush, pushDevices, pushSupport, removePushDevice, type PushDevice } from "../notifications/push-devices";
import { LocalizedElement } from "../ui/localized";
import { shared } from "../ui/styles";

declare const __APP_VERSION__: string;

export class SettingsScreen extends LocalizedElement {
  static override properties = {
    user: { attribute: false },
    theme: { state: true },
    devices: { state: true },
    pushError: { state: true },
    unsent: { state: true },
    signingOut: { state: true },
  };

  declare user: SessionUser | null;
  declare theme: Theme;
  declare devices: PushDevice[] | null;
  declare pushError: string | null;
  /** Changes not sent yet, while the user decides whether to sign out anyway. */
  declare unsent: number | null;
  declare signingOut: boolean;

  constructor() {
    super();
    this.user = null;
    this.theme = savedTheme();
    this.devices = null;
    this.pushError = null;
    this.unsent = null;
    this.signingOut = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadDevices();
  }

  private async loadDevices(): Promise<void> {
    try {
      this.devices = await pushDevices();
    } catch {
      this.devices = null; // offline or signed out: the list is simply not shown
    }
  }

  /** Runs in the click's user gesture, as the permission prompt requires. */
  private async enablePush(): Promise<void> {
    this.pushError = null;
    try {
      await enablePush(t("settings.pushThisDevice"));
    } catch (error) {
      this.pushError = error instanceof Error ? error.message : String(error);
    }
    await this.loadDevices();
  }

  private async removeDevice(id: string): Promise<void> {
    try {
      await removePushDevice(id);
    } catch (error) {
      this.pushError = error instanceof Error ? error.message : String(error);
    }
    await this.loadDevices();
  }

  private renderNotifications(): TemplateResult {
    const support = pushSupport();
    return html`<fieldset>
      <legend>${t("settings.notifications")}</legend>
      ${support === "unsupported"
        ? html`<p class="muted">${t("settings.pushUnsupported")}</p>`
        : support === "denied"
          ? html`<p class="muted">${t("settings.pushDenied")}</p>`
          : html`<button @click=${this.enablePush}>${t("settings.pushEnable")}</button>`}
      ${this.pushError ? html`<p role="alert">${t("error.generic", { message: this.pushError })}</p>` : nothing}
      ${this.devices === null
        ? nothing
        : html`<h2 class="small-heading">${t("settings.pushDevices")}</h2>
            ${this.devices.length === 0
              ? html`<p class="muted">${t("settings.pushNone")}</p>`
              : html`<ul class="devices">
                  ${this.devices.map(
                    (d) => html`<li>
                      <span>${d.name}</span>
                      <button class="link" aria-label=${t("settings.pushRemove", { name: d.name })} @click=${() => this.removeDevice(d.id)}>
                        ×
                      </button>
                    </li>`,
                  )}
                </ul>`}`}
    </fieldset>`;
  }

  private setTheme(theme: Theme): void {
    this.theme = theme;
    applyTheme(theme);
  }

  /** `anyway`: the user saw how many changes wait and still signs out. */
  private async signOut(anyway = false): Promise<void> {
    if (this.signingOut) return;
    this.signingOut = true;
    try {
      if (!anyway) {
        const unsent = await unsentChanges().catch(() => 0);
        if (unsent > 0) {
          this.unsent = unsent;
          return;
        }
      }
      this.unsent = null;
      try {
        await signOut();
      } catch {
        /* offline: the device forgets the session anyway */
      }
      this.dispatchEvent(new CustomEvent("signed-out", { bubbles: true, composed: true }));
    } finally {
      this.signingOut = false;
    }
  }

  private renderSignOut(): TemplateResult {
    if (this.unsent === null) {
      return html`<button class="danger sign-out" ?disabled=${this.signingOut} @click=${() => void this.signOut()}>${t("settings.signOut")}</button>
        <p class="muted small-note">${t("settings.signOutWipes")}</p>`;
    }
    return html`<div class="card warn" role="alertdialog" aria-labelledby="unsent-title" aria-describedby="unsent-text">
      <p id="unsent-title"><strong>${waitingText(this.unsent)}</strong></p>
      <p id="unsent-text">${t("settings.signOutWaiting")}</p>
      <div class="choices">
        <button class="danger sign-out-anyway" ?disabled=${this.signingOut} @click=${() => void this.signOut(true)}>${t("settings.signOutAnyway")}</button>
        <button class="cancel" @click=${() => (this.unsent = null)}>${t("form.cancel")}</button>
      </div>
    </div>`;
  }

  override render(): TemplateResult {
    const themes: [Theme, string][] = [
      ["system", t("settings.themeSystem")],
      ["light", t("settings.themeLight")],
      ["dark", t("settings.themeDark")],
    ];
    return html`<div class="page">
      <h1>${t("settings.title")}</h1>
      <fieldset>
        <legend>${t("settings.language")}</legend>
        ${LANGUAGES.map(
          (lang) => html`<label class="check"
            ><input
              type="radio"
              name="language"
              value=${lang}
              lang=${lang}
              .checked=${language() === lang}
              @change=${() => setLanguage(lang as Language)}
            />${LANGUAGE_NAMES[lang]}</label
          >`,
        )}
      </fieldset>
      <fieldset>
        <legend>${t("settings.theme")}</legend>
        ${themes.map(
          ([value, label]) => html`<label class="check"
            ><input type="radio" name="theme" value=${value} .checked=${this.theme === value} @change=${() => this.setTheme(value)} />${label}</label
          >`,
        )}
      </fieldset>
      ${this.renderNotifications()}
      ${this.user ? html`<p>${t("settings.signedInAs", { name: this.user.displayName })} <span class="muted">(${this.user.email})</span></p>` : nothing}
      ${this.renderSignOut()}
      <p class="muted small">${t("settings.version", { version: __APP_VERSION__ })}</p>
    </div>`;
  }

  static override styles = [
    shared,
    css`
      .danger {
        border-color: var(--danger);
        color: var(--danger);
        margin-top: 1rem;
      }
      .small {
        font-size: 0.85rem;
        margin-top: 2rem;
      }
      .small-note {
        font-size: 0.85rem;
        margin: 0.25rem 0 0;
      }
      .warn {
        margin-top: 1rem;
        border-color: var(--danger);
      }
      .choices {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      .choices .danger {
        margin-top: 0;
      }
      .small-heading {
        font-size: 1rem;
        margin: 1rem 0 0.25rem;
      }
      .devices {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      .devices li {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 0.5rem;
      }
    `,
  ];
}

customElements.define("settings-screen", SettingsScreen);
