/**
 * Capture: photograph pages (or pick a file, or take what another app shared), choose customer,
 * type, registers and index values, and upload with progress. Several photos become one PDF.
 */
import { css, html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { liveCameraSupported } from "../capture/camera-view";
import "../capture/camera-view";
import { jpegsToPdf, toJpegPage } from "../capture/pdf";
import { takeSharedFiles } from "../capture/shared-files";
import { Offline } from "../data/client";
import type { Catalog, Customer } from "../data/store";
import { t, type MessageKey } from "../i18n";
import { documentPath, navigate } from "../router";
import { repo } from "../services";
import { customerRow } from "../ui/customer-row";
import { fieldInput, issueFor, readField, type Issue } from "../ui/fields";
import { LocalizedElement } from "../ui/localized";
import { icon } from "../ui/icons";
import { avatar, shared } from "../ui/styles";
import { CatalogWatch } from "../ui/catalog-watch";
import { editThrough } from "../sync/edit-route";

interface Page {
  file: File;
  url: string;
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export class CaptureScreen extends LocalizedElement {
  static override properties = {
    customerId: { attribute: false },
    shared: { attribute: false },
    customer: { state: true },
    candidates: { state: true },
    catalog: { state: true },
    pages: { state: true },
    typeId: { state: true },
    registerIds: { state: true },
    progress: { state: true },
    issues: { state: true },
    live: { state: true },
    cameraProblem: { state: true },
  };

  declare customerId: string | null;
  declare shared: boolean;
  declare customer: Customer | undefined;
  declare candidates: Customer[];
  declare catalog: Catalog | undefined;
  declare pages: Page[];
  declare typeId: string;
  declare registerIds: string[];
  declare progress: number | null;
  declare issues: Issue[];
  /** Whether the live viewfinder is open. */
  declare live: boolean;
  declare cameraProblem: MessageKey | null;

  constructor() {
    super();
    this.customerId = null;
    this.shared = false;
    this.customer = undefined;
    this.candidates = [];
    this.catalog = undefined;
    new CatalogWatch(this, (c) => {
      this.catalog = c;
      if (c && !this.typeId && c.documentTypes[0]) this.chooseType(c.documentTypes[0].id);
    });
    this.pages = [];
    this.typeId = "";
    this.registerIds = [];
    this.progress = null;
    this.issues = [];
    this.live = false;
    this.cameraProblem = null;
  }

  override disconnectedCallback(): void {
    for (const p of this.pages) URL.revokeObjectURL(p.url);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("customerId")) {
      const id = this.customerId;
      this.customer = undefined;
      if (id) void repo().store.customer(id).then((c) => (this.customer = c));
    }
    if (changed.has("shared") && this.shared) {
      void takeSharedFiles().then((files) => this.addFiles(files));
    }
  }

  private chooseType(id: string): void {
    this.typeId = id;
    const type = this.catalog?.documentTypes.find((d) => d.id === id);
    const keys = new Set(type?.defaultRegisterKeys ?? []);
    this.registerIds = (this.catalog?.registers ?? []).filter((r) => keys.has(r.key)).map((r) => r.id);
  }

  private addFiles(files: Iterable<File>): void {
    const added = [...files].map((file) => ({ file, url: URL.createObjectURL(file) }));
    if (added.length) this.pages = [...this.pages, ...added];
    this.issues = this.issues.filter((i) => i.field !== "file");
  }

  private onFiles(event: Event): void {
    const input = event.target as HTMLInputElement;
    this.addFiles(input.files ?? []);
    input.value = "";
  }

  private removePage(index: number): void {
    const page = this.pages[index];
    if (page) URL.revokeObjectURL(page.url);
    this.pages = this.pages.filter((_, i) => i !== index);
  }

  private async findCustomer(event: Event): Promise<void> {
    const query = (event.target as HTMLInputElement).value;
    this.candidates = query.trim() ? await repo().searchLocal(query, 8) : [];
    if (!query.trim()) return;
    try {
      this.candidates = await repo().searchRemote(query, 8);
    } catch {
      /* offline: local candidates stay */
    }
  }

  /** One file as is, or several photos as one PDF. */
  private async content(): Promise<{ blob: Blob; name: string } | null> {
    const [first] = this.pages;
    if (!first) return null;
    if (this.pages.length === 1) return { blob: first.file, name: first.file.name || "capture.jpg" };
    if (this.pages.some((p) => !p.file.type.startsWith("image/"))) return null;
    const jpegs = [];
    for (const p of this.pages) jpegs.push(await toJpegPage(p.file));
    const stamp = new Date().toISOString().slice(0, 16).replace(/[-:T]/g, "");
    const pdf = jpegsToPdf(jpegs);
    return { blob: new Blob([pdf.buffer as ArrayBuffer], { type: "application/pdf" }), name: `scan-${stamp}.pdf` };
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const customer = this.customer;
    if (!customer) return;
    if (this.pages.length === 0) {
      this.issues = [{ field: "file", code: "required", message: t("capture.noFiles") }];
      return;
    }
    const form = new FormData(event.target as HTMLFormElement);
    const type = this.catalog?.documentTypes.find((d) => d.id === this.typeId);
    const indexValues: Record<string, unknown> = {};
    for (const def of type?.fields ?? []) {
      const value = readField(def, form, "indexValues");
      if (value !== undefined && value !== null) indexValues[def.key] = value;
    }
    const content = await this.content();
    if (!content) {
      this.issues = [{ field: "file", code: "mixed", message: t("capture.mixed") }];
      return;
    }
    this.issues = [];
    this.progress = 0;
    const input = {
      customerId: customer.id,
      documentTypeId: this.typeId,
      title: String(form.get("title") ?? "").trim(),
      documentDate: String(form.get("documentDate") ?? "") || null,
      indexValues,
      registerIds: this.registerIds,
    };
    const defaults = new Set(type?.defaultRegisterKeys ?? []);
    const defaultRegisterIds = (this.catalog?.registers ?? []).filter((r) => defaults.has(r.key)).map((r) => r.id);
    try {
      // Pinned or without a connection: the file stays on the device and the new document waits
      // in the outbox (its id chosen here); it is uploaded when the connection is back (docs/adr/0031).
      const saved = await editThrough(
        customer.id,
        async (edits) => {
          const id = await edits.capture({ ...input, defaultRegisterIds, file: content.blob, fileName: content.name });
          return { ok: true as const, value: { id } };
        },
        () => repo().uploadDocument(input, content.blob, content.name, (fraction) => (this.progress = fraction)),
      );
      if (saved.ok) {
        navigate(documentPath(saved.value.id), true);
      } else {
        this.issues = saved.error.issues.length
          ? saved.error.issues
          : [{ field: "file", code: saved.error.code, message: saved.error.message }];
      }
    } catch (error) {
      const message = error instanceof Offline ? t("error.offline") : error instanceof Error ? error.message : String(error);
      this.issues = [{ field: "file", code: "error", message: t("form.error", { message }) }];
    } finally {
      this.progress = null;
    }
  }

  private renderCustomerPicker(): TemplateResult {
    return html`<label for="find-customer">${t("capture.chooseCustomer")}</label>
      <input id="find-customer" type="search" autocomplete="off" placeholder=${t("search.placeholder")} @input=${this.findCustomer} />
      <ul class="list" @click=${this.pick}>
        ${this.candidates.map(customerRow)}
      </ul>`;
  }

  /** A click on a customer in the picker chooses it instead of opening the dossier. */
  private pick(event: Event): void {
    const anchor = event.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!anchor) return;
    event.preventDefault();
    const id = decodeURIComponent(anchor.pathname.split("/")[2] ?? "");
    navigate(`/capture?customer=${encodeURIComponent(id)}`, true);
  }

  override render(): TemplateResult {
    const type = this.catalog?.documentTypes.find((d) => d.id === this.typeId);
    const fileIssue = issueFor(this.issues, "file");
    const titleIssue = issueFor(this.issues, "title");
    const general = this.issues.filter(
      (i) => !["file", "title"].includes(i.field) && !i.field.startsWith("indexValues"),
    );
    return html`<div class="page">
      <h1>${t("capture.title")}</h1>
      ${this.shared ? html`<p class="card" role="status">${t("capture.shared")}</p>` : nothing}
      <form @submit=${this.submit} novalidate>
        <fieldset>
          <legend>${t("capture.customer")}</legend>
          ${this.customer
            ? html`<p class="chosen"><strong>${this.customer.name}</strong> <span class="muted">${this.customer.erpNumber}</span>
                <a href="/capture" class="button">${t("capture.chooseCustomer")}</a></p>`
            : this.renderCustomerPicker()}
        </fieldset>
        <fieldset>
          <legend>${t("capture.pages", { count: this.pages.length })}</legend>
          <ul class="pages">
            ${this.pages.map(
              (p, i) => html`<li>
                ${p.file.type.startsWith("image/")
                  ? html`<img src=${p.url} alt="" width="96" height="128" />`
                  : html`<span class="file" aria-hidden="true">PDF</span>`}
                <span class="name">${p.file.name}</span>
                <button type="button" class="icon" aria-label=${t("capture.removePage", { page: i + 1 })} @click=${() => this.removePage(i)}>${icon("close")}</button>
              </li>`,
            )}
          </ul>
          ${this.live
            ? html`<camera-view
                @captured=${(e: CustomEvent<File>) => this.addFiles([e.detail])}
                @close=${() => (this.live = false)}
                @unavailable=${(e: CustomEvent<MessageKey>) => ((this.live = false), (this.cameraProblem = e.detail))}
              ></camera-view>`
            : nothing}
          ${this.cameraProblem ? html`<p class="issue" role="alert">${t(this.cameraProblem)}</p>` : nothing}
          <div class="pick">
            ${liveCameraSupported() && !this.live && !this.cameraProblem
              ? html`<button type="button" class="primary" @click=${() => (this.live = true)}>${icon("camera")} ${t("camera.open")}</button>`
              : nothing}
            <label class="button ${liveCameraSupported() && !this.cameraProblem ? "" : "primary"}" for="camera">${icon("camera")} ${this.pages.length ? t("capture.addPage") : t("capture.camera")}</label>
            <input id="camera" class="visually-hidden" type="file" accept="image/*,application/pdf" capture="environment" multiple @change=${this.onFiles} />
            <label class="button" for="file">${t("capture.file")}</label>
            <input id="file" class="visually-hidden" type="file" accept="image/*,application/pdf" multiple @change=${this.onFiles} />
          </div>
          ${fileIssue ? html`<p class="issue" role="alert">${fileIssue.message}</p>` : nothing}
        </fieldset>
        <label for="type">${t("capture.type")}</label>
        <select id="type" @change=${(e: Event) => this.chooseType((e.target as HTMLSelectElement).value)}>
          ${(this.catalog?.documentTypes ?? []).map((d) => html`<option value=${d.id} ?selected=${d.id === this.typeId}>${d.name}</option>`)}
        </select>
        <label for="title">${t("capture.docTitle")}</label>
        <input id="title" name="title" required aria-invalid=${titleIssue ? "true" : "false"} />
        ${titleIssue ? html`<p class="issue">${titleIssue.message}</p>` : nothing}
        <label for="documentDate">${t("doc.date")}</label>
        <input id="documentDate" name="documentDate" type="date" .value=${today()} />
        <fieldset>
          <legend>${t("capture.registers")}</legend>
          ${(this.catalog?.registers ?? []).map(
            (r) => html`<label class="check"
              ><input
                type="checkbox"
                .checked=${this.registerIds.includes(r.id)}
                @change=${(e: Event) => {
                  const on = (e.target as HTMLInputElement).checked;
                  this.registerIds = on ? [...this.registerIds, r.id] : this.registerIds.filter((id) => id !== r.id);
                }}
              />${r.name}</label
            >`,
          )}
        </fieldset>
        ${type?.fields.map((f) => fieldInput(f, undefined, "indexValues", this.issues))}
        ${general.map((i) => html`<p class="issue" role="alert">${i.message}</p>`)}
        ${this.progress !== null
          ? html`<label for="progress">${t("capture.uploading", { percent: Math.round(this.progress * 100) })}</label>
              <progress id="progress" max="1" .value=${this.progress}></progress>`
          : nothing}
        <button class="primary submit" type="submit" ?disabled=${!this.customer || this.progress !== null}>${t("capture.upload")}</button>
      </form>
    </div>`;
  }

  static override styles = [
    shared,
    avatar,
    css`
      .chosen {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
      }
      .pages {
        list-style: none;
        padding: 0;
        margin: 0;
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
      }
      .pages li {
        width: 96px;
        display: flex;
        flex-direction: column;
        align-items: center;
      }
      .pages img,
      .file {
        width: 96px;
        height: 128px;
        object-fit: cover;
        border-radius: 6px;
        background: var(--surface-2);
        display: flex;
        align-items: center;
        justify-content: center;
        font-weight: 700;
      }
      .name {
        font-size: 0.75rem;
        max-width: 96px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .pick {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin-top: 0.75rem;
      }
      .pick label {
        margin: 0;
        font-weight: 600;
      }
      progress {
        width: 100%;
        height: 12px;
      }
      .submit {
        width: 100%;
        margin-top: 1.25rem;
      }
    `,
  ];
}

customElements.define("capture-screen", CaptureScreen);
