import { expect, it } from "vitest";
import { changedValues, issueFor, readField, type FieldDef } from "./fields";

const defs: FieldDef[] = [
  { key: "number", label: "No.", type: "text", required: true, choices: [] },
  { key: "amount", label: "Amount", type: "money", required: false, choices: [] },
  { key: "qty", label: "Qty", type: "number", required: false, choices: [] },
];

function form(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.append(k, v);
  return data;
}

it("reads typed values: money keeps its currency, numbers become numbers, empty clears", () => {
  const data = form({ "x-amount": "12,5", "x-amount.currency": "PLN", "x-qty": "3", "x-number": " " });
  expect(readField(defs[1]!, data, "x")).toEqual({ amount: "12.5", currency: "PLN" });
  expect(readField(defs[2]!, data, "x")).toBe(3);
  expect(readField(defs[0]!, data, "x")).toBeNull();
  expect(readField(defs[0]!, new FormData(), "x")).toBeUndefined();
});

it("sends only what changed", () => {
  const data = form({ "x-number": "AN-1", "x-amount": "10.00", "x-amount.currency": "EUR", "x-qty": "" });
  expect(changedValues(defs, data, "x", { number: "AN-1", amount: { amount: "9.00", currency: "EUR" } })).toEqual({
    amount: { amount: "10.00", currency: "EUR" },
  });
});

it("finds the server's issue for a field, also on a sub-path", () => {
  const issues = [{ field: "indexValues.amount.amount", code: "invalid", message: "not a number" }];
  expect(issueFor(issues, "indexValues.amount")?.message).toBe("not a number");
  expect(issueFor(issues, "indexValues.number")).toBeUndefined();
});
