import { afterEach, expect, it } from "vitest";
import { setFetch } from "../data/client";
import { setLanguage } from "../i18n";
import { badgeText, Inbox, newestCreatedAt, type InboxItem } from "./inbox";
import { customerIds, targetName, type TargetNames } from "./target-names";

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
}

afterEach(() => {
  setFetch((...args) => fetch(...args));
  setLanguage("en");
});

const item = (id: string, createdAt: string, read = false): InboxItem => ({
  id,
  event: "DOCUMENT_CREATED",
  documentId: `d-${id}`,
  channels: ["PUSH"],
  createdAt,
  read,
  document: { title: id, customerId: "c1" },
});

it("shows no badge for none, the count up to 99, then 99+", () => {
  expect(badgeText(0)).toBe("");
  expect(badgeText(7)).toBe("7");
  expect(badgeText(100)).toBe("99+");
});

it("marks read up to the newest row shown, compared as instants", () => {
  const items = [item("a", "2030-01-15T09:00:00+00:00"), item("b", "2030-01-15T10:10:00+01:00"), item("c", "2030-01-15T09:15:00Z")];
  expect(newestCreatedAt(items)).toBe("2030-01-15T09:15:00Z");
  expect(newestCreatedAt([])).toBeNull();
});

it("keeps the unread count for the badge and tells listeners when it changes", async () => {
  const sent: { query: string; variables: Record<string, unknown> }[] = [];
  setFetch(async (_input, init) => {
    const body = JSON.parse(String(init?.body)) as { query: string; variables: Record<string, unknown> };
    sent.push(body);
    if (body.query.includes("markNotificationsRead")) {
      return json({ data: { markNotificationsRead: { __typename: "NotificationsRead", unreadCount: 0 } } });
    }
    if (body.query.includes("unreadNotificationCount")) return json({ data: { unreadNotificationCount: 2 } });
    return json({
      data: {
        notifications: {
          __typename: "NotificationList",
          unreadCount: 2,
          seenUpTo: null,
          items: [item("b", "2030-01-15T09:05:00Z"), item("a", "2030-01-15T09:00:00Z")],
        },
      },
    });
  });
  const inbox = new Inbox();
  let told = 0;
  inbox.addEventListener("unread", () => (told += 1));
  expect(await inbox.refresh()).toBe(2);
  const page = await inbox.page();
  expect(page.items.map((i) => i.id)).toEqual(["b", "a"]);
  expect(told).toBe(1); // the same count twice is one change
  await inbox.markRead(page.items);
  expect(inbox.unread).toBe(0);
  expect(sent.at(-1)?.variables).toEqual({ upTo: "2030-01-15T09:05:00Z" });
  inbox.forget();
  expect(told).toBe(2);
});

it("names a subscription's target as a person reads it", () => {
  const names: TargetNames = {
    customers: new Map([["c1", "ACME"]]),
    registers: new Map([["r1", "Invoices"]]),
    documentTypes: new Map([["t1", "Invoice"]]),
    views: new Map([["v1", "Open orders"]]),
  };
  expect(targetName({ targetKind: "CUSTOMER", targetId: "c1", customerId: null }, names)).toBe("ACME");
  expect(targetName({ targetKind: "REGISTER", targetId: "r1", customerId: "c1" }, names)).toBe("Invoices in ACME");
  expect(targetName({ targetKind: "REGISTER", targetId: "r1", customerId: null }, names)).toBe("Invoices in every dossier");
  expect(targetName({ targetKind: "DOCUMENT_TYPE", targetId: "t1", customerId: null }, names)).toBe("Invoice");
  expect(targetName({ targetKind: "VIEW", targetId: "gone", customerId: null }, names)).toBe("No longer available");
  setLanguage("de");
  expect(targetName({ targetKind: "REGISTER", targetId: "r1", customerId: null }, names)).toBe("Invoices in allen Akten");
});

it("asks for the names of followed dossiers and of dossiers a register is narrowed to, once each", () => {
  const s = { events: [], channels: [], rhythm: "INSTANT", digestHour: 7, createdAt: "" } as const;
  expect(
    customerIds([
      { ...s, id: "1", targetKind: "CUSTOMER", targetId: "c1", customerId: null, events: [], channels: [] },
      { ...s, id: "2", targetKind: "REGISTER", targetId: "r1", customerId: "c1", events: [], channels: [] },
      { ...s, id: "3", targetKind: "REGISTER", targetId: "r1", customerId: "c2", events: [], channels: [] },
      { ...s, id: "4", targetKind: "VIEW", targetId: "v1", customerId: null, events: [], channels: [] },
    ]),
  ).toEqual(["c1", "c2"]);
});
