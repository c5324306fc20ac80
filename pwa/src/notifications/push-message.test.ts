import { expect, it } from "vitest";
import { de } from "../i18n/de";
import { en } from "../i18n/en";
import { pl } from "../i18n/pl";
import { clickTarget, notificationFor, parsePushPayload } from "./push-message";

const payload = {
  type: "document_created",
  documentId: "d-1",
  customerId: "c-1",
  title: "Invoice 4711",
};

it("reads the server's payload, as JSON text or object", () => {
  expect(parsePushPayload(JSON.stringify(payload))).toEqual(payload);
  expect(parsePushPayload({ ...payload, type: "version_added", versionId: "v-2" })).toEqual({
    ...payload,
    type: "version_added",
    versionId: "v-2",
  });
});

it("ignores what is not one of ours", () => {
  for (const bad of [
    "not json",
    "null",
    42,
    null,
    { ...payload, type: "planet" },
    { ...payload, documentId: "" },
    { ...payload, customerId: 7 },
    { type: "document_created" },
  ]) {
    expect(parsePushPayload(bad)).toBeNull();
  }
});

it("shows the event in the user's language and opens the document", () => {
  const parsed = parsePushPayload(payload);
  expect(parsed).not.toBeNull();
  for (const [catalog, heading] of [
    [en, "New document"],
    [pl, "Nowy dokument"],
    [de, "Neues Dokument"],
  ] as const) {
    const shown = notificationFor(parsed!, (key) => catalog[key], "x");
    expect(shown.title).toBe(heading);
    expect(shown.options.body).toBe("Invoice 4711");
    expect(shown.options.tag).toBe("document:d-1");
    expect(shown.options.data.url).toBe("/documents/d-1");
  }
});

it("opens only paths of this app when a notification is clicked", () => {
  expect(clickTarget({ url: "/documents/d-1" })).toBe("/documents/d-1");
  expect(clickTarget({ url: "https://evil.example/" })).toBe("/");
  expect(clickTarget({ url: "//evil.example/" })).toBe("/");
  expect(clickTarget(null)).toBe("/");
});

it("a conflict waiting names the dossier and opens the conflicts screen", () => {
  const conflict = { type: "conflict_waiting", conflictId: "k-1", customerId: "c-1", title: "ACME" };
  const parsed = parsePushPayload(JSON.stringify(conflict));
  expect(parsed).toEqual(conflict);
  expect(parsePushPayload({ ...conflict, conflictId: "" })).toBeNull();
  for (const [catalog, heading] of [
    [en, "A conflict waits for you"],
    [pl, "Konflikt czeka na Twoją decyzję"],
    [de, "Ein Konflikt wartet auf Sie"],
  ] as const) {
    const shown = notificationFor(parsed!, (key) => catalog[key], "x");
    expect(shown.title).toBe(heading);
    expect(shown.options.body).toBe("ACME");
    expect(shown.options.tag).toBe("conflict:c-1");
    expect(clickTarget(shown.options.data)).toBe("/conflicts");
  }
});
