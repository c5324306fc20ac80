/** One customer in a list: name, number and city, linking to the dossier. */
import { html, type TemplateResult } from "lit";
import type { Customer } from "../data/store";
import { dossierPath } from "../router";

export function customerRow(customer: Customer): TemplateResult {
  const city = customer.addresses.find((a) => a.kind === "billing")?.city ?? customer.addresses[0]?.city ?? "";
  return html`<li>
    <a href=${dossierPath(customer.id)}>
      <span class="avatar" aria-hidden="true">${customer.name.slice(0, 1)}</span>
      <span class="row-main">
        <span class="row-title">${customer.name}</span>
        <span class="row-sub">${[customer.erpNumber, city].filter(Boolean).join(" · ")}</span>
      </span>
    </a>
  </li>`;
}
