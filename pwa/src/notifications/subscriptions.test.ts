import { afterEach, expect, it } from "vitest";
import { setFetch } from "../data/client";
import {
  findSubscription,
  ONE_TAP,
  quietHoursIssue,
  Subscriptions,
  timeZones,
  toggled,
  withBrowserDefaults,
  type Subscription,
} from "./subscriptions";

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
}

afterEach(() => setFetch((...args) => fetch(...args)));

const base: Subscription = {
  id: "s1",
  targetKind: "REGISTER",
  targetId: "r1",
  customerId: "c1",
  events: ["DOCUMENT_CREATED"],
  channels: ["PUSH", "EMAIL"],
  rhythm: "INSTANT",
  digestHour: 7,
  createdAt: "2030-01-15T09:00:00Z",
};

it("finds the subscription of exactly one target: a register in one dossier is not the register everywhere", () => {
  const everywhere = { ...base, id: "s2", customerId: null };
  expect(findSubscription([base, everywhere], { kind: "REGISTER", id: "r1", customerId: "c1" })?.id).toBe("s1");
  expect(findSubscription([base, everywhere], { kind: "REGISTER", id: "r1" })?.id).toBe("s2");
  expect(findSubscription([base], { kind: "CUSTOMER", id: "r1" })).toBeUndefined();
});

it("toggles a value in a list, keeping the list's usual order", () => {
  expect(toggled(["EMAIL"], "PUSH", true, ["PUSH", "EMAIL"])).toEqual(["PUSH", "EMAIL"]);
  expect(toggled(["PUSH", "EMAIL"], "PUSH", false, ["PUSH", "EMAIL"])).toEqual(["EMAIL"]);
  expect(toggled(["PUSH"], "PUSH", true, ["PUSH", "EMAIL"])).toEqual(["PUSH"]);
});

it("one tap follows with new documents by push and e-mail at once, a second tap stops", async () => {
  const sent: { query: string; variables: Record<string, unknown> }[] = [];
  let stored: Subscription[] = [];
  setFetch(async (_input, init) => {
    const body = JSON.parse(String(init?.body)) as { query: string; variables: Record<string, unknown> };
    sent.push(body);
    if (body.query.includes("subscribe(input")) {
      const input = body.variables["input"] as Record<string, unknown>;
      const made = { ...base, id: "new", targetKind: input["targetKind"], targetId: input["targetId"], customerId: input["customerId"] };
      stored = [made as Subscription];
      return json({ data: { subscribe: { __typename: "NotificationSubscription", ...made } } });
    }
    if (body.query.includes("unsubscribe")) {
      stored = [];
      return json({ data: { unsubscribe: { __typename: "Removed" } } });
    }
    return json({ data: { notificationSubscriptions: stored } });
  });
  const subs = new Subscriptions();
  let changes = 0;
  subs.addEventListener("change", () => (changes += 1));
  expect(await subs.toggle({ kind: "CUSTOMER", id: "c9" })).toBe(true);
  const input = sent.find((s) => s.query.includes("subscribe(input"))?.variables["input"];
  expect(input).toEqual({ targetKind: "CUSTOMER", targetId: "c9", customerId: null, ...ONE_TAP });
  expect(ONE_TAP).toEqual({ events: ["DOCUMENT_CREATED"], channels: ["PUSH", "EMAIL"], rhythm: "INSTANT", digestHour: 7 });
  expect(findSubscription(subs.current() ?? [], { kind: "CUSTOMER", id: "c9" })).toBeDefined();
  expect(await subs.toggle({ kind: "CUSTOMER", id: "c9" })).toBe(false);
  expect(subs.current()).toEqual([]);
  expect(changes).toBe(3); // read, subscribed, removed
  expect(sent.filter((s) => s.query.includes("notificationSubscriptions"))).toHaveLength(1);
});

it("keeps the server's issue code when a change is refused", async () => {
  setFetch(async () =>
    json({
      data: {
        updateSubscription: {
          __typename: "ValidationError",
          code: "invalid",
          message: "invalid",
          issues: [{ field: "digestHour", code: "out_of_range" }],
        },
      },
    }),
  );
  const subs = new Subscriptions();
  await expect(subs.update("s1", { ...ONE_TAP, digestHour: 30 })).rejects.toMatchObject({ code: "out_of_range" });
});

it("checks quiet hours: both ends or neither, as HH:MM", () => {
  expect(quietHoursIssue("", "")).toBeNull();
  expect(quietHoursIssue("22:00", "06:30")).toBeNull();
  expect(quietHoursIssue("22:00", "")).toBe("required");
  expect(quietHoursIssue("25:00", "06:00")).toBe("invalid_time");
});

it("lists the browser's time zones with UTC and the current choice among them", () => {
  const zones = timeZones("Europe/Warsaw", "Mars/Olympus");
  expect(zones).toContain("UTC");
  expect(zones).toContain("Europe/Warsaw");
  expect(zones).toContain("Mars/Olympus");
  expect([...zones].sort()).toEqual(zones);
});

it("starts a first-time form from the browser's time zone, never over a stored choice", () => {
  const never = { timeZone: "UTC", quietStart: null, quietEnd: null, locale: null };
  expect(withBrowserDefaults(never, false, "Europe/Berlin").timeZone).toBe("Europe/Berlin");
  expect(withBrowserDefaults(never, true, "Europe/Berlin").timeZone).toBe("UTC");
  expect(withBrowserDefaults({ ...never, timeZone: "Asia/Tokyo" }, false, "Europe/Berlin").timeZone).toBe("Asia/Tokyo");
});
