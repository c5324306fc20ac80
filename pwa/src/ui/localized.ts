/** A Lit element that renders again when the language changes. */
import { LitElement } from "lit";
import { languageEvents } from "../i18n";

export class LocalizedElement extends LitElement {
  private readonly onLanguage = (): void => this.requestUpdate();

  override connectedCallback(): void {
    super.connectedCallback();
    languageEvents.addEventListener("change", this.onLanguage);
  }

  override disconnectedCallback(): void {
    languageEvents.removeEventListener("change", this.onLanguage);
    super.disconnectedCallback();
  }
}
