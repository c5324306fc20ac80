/**
 * One document: its preview (zoom and pan; every page of a PDF, later pages loaded as they
 * scroll near and rendered by the server on demand), index values, versions, metadata history, download,
 * and editing of title, date and index values with the server's validation messages.
 */
import { css, html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { Offline } from "../data/client";
import { pageViews } from "../data/pages";
import type { Catalog, DocumentDetail, StoredDocument } from "../data/store";
import { formatBytes, formatDate, formatDateTime, formatValue, t } from "../i18n";
import { dossierPath } from "../router";
import { repo } from "../services";
import { changedValues, fieldInput, issueFor, type FieldDef, type Issue } from "../ui/fields";
import { LocalizedElement } from "../ui/localized";
import { icon } from "../ui/icons";
import { shared } from "../ui/styles";
import "../ui/zoom-view";
import { CatalogWatch } from "../ui/catalog-watch";
import { editThrough, recordOfflineView } from "../sync/edit-route";

export class DocumentScreen extends LocalizedElement {
  static override properties = {
    documentId: { attribute: false },
    stored: { state: true },
    catalog: { state: true },
    failed: { state: true },
    editing: { state: true },
    issues: { state: true },
    message: { state: true },
    busy: { state: true },
  };

  declare documentId: string;
  declare stored: StoredDocument | undefined;
  declare catalog: Catalog | undefined;
  declare failed: boolean;
  declare editing: boolean;
  declare issues: Issue[];
  declare message: string;
  declare busy: boolean;

  constructor() {
    super();
    this.documentId = "";
    this.stored = undefined;
    this.catalog = undefined;
    new CatalogWatch(this, (c) => (this.catalog = c));
    this.failed = false;
    this.editing = false;
    this.issues = [];
    this.message = "";
    this.busy = false;
  }

  /** An edit queued on the device, a sync's rebase or a refresh: show the stored document again. */
  private readonly onChanged = (event: Event): void => {
    const { what, id } = (event as CustomEvent<{ what: string; id: string }>).detail;
    const stored = this.stored;
    if (!stored || this.editing) return;
    if ((what === "document" && id === stored.id) || (what === "dossier" && id === stored.customerId)) {
      void repo()
        .document(stored.id)
        .then((again) => {
          if (again && again.id === this.documentId) this.stored = again;
        });
    }
  };

  override connectedCallback(): void {
    super.connectedCallback();
    repo().events.addEventListener("changed", this.onChanged);
  }

  override disconnectedCallback(): void {
    repo().events.removeEventListener("changed", this.onChanged);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("documentId") && this.documentId) void this.load();
  }

  private async load(): Promise<void> {
    const id = this.documentId;
    this.failed = false;
    this.editing = false;
    this.message = "";
    this.stored = await repo().document(id);
    try {
      const fresh = await repo().refreshDocument(id);
      if (id === this.documentId) this.stored = fresh;
    } catch (error) {
      if (!(error instanceof Offline)) console.warn(error);
      if (id === this.documentId && !this.stored?.detail) this.failed = !this.stored;
      // Shown from the device without a connection: the view goes to the audit trail later.
      const shown = this.stored;
      if (error instanceof Offline && shown && shown.revision > 0 && id === this.documentId) {
        void recordOfflineView(id, shown.customerId).catch((e: unknown) => console.warn("offline view", e));
      }
    }
  }

  private fields(): FieldDef[] {
    const typeId = this.stored?.documentTypeId;
    return this.catalog?.documentTypes.find((d) => d.id === typeId)?.fields ?? [];
  }

  private renderPreview(detail: DocumentDetail | undefined): TemplateResult {
    const version = detail?.versions.at(-1);
    const preview = version?.preview;
    if (!detail || !version || !preview) return html`<div class="preview skeleton"></div>`;
    const screen = preview.renditions.find((r) => r.kind === "screen") ?? preview.renditions.find((r) => r.kind === "thumbnail");
    if (preview.state === "PENDING") return html`<p class="card muted">${t("doc.pendingPreview")}</p>`;
    if (!screen) {
      return html`<p class="card muted">${t("doc.noPreview")}</p>`;
    }
    const pages = preview.pageCount ?? 1;
    const views = pageViews(version);
    if (views.length > 1) {
      return html`<ol class="pages" aria-label=${t("doc.pages", { pages: views.length })}>
          ${views.map(
            (p) => html`<li class="page" data-page=${p.number}>
              <zoom-view
                src=${p.src}
                alt=${t("doc.pageOf", { title: detail.title, page: p.number, pages: views.length })}
                .width=${p.width}
                .height=${p.height}
                ?lazy=${p.number > 1}
              ></zoom-view>
              <p class="muted center">${t("doc.page", { page: p.number, pages: views.length })}</p>
            </li>`,
          )}
        </ol>
        <p class="muted center"><a href=${version.viewUrl} target="_blank" rel="noopener">${t("doc.open")}</a></p>`;
    }
    return html`<zoom-view src=${screen.url} alt=${detail.title} .width=${screen.width} .height=${screen.height}></zoom-view>
      ${version.mimeType === "application/pdf" || pages > 1
        ? html`<p class="muted center">
            ${t("doc.page", { page: 1, pages })} ·
            <a href=${version.viewUrl} target="_blank" rel="noopener">${t("doc.open")}</a>
          </p>`
        : nothing}`;
  }

  private renderEdit(detail: DocumentDetail): TemplateResult {
    const values = (detail.indexValues ?? {}) as Record<string, unknown>;
    const titleIssue = issueFor(this.issues, "title");
    const dateIssue = issueFor(this.issues, "documentDate");
    const general = this.issues.filter((i) => !i.field.startsWith("indexValues") && i.field !== "title" && i.field !== "documentDate");
    return html`<form class="card" @submit=${this.save} novalidate aria-labelledby="h-edit">
      <h2 id="h-edit">${t("doc.edit")}</h2>
      ${this.issues.length ? html`<p class="error" role="alert">${t("form.invalid")}</p>` : nothing}
      ${general.map((i) => html`<p class="issue">${i.message}</p>`)}
      <label for="doc-title">${t("doc.title")}</label>
      <input id="doc-title" name="title" .value=${detail.title} aria-invalid=${titleIssue ? "true" : "false"} />
      ${titleIssue ? html`<p class="issue">${titleIssue.message}</p>` : nothing}
      <label for="doc-date">${t("doc.date")}</label>
      <input id="doc-date" name="documentDate" type="date" .value=${detail.documentDate} aria-invalid=${dateIssue ? "true" : "false"} />
      ${dateIssue ? html`<p class="issue">${dateIssue.message}</p>` : nothing}
      ${this.fields().map((f) => fieldInput(f, values[f.key], "indexValues", this.issues))}
      <div class="actions">
        <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? t("form.saving") : t("form.save")}</button>
        <button type="button" @click=${() => ((this.editing = false), (this.issues = []))}>${t("form.cancel")}</button>
      </div>
    </form>`;
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const stored = this.stored;
    const detail = stored?.detail;
    if (!stored || !detail) return;
    const form = new FormData(event.target as HTMLFormElement);
    const title = String(form.get("title") ?? "").trim();
    const documentDate = String(form.get("documentDate") ?? "");
    const indexValues = changedValues(this.fields(), form, "indexValues", (detail.indexValues ?? {}) as Record<string, unknown>);
    const change = {
      ...(title !== detail.title ? { title } : {}),
      ...(documentDate && documentDate !== detail.documentDate ? { documentDate } : {}),
      ...(Object.keys(indexValues).length ? { indexValues } : {}),
    };
    this.busy = true;
    try {
      // Pinned or without a connection: into the outbox, on the values shown (docs/adr/0031).
      const saved = await editThrough(
        stored.customerId,
        async (edits) => {
          // The base is what the form showed: the detail's values.
          const shown = { ...stored, title: detail.title, documentDate: detail.documentDate, indexValues: detail.indexValues };
          return { ok: true as const, value: await edits.editDocument(shown, change), queued: true };
        },
        () => repo().updateDocument(detail.id, { expectedRevision: detail.revision, ...change }),
      );
      if (saved.ok) {
        this.stored = await repo().document(detail.id);
        this.editing = false;
        this.issues = [];
        this.message = "queued" in saved ? t("form.queued") : t("form.saved");
      } else {
        this.issues = saved.error.issues.length
          ? saved.error.issues
          : [{ field: "", code: saved.error.code, message: saved.error.message }];
      }
    } catch (error) {
      this.issues = [{ field: "", code: "error", message: t("form.error", { message: error instanceof Error ? error.message : String(error) }) }];
    } finally {
      this.busy = false;
    }
  }

  override render(): TemplateResult {
    if (this.failed) return html`<div class="page"><p class="card" role="alert">${t("dossier.notFound")}</p></div>`;
    const stored = this.stored;
    const detail = stored?.detail;
    const values = (stored?.indexValues ?? {}) as Record<string, unknown>;
    const fields = this.fields();
    const typeName = detail?.documentType.name ?? this.catalog?.documentTypes.find((d) => d.id === stored?.documentTypeId)?.name ?? "";
    return html`<div class="page">
      ${stored
        ? html`<a class="back" href=${dossierPath(stored.customerId, "all")}>${icon("back")} ${detail?.customer?.name ?? t("app.back")}</a>
            <h1>${stored.title}</h1>
            <p class="muted">${formatDate(stored.documentDate)} · ${typeName}</p>`
        : html`<span class="skeleton h1"></span>`}
      <div class="layout">
        <section aria-label=${t("doc.preview")} class="viewer">
          ${stored && stored.revision === 0 && !stored.currentVersion
            ? html`<p class="card muted on-device" role="status">${t("doc.onDevice")}</p>`
            : this.renderPreview(detail)}
        </section>
        <div class="side">
          ${this.message ? html`<p class="ok" role="status">${this.message}</p>` : nothing}
          ${detail && this.editing ? this.renderEdit(detail) : nothing}
          <section class="card" aria-labelledby="h-index">
            <div class="section-head">
              <h2 id="h-index">${t("doc.index")}</h2>
              ${detail && !this.editing
                ? html`<button @click=${() => ((this.editing = true), (this.message = ""))}>${t("doc.edit")}</button>`
                : nothing}
            </div>
            <dl class="fields">
              ${fields.length
                ? fields.map((f) => html`<dt>${f.label}</dt><dd>${formatValue(values[f.key], f.type)}</dd>`)
                : Object.entries(values).map(([k, v]) => html`<dt>${k}</dt><dd>${formatValue(v)}</dd>`)}
            </dl>
          </section>
          ${detail
            ? html`<section class="card" aria-labelledby="h-details">
                  <h2 id="h-details">${t("doc.details")}</h2>
                  <dl class="fields">
                    <dt>${t("doc.type")}</dt><dd>${detail.documentType.name}</dd>
                    <dt>${t("doc.status")}</dt><dd>${detail.status}</dd>
                    ${detail.retentionUntil ? html`<dt>${t("doc.retention")}</dt><dd>${formatDate(detail.retentionUntil)}</dd>` : nothing}
                  </dl>
                </section>
                <section class="card" aria-labelledby="h-versions">
                  <h2 id="h-versions">${t("doc.versions")}</h2>
                  <ul class="list">
                    ${[...detail.versions].reverse().map(
                      (v) => html`<li class="row">
                        <span class="row-main">
                          <span class="row-title">${t("doc.version", { number: v.number })} · ${v.filename}</span>
                          <span class="row-sub">${formatDateTime(v.createdAt)} · ${v.createdBy?.displayName ?? ""} · ${formatBytes(v.size)}</span>
                        </span>
                        <a class="button" href=${v.downloadUrl} download=${v.filename} aria-label="${t("doc.download")} ${v.filename}">${icon("download")}</a>
                      </li>`,
                    )}
                  </ul>
                </section>
                <section class="card" aria-labelledby="h-history">
                  <h2 id="h-history">${t("doc.history")}</h2>
                  ${detail.history.length
                    ? html`<ul class="list">
                        ${detail.history.map(
                          (h) => html`<li class="row">
                            <span class="row-main">
                              <span class="row-title"
                                >${t("doc.historyLine", {
                                  field: fields.find((f) => "indexValues." + f.key === h.field || f.key === h.field)?.label ?? h.field,
                                  old: formatValue(h.oldValue),
                                  new: formatValue(h.newValue),
                                })}</span
                              >
                              <span class="row-sub">${formatDateTime(h.changedAt)} · ${h.changedBy?.displayName ?? ""}</span>
                            </span>
                          </li>`,
                        )}
                      </ul>`
                    : html`<p class="muted">${t("doc.noHistory")}</p>`}
                </section>`
            : html`<div class="card"><span class="skeleton block"></span></div>`}
        </div>
      </div>
    </div>`;
  }

  static override styles = [
    shared,
    css`
      .back {
        display: inline-flex;
        align-items: center;
        min-height: 44px;
      }
      .skeleton.h1 {
        height: 1.6rem;
        width: 70%;
        margin: 0.5rem 0 1.5rem;
      }
      .preview.skeleton {
        aspect-ratio: 1 / 1.414;
        max-height: 75vh;
        width: 100%;
      }
      .skeleton.block {
        height: 12rem;
      }
      .center {
        text-align: center;
      }
      .pages {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.75rem;
      }
      .section-head {
        display: flex;
        justify-content: space-between;
        align-items: center;
      }
      .actions {
        display: flex;
        gap: 0.5rem;
        margin-top: 1rem;
      }
      @media (min-width: 900px) {
        .layout {
          display: grid;
          grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
          gap: 1.5rem;
          align-items: start;
        }
      }
    `,
  ];
}

customElements.define("document-screen", DocumentScreen);
