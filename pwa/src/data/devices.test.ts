import { afterEach, expect, it } from "vitest";
import { ApiError, setFetch } from "./client";
import { ordered, revokeDevice, signedInDevices, type SignedInDevice } from "./devices";

function device(id: string, lastSeenAt: string, extra: Partial<SignedInDevice> = {}): SignedInDevice {
  return { id, name: `Browser ${id}`, firstSeenAt: "2026-01-01T00:00:00Z", lastSeenAt, revokedAt: null, current: false, ...extra };
}

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
}

afterEach(() => setFetch((...args) => fetch(...args)));

it("lists this browser first, then the others by last use, revoked ones last", () => {
  const list = ordered([
    device("old", "2026-03-01T00:00:00Z"),
    device("gone", "2026-09-01T00:00:00Z", { revokedAt: "2026-09-02T00:00:00Z" }),
    device("here", "2026-01-01T00:00:00Z", { current: true }),
    device("new", "2026-08-01T00:00:00Z"),
  ]);
  expect(list.map((d) => d.id)).toEqual(["here", "new", "old", "gone"]);
});

it("reads the devices and answers a refused revocation with its code", async () => {
  setFetch(async (_input, init) => {
    const body = JSON.parse(String(init?.body)) as { query: string };
    if (body.query.includes("revokeDevice")) {
      return json({ data: { revokeDevice: { __typename: "ForbiddenError", code: "forbidden", message: "no" } } });
    }
    return json({ data: { devices: [device("a", "2026-01-01T00:00:00Z"), device("b", "2026-02-01T00:00:00Z", { current: true })] } });
  });
  expect((await signedInDevices()).map((d) => d.id)).toEqual(["b", "a"]);
  const refused = await revokeDevice("a").catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(ApiError);
  expect((refused as ApiError).code).toBe("forbidden");
});
