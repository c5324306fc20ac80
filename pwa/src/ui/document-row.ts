/** One document in a list: thumbnail (fixed size, so nothing shifts when it loads), title, date, type. */
import { html, nothing, type TemplateResult } from "lit";
import type { DocumentSummary } from "../data/store";
import { formatDate } from "../i18n";
import { documentPath } from "../router";

export function thumbnailUrl(document: DocumentSummary): string | null {
  return document.currentVersion?.preview.renditions.find((r) => r.kind === "thumbnail")?.url ?? null;
}

export function documentRow(document: DocumentSummary, typeName: string): TemplateResult {
  const thumb = thumbnailUrl(document);
  return html`<li>
    <a href=${documentPath(document.id)}>
      ${thumb
        ? html`<img class="thumb" src=${thumb} alt="" width="40" height="40" loading="lazy" decoding="async" />`
        : html`<span class="thumb" aria-hidden="true"></span>`}
      <span class="row-main">
        <span class="row-title">${document.title}</span>
        <span class="row-sub">${formatDate(document.documentDate)} · ${typeName}</span>
      </span>
      ${document.status && !["active", "filed"].includes(document.status) ? html`<span class="badge">${document.status}</span>` : nothing}
    </a>
  </li>`;
}

export function skeletonRows(count: number): TemplateResult {
  return html`<div aria-hidden="true">
    ${Array.from(
      { length: count },
      () => html`<div class="skeleton-row"><span class="skeleton thumb"></span><span class="skeleton line"></span></div>`,
    )}
  </div>`;
}
