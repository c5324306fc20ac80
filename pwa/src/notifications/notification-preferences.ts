/**
 * Notification preferences in Settings: the time zone digests and quiet hours follow (the
 * browser's own until the user chooses), quiet hours during which pushes wait, and the language
 * of mails (the organisation's unless chosen). Loaded lazily by the settings screen.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { LANGUAGE_NAMES, LANGUAGES, t } from "../i18n";
import { SUBSCRIPTIONS_PATH } from "../router";
import { LocalizedElement } from "../ui/localized";
import { shared } from "../ui/styles";
import {
  browserTimeZone,
  fetchPreferences,
  quietHoursIssue,
  savePreferences,
  timeZones,
  withBrowserDefaults,
  type Preferences,
} from "./subscriptions";

export class NotificationPreferences extends LocalizedElement {
  static override properties = {
    prefs: { state: true },
    message: { state: true },
    error: { state: true },
    saving: { state: true },
  };

  declare prefs: Preferences | null;
  declare message: string;
  declare error: string;
  declare saving: boolean;

  constructor() {
    super();
    this.prefs = null;
    this.message = "";
    this.error = "";
    this.saving = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const { preferences, saved } = await fetchPreferences();
      // Never saved: the server's UTC default is a worse guess than the browser's zone.
      this.prefs = withBrowserDefaults(preferences, saved);
    } catch {
      this.prefs = null; // offline: the section is not shown
    }
  }

  private field(): Preferences {
    const root = this.renderRoot;
    const value = (id: string): string => root.querySelector<HTMLInputElement | HTMLSelectElement>(`#${id}`)?.value ?? "";
    return {
      timeZone: value("p-zone") || browserTimeZone(),
      quietStart: value("p-quiet-start") || null,
      quietEnd: value("p-quiet-end") || null,
      locale: value("p-locale") || null,
    };
  }

  private async save(event: Event): Promise<void> {
    event.preventDefault();
    const next = this.field();
    const issue = quietHoursIssue(next.quietStart ?? "", next.quietEnd ?? "");
    this.message = "";
    if (issue) {
      this.error = t(issue === "required" ? "prefs.quietBoth" : "prefs.quietInvalid");
      return;
    }
    this.error = "";
    this.saving = true;
    try {
      this.prefs = await savePreferences(next);
      this.message = t("subs.saved");
    } catch (error) {
      this.error = t("notify.failed", { message: error instanceof Error ? error.message : String(error) });
    } finally {
      this.saving = false;
    }
  }

  override render(): TemplateResult | typeof nothing {
    const p = this.prefs;
    if (!p) return html`<p><a href=${SUBSCRIPTIONS_PATH}>${t("notify.manage")}</a></p>`;
    return html`<p><a href=${SUBSCRIPTIONS_PATH}>${t("notify.manage")}</a></p>
      <form @submit=${this.save}>
        <h2 class="small-heading">${t("prefs.title")}</h2>
        <label for="p-zone">${t("prefs.timeZone")}</label>
        <select id="p-zone">
          ${timeZones(p.timeZone, browserTimeZone()).map((z) => html`<option value=${z} ?selected=${z === p.timeZone}>${z}</option>`)}
        </select>
        <fieldset>
          <legend>${t("prefs.quiet")}</legend>
          <label for="p-quiet-start">${t("prefs.quietFrom")}</label>
          <input id="p-quiet-start" type="time" .value=${p.quietStart ?? ""} />
          <label for="p-quiet-end">${t("prefs.quietTo")}</label>
          <input id="p-quiet-end" type="time" .value=${p.quietEnd ?? ""} />
        </fieldset>
        <label for="p-locale">${t("prefs.locale")}</label>
        <select id="p-locale">
          <option value="" ?selected=${p.locale === null}>${t("prefs.localeTenant")}</option>
          ${LANGUAGES.map((l) => html`<option value=${l} lang=${l} ?selected=${p.locale === l}>${LANGUAGE_NAMES[l]}</option>`)}
        </select>
        <button type="submit" ?disabled=${this.saving}>${t("prefs.save")}</button>
        <p role="status" class="status">${this.message}</p>
        ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      </form>`;
  }

  static override styles = [
    shared,
    css`
      form {
        display: grid;
        gap: 0.35rem;
        max-width: 28rem;
      }
      fieldset {
        border: none;
        padding: 0;
        margin: 0.25rem 0;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
      }
      legend {
        padding: 0;
      }
      .small-heading {
        font-size: 1rem;
        margin: 1rem 0 0.25rem;
      }
      .status {
        min-height: 1.2em;
        margin: 0;
      }
      .error {
        color: var(--danger);
        margin: 0;
      }
    `,
  ];
}

customElements.define("notification-preferences", NotificationPreferences);
