/** Filter, sort and group a dossier's documents on the device (pure; screens call it per render). */
import type { DocumentSummary } from "./store";
import { fold } from "./store";

export type SortOrder = "date-desc" | "date-asc" | "title";
export type Grouping = "none" | "type" | "month";

export interface Arrangement {
  registerId: string | null;
  documentTypeId: string | null;
  text: string;
  sort: SortOrder;
  group: Grouping;
}

export interface DocumentGroup<T> {
  /** Type id, "YYYY-MM", or "" when not grouped. */
  key: string;
  documents: T[];
}

export const DEFAULT_ARRANGEMENT: Arrangement = {
  registerId: null,
  documentTypeId: null,
  text: "",
  sort: "date-desc",
  group: "none",
};

function searchable(document: DocumentSummary): string {
  const values = Object.values((document.indexValues ?? {}) as Record<string, unknown>).map((v) =>
    typeof v === "object" && v !== null ? Object.values(v).join(" ") : String(v),
  );
  return fold([document.title, ...values].join(" "));
}

function compare(order: SortOrder): (a: DocumentSummary, b: DocumentSummary) => number {
  switch (order) {
    case "title":
      return (a, b) => a.title.localeCompare(b.title) || b.documentDate.localeCompare(a.documentDate);
    case "date-asc":
      return (a, b) => a.documentDate.localeCompare(b.documentDate) || a.createdAt.localeCompare(b.createdAt);
    case "date-desc":
      return (a, b) => b.documentDate.localeCompare(a.documentDate) || b.createdAt.localeCompare(a.createdAt);
  }
}

export function arrange<T extends DocumentSummary>(documents: T[], how: Arrangement): DocumentGroup<T>[] {
  const words = fold(how.text.trim()).split(/\s+/).filter(Boolean);
  const kept = documents.filter(
    (d) =>
      (how.registerId === null || d.registers.some((r) => r.id === how.registerId)) &&
      (how.documentTypeId === null || d.documentTypeId === how.documentTypeId) &&
      (words.length === 0 || words.every((w) => searchable(d).includes(w))),
  );
  kept.sort(compare(how.sort));
  if (how.group === "none") return kept.length ? [{ key: "", documents: kept }] : [];
  const groups = new Map<string, T[]>();
  for (const d of kept) {
    const key = how.group === "type" ? d.documentTypeId : d.documentDate.slice(0, 7);
    const list = groups.get(key);
    if (list) list.push(d);
    else groups.set(key, [d]);
  }
  return [...groups].map(([key, docs]) => ({ key, documents: docs }));
}
