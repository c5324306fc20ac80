/**
 * Typed inputs for the tenant's field definitions (text, number, money, date, choice), and reading
 * them back into the JSON the server expects. Validation is the server's: its issues are shown
 * under the field they name (e.g. "indexValues.amount").
 */
import { html, nothing, type TemplateResult } from "lit";
import { isMoney, t } from "../i18n";

export interface FieldDef {
  key: string;
  label: string;
  type: string;
  required: boolean;
  choices: readonly string[];
}

export interface Issue {
  field: string;
  code: string;
  message: string;
}

/** The issue for `path`, also when the server names a sub-path such as "keyData.limit.amount". */
export function issueFor(issues: readonly Issue[], path: string): Issue | undefined {
  return issues.find((i) => i.field === path || i.field.startsWith(path + "."));
}

function describedBy(id: string, issue: Issue | undefined): string | typeof nothing {
  return issue ? `${id}-issue` : nothing;
}

export function fieldInput(def: FieldDef, value: unknown, prefix: string, issues: readonly Issue[]): TemplateResult {
  const id = `${prefix}-${def.key}`;
  const issue = issueFor(issues, `${prefix}.${def.key}`);
  const invalid = issue ? "true" : "false";
  const label = html`<label for=${id}
    >${def.label}${def.required ? html` <span class="muted">(${t("form.required")})</span>` : nothing}</label
  >`;
  const message = issue ? html`<p class="issue" id="${id}-issue">${issue.message}</p>` : nothing;
  let input: TemplateResult;
  if (def.type === "choice") {
    input = html`<select id=${id} name=${id} aria-invalid=${invalid} aria-describedby=${describedBy(id, issue)}>
      <option value="" ?selected=${value == null || value === ""}>–</option>
      ${def.choices.map((c) => html`<option value=${c} ?selected=${value === c}>${c}</option>`)}
    </select>`;
  } else if (def.type === "money") {
    const money = isMoney(value) ? value : { amount: "", currency: "EUR" };
    input = html`<input
        id=${id}
        name=${id}
        inputmode="decimal"
        .value=${money.amount}
        aria-invalid=${invalid}
        aria-describedby=${describedBy(id, issue)}
      /><input type="hidden" name="${id}.currency" .value=${money.currency} />`;
  } else {
    const type = def.type === "date" ? "date" : "text";
    const inputmode = def.type === "number" ? "decimal" : nothing;
    input = html`<input
      id=${id}
      name=${id}
      type=${type}
      inputmode=${inputmode}
      .value=${value == null ? "" : String(value)}
      aria-invalid=${invalid}
      aria-describedby=${describedBy(id, issue)}
    />`;
  }
  return html`<div class="field">${label}${input}${message}</div>`;
}

/** The field's value as the server expects it; null clears it, undefined leaves it unchanged. */
export function readField(def: FieldDef, form: FormData, prefix: string): unknown {
  const id = `${prefix}-${def.key}`;
  const raw = form.get(id);
  if (raw === null) return undefined;
  const text = String(raw).trim();
  if (text === "") return null;
  switch (def.type) {
    case "money":
      return { amount: text.replace(",", "."), currency: String(form.get(`${id}.currency`) ?? "EUR") };
    case "number": {
      const n = Number(text.replace(",", "."));
      return Number.isNaN(n) ? text : n;
    }
    default:
      return text;
  }
}

/** Only the keys whose value differs from before, so untouched fields are not sent. */
export function changedValues(
  defs: readonly FieldDef[],
  form: FormData,
  prefix: string,
  before: Record<string, unknown>,
): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const def of defs) {
    const value = readField(def, form, prefix);
    if (value === undefined) continue;
    if (JSON.stringify(value) !== JSON.stringify(before[def.key] ?? null)) changes[def.key] = value;
  }
  return changes;
}
