/**
 * The conflict screen: each conflict field by field, before / mine / on the server, and one tap to
 * keep mine, keep theirs, or give a new value. The choice becomes a `resolve` mutation in the
 * outbox (ADR 0021: made on the value the person saw); the conflict leaves the list at once.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { formatDateTime, t } from "../i18n";
import { shared } from "../ui/styles";
import { ClientView } from "./client-view";
import type { Json } from "./merge";
import { WHOLE_ENTITY, type Choice, type ConflictRecord } from "./protocol";
import { entityLabel, fieldLabel, valueText } from "./labels";

/** The typed value of what the person typed, following the type of the values in conflict. */
export function parseNewValue(text: string, conflict: ConflictRecord): Json | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return conflict.key ? undefined : null;
  const sample = [conflict.theirs, conflict.mine, conflict.base].find((v) => v !== undefined && v !== null);
  if (typeof sample === "number") {
    const n = Number(trimmed.replace(",", "."));
    return Number.isFinite(n) ? n : trimmed;
  }
  if (typeof sample === "boolean") return trimmed === "true" ? true : trimmed === "false" ? false : trimmed;
  return trimmed;
}

export class ConflictScreen extends ClientView {
  static override properties = {
    ...ClientView.properties,
    customerId: { attribute: "customer-id" },
    conflicts: { state: true },
    busy: { state: true },
  };

  declare customerId: string | null;
  declare conflicts: ConflictRecord[];
  declare busy: string | null;

  constructor() {
    super();
    this.customerId = null;
    this.conflicts = [];
    this.busy = null;
  }

  async refresh(): Promise<void> {
    if (!this.client) return;
    this.conflicts = await this.client.conflicts(this.customerId ?? undefined);
  }

  /** Record the choice as a resolve mutation; the conflict leaves the list. */
  async choose(conflict: ConflictRecord, choice: Choice, value?: Json): Promise<void> {
    if (!this.client || this.busy) return;
    this.busy = conflict.id;
    try {
      await this.client.resolve(conflict, choice, value);
      await this.refresh();
    } finally {
      this.busy = null;
    }
  }

  private submitNew(event: Event, conflict: ConflictRecord): void {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem("value") as HTMLInputElement;
    void this.choose(conflict, "new_value", parseNewValue(input.value, conflict));
  }

  private side(label: string, value: Json | undefined, whole: boolean): TemplateResult {
    const text = whole && value === undefined ? t("conflict.deleted") : valueText(value);
    return html`<div class="side"><dt>${label}</dt><dd>${text}</dd></div>`;
  }

  private conflict(c: ConflictRecord): TemplateResult {
    const whole = c.field === WHOLE_ENTITY;
    const name = whole ? t("conflict.whole", { entity: entityLabel(c.entity) }) : fieldLabel(c.field, c.key);
    const id = `c-${c.id}`;
    const busy = this.busy === c.id;
    return html`<fieldset aria-describedby="${id}-when">
      <legend>${name}</legend>
      <p class="when" id="${id}-when">${t("conflict.changedBy", { entity: entityLabel(c.entity), device: c.device, time: formatDateTime(c.at) })}</p>
      <dl>
        ${whole ? nothing : this.side(t("conflict.base"), c.base, whole)} ${this.side(t("conflict.mine"), c.mine, whole)}
        ${this.side(t("conflict.theirs"), c.theirs, whole)}
      </dl>
      <div class="choices">
        <button type="button" class="primary" ?disabled=${busy} @click=${() => void this.choose(c, "keep_mine")}>${t("conflict.keepMine")}</button>
        <button type="button" ?disabled=${busy} @click=${() => void this.choose(c, "keep_theirs")}>${t("conflict.keepTheirs")}</button>
      </div>
      ${whole
        ? nothing
        : html`<form class="new" @submit=${(e: Event) => this.submitNew(e, c)}>
            <label for="${id}-value">${t("conflict.newValue")}</label>
            <input id="${id}-value" name="value" autocomplete="off" .value=${typeof c.mine === "string" ? c.mine : ""} />
            <button type="submit" ?disabled=${busy}>${t("conflict.useNew")}</button>
          </form>`}
    </fieldset>`;
  }

  override render(): TemplateResult {
    return html`<h1>${t("conflict.title")}</h1>
      ${this.conflicts.length === 0
        ? html`<p role="status">${t("conflict.none")}</p>`
        : html`<p>${t("conflict.intro")}</p>
            ${this.conflicts.map((c) => this.conflict(c))}`}`;
  }

  static override styles = [
    shared,
    css`
      fieldset {
        border: 1px solid var(--border);
        border-radius: var(--radius);
        margin: 0 0 1rem;
        padding: 0.5rem 1rem 1rem;
      }
      legend {
        font-weight: 600;
        padding: 0 0.25rem;
      }
      .when {
        margin: 0 0 0.5rem;
        font-size: 0.9em;
      }
      dl {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(8rem, 1fr));
        gap: 0.5rem;
        margin: 0 0 0.75rem;
      }
      dt {
        font-size: 0.85em;
        font-weight: 600;
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      .choices,
      .new {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
      }
      .new {
        margin-top: 0.75rem;
      }
      .new label {
        flex-basis: 100%;
      }
      .new input {
        flex: 1 1 10rem;
        min-height: 44px;
      }
    `,
  ];
}

if (!customElements.get("conflict-screen")) customElements.define("conflict-screen", ConflictScreen);
