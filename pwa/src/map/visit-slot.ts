/**
 * The cover sheet's place for visits: <visit-panel> loads on first use, so opening a dossier
 * carries no map code on the start path.
 */
import { html, type TemplateResult } from "lit";
import type { Customer } from "../data/store";

export function visitPanel(customer: Customer): TemplateResult {
  void import("./visit-panel");
  return html`<visit-panel .customer=${customer}></visit-panel>`;
}
