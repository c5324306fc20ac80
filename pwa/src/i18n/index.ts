/**
 * Languages: English, Polish, German. The choice is the user's setting, else the browser's first
 * supported language, else English. Dates and money are formatted by Intl in that locale.
 */
import { de } from "./de";
import { en, type MessageKey, type Messages } from "./en";
import { pl } from "./pl";

export type Language = "en" | "pl" | "de";
export const LANGUAGES: readonly Language[] = ["en", "pl", "de"];
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", pl: "Polski", de: "Deutsch" };

const catalogs: Record<Language, Messages> = { en, pl, de };
const STORAGE_KEY = "dossier.language";

/** Fires "change" when the language changes; components re-render on it. */
export const languageEvents = new EventTarget();

export function pickLanguage(preferred: readonly string[], saved: string | null): Language {
  if (saved && (LANGUAGES as readonly string[]).includes(saved)) return saved as Language;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0] ?? "";
    if ((LANGUAGES as readonly string[]).includes(base)) return base as Language;
  }
  return "en";
}

function initialLanguage(): Language {
  try {
    return pickLanguage(globalThis.navigator?.languages ?? [], globalThis.localStorage?.getItem(STORAGE_KEY) ?? null);
  } catch {
    return "en";
  }
}

let current: Language = initialLanguage();

export function language(): Language {
  return current;
}

export function setLanguage(next: Language): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    /* private mode: the choice lasts for this visit */
  }
  if (typeof document !== "undefined") document.documentElement.lang = next;
  languageEvents.dispatchEvent(new Event("change"));
}

/** The message in the current language with {placeholders} filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = catalogs[current][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    return value === undefined ? `{${name}}` : typeof value === "number" ? formatNumber(value) : value;
  });
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(current).format(value);
}

/** "2026-10-02" (a date without time zone) or an ISO date-time. */
export function formatDate(value: string | null | undefined, style: "medium" | "long" = "medium"): string {
  if (!value) return "";
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(dateOnly ? value + "T00:00:00Z" : value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(current, {
    dateStyle: style,
    ...(dateOnly ? { timeZone: "UTC" } : {}),
  }).format(date);
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(current, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

export function formatMonth(value: string): string {
  const date = new Date(value.slice(0, 7) + "-01T00:00:00Z");
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(current, { month: "long", year: "numeric", timeZone: "UTC" }).format(date);
}

export interface Money {
  amount: string;
  currency: string;
}

export function isMoney(value: unknown): value is Money {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Money).amount === "string" &&
    typeof (value as Money).currency === "string"
  );
}

export function formatMoney(value: Money): string {
  const amount = Number(value.amount);
  if (Number.isNaN(amount)) return `${value.amount} ${value.currency}`;
  try {
    return new Intl.NumberFormat(current, { style: "currency", currency: value.currency }).format(amount);
  } catch {
    return `${formatNumber(amount)} ${value.currency}`;
  }
}

export function formatBytes(size: number): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(current, {
    style: "unit",
    unit: units[unit],
    unitDisplay: "short",
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}

/** Any index or key-data value as text: money, dates, choices, numbers. */
export function formatValue(value: unknown, type?: string): string {
  if (value === null || value === undefined || value === "") return "–";
  if (isMoney(value)) return formatMoney(value);
  if (type === "date" && typeof value === "string") return formatDate(value);
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean") return value ? "✓" : "✗";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export type { MessageKey };
