/**
 * Settings: language, theme, notifications on this device, offline dossiers (storage budget,
 * usage, pinned dossiers), the browsers the user is signed in on, who is signed in, sign out.
 * Signing out deletes what the device keeps (data/wipe.ts); when changes still wait to be sent,
 * it says how many first and lets the user cancel.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { signOut, type SessionUser } from "../data/client";
import { unsentChanges } from "../data/wipe";
import { waitingText } from "../sync/labels";
import { formatBytes, language, LANGUAGE_NAMES, LANGUAGES, setLanguage, t, type Language } from "../i18n";
import type { Pinning, PinnedUsage } from "../sync/pinning";
import { applyTheme, savedTheme, type Theme } from "../theme";
import { enablePush, pushDevices, pushSupport, removePushDevice, type PushDevice } from "../notifications/push-devices";
import { dossierPath } from "../router";
import { LocalizedElement } from "../ui/localized";
import "../ui/signed-in-devices";
import { shared } from "../ui/styles";

declare const __APP_VERSION__: string;

interface OfflineUsage {
  used: number | null;
  quota: number | null;
  persisted: boolean;
  dossiers: PinnedUsage[];
}

export class SettingsScreen extends LocalizedElement {
  static override properties = {
    user: { attribute: false },
    theme: { state: true },
    devices: { state: true },
    pushError: { state: true },
    unsent: { state: true },
    signingOut: { state: true },
    offline: { state: true },
  };

  declare user: SessionUser | null;
  declare theme: Theme;
  declare devices: PushDevice[] | null;
  declare pushError: string | null;
  /** Changes not sent yet, while the user decides whether to sign out anyway. */
  declare unsent: number | null;
  declare signingOut: boolean;
  /** Offline dossiers; null until the sync code has loaded (or when sync is switched off). */
  declare offline: OfflineUsage | null;
  private pinning: Pinning | null = null;
  private budgets: { choices: readonly number[]; set: (mb: number) => void } | null = null;

  constructor() {
    super();
    this.user = null;
    this.theme = savedTheme();
    this.devices = null;
    this.pushError = null;
    this.unsent = null;
    this.signingOut = false;
    this.offline = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadDevices();
    // Storage figures after the screen shows: estimating and reading the pinned copies take a moment.
    const later = window.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 200));
    later(() => void this.loadOffline(), { timeout: 2000 });
  }

  override disconnectedCallback(): void {
    this.pinning?.events.removeEventListener("changed", this.onPinChanged);
    this.pinning = null;
    super.disconnectedCallback();
  }

  private readonly onPinChanged = (): void => void this.loadOffline();

  /** The sync code loads lazily, on first use of this screen. */
  private async loadOffline(): Promise<void> {
    if (!this.pinning) {
      const [sync, files] = await Promise.all([import("../sync/index"), import("../sync/files")]);
      this.pinning = await sync.pinning().catch(() => null);
      if (!this.pinning) return;
      this.pinning.events.addEventListener("changed", this.onPinChanged);
      this.budgets = { choices: files.BUDGET_CHOICES_MB, set: files.setStorageBudget };
      this.budgetMb = files.storageBudget() / (1024 * 1024);
    }
    const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
    const persisted = (await navigator.storage?.persisted?.().catch(() => false)) ?? false;
    this.offline = {
      used: estimate?.usage ?? null,
      quota: estimate?.quota ?? null,
      persisted,
      dossiers: await this.pinning.usage(),
    };
  }

  private budgetMb = 0;

  private setBudget(event: Event): void {
    const mb = Number((event.target as HTMLSelectElement).value);
    this.budgets?.set(mb);
    this.budgetMb = mb;
    void this.pinning?.refresh();
  }

  private async unpin(customerId: string): Promise<void> {
    await this.pinning?.unpin(customerId);
    await this.loadOffline();
  }

  private renderOffline(): TemplateResult | typeof nothing {
    const offline = this.offline;
    if (!offline) return nothing;
    const size = (mb: number): string => formatBytes(mb * 1024 * 1024);
    return html`<fieldset class="offline">
      <legend>${t("settings.offline")}</legend>
      <label for="budget">${t("settings.budget")}</label>
      <select id="budget" @change=${this.setBudget}>
        ${(this.budgets?.choices ?? []).map((mb) => html`<option value=${mb} ?selected=${mb === this.budgetMb}>${size(mb)}</option>`)}
      </select>
      ${offline.used !== null && offline.quota !== null
        ? html`<p class="muted usage">${t("settings.storageUsed", { used: formatBytes(offline.used), quota: formatBytes(offline.quota) })}</p>`
        : nothing}
      <p class="muted">${offline.persisted ? t("settings.persisted") : t("settings.notPersisted")}</p>
      ${offline.dossiers.length === 0
        ? html`<p class="muted">${t("settings.pinnedNone")}</p>`
        : html`<ul class="pinned">
            ${offline.dossiers.map(
              (d) => html`<li data-customer=${d.customerId}>
                <span class="row-main"
                  ><a href=${dossierPath(d.customerId)}>${d.name}</a>
                  <span class="muted">${t("settings.pinnedLine", { documents: d.documents, files: d.files, size: formatBytes(d.bytes) })}</span></span
                >
                <button @click=${() => this.unpin(d.customerId)} aria-label=${t("settings.unpin", { name: d.name })}>${t("pinned.unpin")}</button>
              </li>`,
            )}
          </ul>`}
    </fieldset>`;
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
      ${this.preferences()}
    </fieldset>`;
  }

  /** Subscriptions link and preferences (time zone, quiet hours, mail language), loaded lazily. */
  private preferences(): TemplateResult {
    void import("../notifications/notification-preferences");
    return html`<notification-preferences></notification-preferences>`;
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
      ${this.renderNotifications()} ${this.renderOffline()}
      <signed-in-devices></signed-in-devices>
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
      .pinned {
        list-style: none;
        padding: 0;
        margin: 0.5rem 0 0;
      }
      .pinned li {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 0.5rem;
        padding: 0.25rem 0;
      }
      .pinned .row-main {
        display: flex;
        flex-direction: column;
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
