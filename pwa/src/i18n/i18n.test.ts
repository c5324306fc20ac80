import { afterEach, expect, it } from "vitest";
import { de } from "./de";
import { en } from "./en";
import { formatDate, formatMoney, formatValue, pickLanguage, setLanguage, t } from "./index";
import { pl } from "./pl";

afterEach(() => setLanguage("en"));

it("has every message in every language, none left empty", () => {
  for (const catalog of [pl, de]) {
    expect(Object.keys(catalog).sort()).toEqual(Object.keys(en).sort());
    expect(Object.values(catalog).filter((v) => !v.trim())).toEqual([]);
  }
});

it("picks the saved language, else the browser's first supported one, else English", () => {
  expect(pickLanguage(["de-AT", "en"], null)).toBe("de");
  expect(pickLanguage(["fr-FR", "pl"], null)).toBe("pl");
  expect(pickLanguage(["fr-FR"], null)).toBe("en");
  expect(pickLanguage(["de"], "pl")).toBe("pl");
  expect(pickLanguage(["de"], "xx")).toBe("de");
});

it("fills placeholders and switches language", () => {
  expect(t("search.none", { query: "Acme" })).toBe("No customer matches “Acme”.");
  setLanguage("de");
  expect(t("nav.settings")).toBe("Einstellungen");
  setLanguage("pl");
  expect(t("doc.page", { page: 1, pages: 3 })).toBe("Strona 1 z 3");
});

/** Intl puts no-break spaces between amount and currency; compare them as spaces. */
const spaced = (text: string): string => text.replace(/\s/g, " ");

it("formats money and dates in the locale's way", () => {
  const money = { amount: "1234.50", currency: "EUR" };
  expect(formatMoney(money)).toBe("€1,234.50");
  setLanguage("de");
  expect(spaced(formatMoney(money))).toBe("1.234,50 €");
  expect(formatDate("2026-10-02")).toBe("02.10.2026");
  setLanguage("pl");
  expect(spaced(formatDate("2026-10-02"))).toBe("2 paź 2026");
  expect(formatValue(null)).toBe("–");
  expect(spaced(formatValue("2026-10-02", "date"))).toBe("2 paź 2026");
});
