/** Settings: language, theme, who is signed in, sign out. */
import { css, html, nothing, type TemplateResult } from "lit";
import { signOut, type SessionUser } from "../data/client";
import { language, LANGUAGE_NAMES, LANGUAGES, setLanguage, t, type Language } from "../i18n";
import { applyTheme, savedTheme, type Theme } from "../theme";
import { LocalizedElement } from "../ui/localized";
import { shared } from "../ui/styles";

declare const __APP_VERSION__: string;

export class SettingsScreen extends LocalizedElement {
  static override properties = {
    user: { attribute: false },
    theme: { state: true },
  };

  declare user: SessionUser | null;
  declare theme: Theme;

  constructor() {
    super();
    this.user = null;
    this.theme = savedTheme();
  }

  private setTheme(theme: Theme): void {
    this.theme = theme;
    applyTheme(theme);
  }

  private async signOut(): Promise<void> {
    try {
      await signOut();
    } catch {
      /* offline: the device forgets the session anyway */
    }
    this.dispatchEvent(new CustomEvent("signed-out", { bubbles: true, composed: true }));
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
      ${this.user ? html`<p>${t("settings.signedInAs", { name: this.user.displayName })} <span class="muted">(${this.user.email})</span></p>` : nothing}
      <button class="danger" @click=${this.signOut}>${t("settings.signOut")}</button>
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
    `,
  ];
}

customElements.define("settings-screen", SettingsScreen);
