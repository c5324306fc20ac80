/**
 * One search hit in a list: title, customer, type, date and the snippet, its found words in
 * <mark>. The snippet is plain text parts from the server, bound as text (never as HTML).
 */
import { css, html, nothing, type TemplateResult } from "lit";
import type { Hit, SnippetPart } from "../data/document-search";
import { formatDate } from "../i18n";
import { documentPath } from "../router";
import { thumbnailUrl } from "./document-row";

export function snippet(parts: SnippetPart[]): TemplateResult | typeof nothing {
  if (parts.length === 0) return nothing;
  return html`<span class="snippet">${parts.map((p) => (p.highlighted ? html`<mark>${p.text}</mark>` : p.text))}</span>`;
}

export function hitRow(hit: Hit, customerName: string, typeName: string): TemplateResult {
  const d = hit.document;
  const thumb = thumbnailUrl(d);
  return html`<li>
    <a href=${documentPath(d.id)}>
      ${thumb
        ? html`<img class="thumb" src=${thumb} alt="" width="40" height="40" loading="lazy" decoding="async" />`
        : html`<span class="thumb" aria-hidden="true"></span>`}
      <span class="row-main">
        <span class="row-title">${d.title}</span>
        <span class="row-sub">${[customerName, typeName, formatDate(d.documentDate)].filter(Boolean).join(" · ")}</span>
        ${snippet(hit.snippet)}
      </span>
      ${d.status && !["active", "filed"].includes(d.status) ? html`<span class="badge">${d.status}</span>` : nothing}
    </a>
  </li>`;
}

export const hitStyles = css`
  .hits > li > a {
    align-items: flex-start;
    padding-top: 0.6rem;
    padding-bottom: 0.6rem;
  }
  .snippet {
    display: -webkit-box;
    -webkit-line-clamp: 3;
    -webkit-box-orient: vertical;
    overflow: hidden;
    font-size: 0.9rem;
    margin-top: 0.2rem;
    overflow-wrap: anywhere;
  }
  mark {
    background: var(--accent-soft);
    color: var(--text);
    font-weight: 700;
    border-radius: 2px;
    padding: 0 1px;
  }
  .badge {
    font-size: 0.75rem;
    border: 1px solid var(--border);
    border-radius: 999px;
    padding: 0 0.5rem;
  }
`;
