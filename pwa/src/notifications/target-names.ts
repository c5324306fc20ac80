/**
 * What a subscription follows, as a person reads it: "Invoices in ACME", "Complaints in every
 * dossier", a document type's or a saved view's name. Names come from what the device knows
 * (catalog, saved views, stored customers); a target gone since reads "No longer available".
 */
import { t } from "../i18n";
import type { Subscription, SubscriptionTarget } from "./subscriptions";

export interface TargetNames {
  customers: ReadonlyMap<string, string>;
  registers: ReadonlyMap<string, string>;
  documentTypes: ReadonlyMap<string, string>;
  views: ReadonlyMap<string, string>;
}

export const EMPTY_NAMES: TargetNames = {
  customers: new Map(),
  registers: new Map(),
  documentTypes: new Map(),
  views: new Map(),
};

export function kindLabel(kind: SubscriptionTarget): string {
  switch (kind) {
    case "CUSTOMER":
      return t("subs.kindCustomer");
    case "REGISTER":
      return t("subs.kindRegister");
    case "DOCUMENT_TYPE":
      return t("subs.kindDocumentType");
    case "VIEW":
      return t("subs.kindView");
  }
}

export function targetName(s: Pick<Subscription, "targetKind" | "targetId" | "customerId">, names: TargetNames): string {
  const unknown = t("subs.unknownTarget");
  switch (s.targetKind) {
    case "CUSTOMER":
      return names.customers.get(s.targetId) ?? unknown;
    case "DOCUMENT_TYPE":
      return names.documentTypes.get(s.targetId) ?? unknown;
    case "VIEW":
      return names.views.get(s.targetId) ?? unknown;
    case "REGISTER": {
      const register = names.registers.get(s.targetId);
      if (register === undefined) return unknown;
      if (!s.customerId) return t("subs.registerEverywhere", { register });
      return t("subs.registerIn", { register, customer: names.customers.get(s.customerId) ?? unknown });
    }
  }
}

/** The customers whose names are needed: followed dossiers and dossiers a register is narrowed to. */
export function customerIds(list: readonly Subscription[]): string[] {
  const ids = list.flatMap((s) => (s.targetKind === "CUSTOMER" ? [s.targetId] : s.customerId ? [s.customerId] : []));
  return [...new Set(ids)];
}
