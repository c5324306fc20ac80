/** Sign-in form; shows why the user is here when a session expired or the device was revoked. */
import { css, html, nothing, type TemplateResult } from "lit";
import { ApiError, Offline, signIn } from "../data/client";
import { t } from "../i18n";
import { LocalizedElement } from "../ui/localized";
import { shared } from "../ui/styles";

export class LoginScreen extends LocalizedElement {
  static override properties = {
    expired: { type: Boolean },
    revoked: { type: Boolean },
    error: { state: true },
    busy: { state: true },
  };

  declare expired: boolean;
  declare revoked: boolean;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.expired = false;
    this.revoked = false;
    this.error = "";
    this.busy = false;
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const tenant = String(form.get("tenant") ?? "").trim();
    this.busy = true;
    this.error = "";
    try {
      const session = await signIn(String(form.get("email") ?? "").trim(), String(form.get("password") ?? ""), tenant || undefined);
      this.dispatchEvent(new CustomEvent("signed-in", { detail: session.user, bubbles: true, composed: true }));
    } catch (error) {
      if (error instanceof Offline) this.error = t("login.offline");
      else if (error instanceof ApiError && error.code !== "invalid_credentials" && error.code !== "unauthenticated") {
        this.error = t("error.generic", { message: error.message });
      } else this.error = t("login.failed");
    } finally {
      this.busy = false;
    }
  }

  override render(): TemplateResult {
    return html`<div class="page narrow">
      <h1>${t("login.title")}</h1>
      ${this.revoked && !this.error
        ? html`<p class="card revoked" role="alert">${t("login.revoked")}</p>`
        : this.expired && !this.error
          ? html`<p class="card" role="status">${t("login.expired")}</p>`
          : nothing}
      <form @submit=${this.submit} novalidate>
        <label for="email">${t("login.email")}</label>
        <input id="email" name="email" type="email" autocomplete="username" required autocapitalize="off" />
        <label for="password">${t("login.password")}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <label for="tenant">${t("login.tenant")}</label>
        <input id="tenant" name="tenant" autocomplete="organization" autocapitalize="off" />
        <p class="error" role="alert">${this.error}</p>
        <button class="primary wide" type="submit" ?disabled=${this.busy}>${t("login.submit")}</button>
      </form>
    </div>`;
  }

  static override styles = [
    shared,
    css`
      .narrow {
        max-width: 26rem;
        padding-top: 2rem;
      }
      .wide {
        width: 100%;
        margin-top: 0.5rem;
      }
      .error:empty {
        display: none;
      }
    `,
  ];
}

customElements.define("login-screen", LoginScreen);
