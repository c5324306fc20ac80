/** How the outbox and conflict screen name things: plural counts, kinds, entities, values. */
import { formatValue, language, t, type MessageKey } from "../i18n";
import type { Json } from "./merge";
import type { Entity, Mutation } from "./protocol";

/** "3 changes waiting", with the language's plural form (Polish has four). */
export function waitingText(count: number): string {
  const form = new Intl.PluralRules(language()).select(count);
  const key = (["one", "few", "many"].includes(form) ? `sync.waiting.${form}` : "sync.waiting.other") as MessageKey;
  return t(key, { count });
}

const FIELDS = new Set(["title", "document_date", "status", "document_type_id", "index_values", "name", "erp_number", "key_data", "street", "postal_code", "city", "email", "phone"]);

/** "Index values: amount"; a field without a label of its own keeps its name. */
export function fieldLabel(field: string, key?: string | null): string {
  const label = FIELDS.has(field) ? t(`sync.field.${field}` as MessageKey) : field;
  return key ? `${label}: ${key}` : label;
}

export function entityLabel(entity: Entity): string {
  return t(`sync.entity.${entity}` as MessageKey);
}

/** "Edited document", "Viewed document". */
export function mutationLabel(mutation: Mutation): string {
  return `${t(`sync.kind.${mutation.kind}` as MessageKey)} · ${entityLabel(mutation.entity)}`;
}

/** A value for reading: absent and empty say so, objects are listed key by key. */
export function valueText(value: Json | undefined): string {
  if (value === undefined || value === null || value === "") return t("conflict.absent");
  if (typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${valueText(v)}`)
      .join(", ");
  }
  if (Array.isArray(value)) return value.map((v) => valueText(v)).join(", ");
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatValue(value, "date");
  return String(value);
}
