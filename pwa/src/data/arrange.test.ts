import { expect, it } from "vitest";
import { arrange, DEFAULT_ARRANGEMENT } from "./arrange";
import { doc } from "./fixtures";

const docs = [
  doc("1", "c", { title: "Offer 7", documentDate: "2026-01-10", documentTypeId: "offer", registers: [{ id: "r-offers" }] }),
  doc("2", "c", { title: "Invoice", documentDate: "2026-02-01", documentTypeId: "invoice", indexValues: { amount: { amount: "99.00", currency: "EUR" }, number: "RE-55" } }),
  doc("3", "c", { title: "Änderung", documentDate: "2026-01-20", documentTypeId: "offer", registers: [{ id: "r-offers" }] }),
];

it("sorts newest first by default", () => {
  expect(arrange(docs, DEFAULT_ARRANGEMENT)[0]?.documents.map((d) => d.id)).toEqual(["2", "3", "1"]);
});

it("filters by register, type and words in title or index values", () => {
  const ids = (how: Partial<typeof DEFAULT_ARRANGEMENT>) =>
    arrange(docs, { ...DEFAULT_ARRANGEMENT, ...how }).flatMap((g) => g.documents.map((d) => d.id));
  expect(ids({ registerId: "r-offers" })).toEqual(["3", "1"]);
  expect(ids({ documentTypeId: "invoice" })).toEqual(["2"]);
  expect(ids({ text: "re-55" })).toEqual(["2"]);
  expect(ids({ text: "anderung" })).toEqual(["3"]);
  expect(ids({ text: "nothing" })).toEqual([]);
});

it("groups by month and by type, keeping the sort inside groups", () => {
  const byMonth = arrange(docs, { ...DEFAULT_ARRANGEMENT, group: "month", sort: "date-asc" });
  expect(byMonth.map((g) => [g.key, g.documents.map((d) => d.id)])).toEqual([
    ["2026-01", ["1", "3"]],
    ["2026-02", ["2"]],
  ]);
  const byType = arrange(docs, { ...DEFAULT_ARRANGEMENT, group: "type", sort: "title" });
  expect(byType.map((g) => g.key)).toEqual(["offer", "invoice"]);
  expect(byType[0]?.documents.map((d) => d.title)).toEqual(["Änderung", "Offer 7"]);
});
