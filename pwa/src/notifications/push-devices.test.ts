import { afterEach, expect, it } from "vitest";
import { setFetch } from "../data/client";
import { applicationServerKey, pushDevices, registerPushDevice, removePushDevice, subscriptionKeys } from "./push-devices";

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
}

afterEach(() => setFetch((...args) => fetch(...args)));

it("turns the base64url VAPID key into the bytes subscribe() takes", () => {
  const point = new Uint8Array(65).map((_, i) => (i * 37) % 256);
  point[0] = 4;
  const b64url = btoa(String.fromCharCode(...point)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  expect(Array.from(applicationServerKey(b64url))).toEqual(Array.from(point));
});

it("takes the endpoint and keys of a subscription, or nothing if one is missing", () => {
  expect(subscriptionKeys({ endpoint: "https://push.example/1", keys: { p256dh: "pk", auth: "au" } })).toEqual({
    endpoint: "https://push.example/1",
    p256dh: "pk",
    auth: "au",
  });
  expect(subscriptionKeys({ endpoint: "https://push.example/1", keys: { p256dh: "pk" } })).toBeNull();
  expect(subscriptionKeys({ keys: { p256dh: "pk", auth: "au" } })).toBeNull();
});

it("registers, lists and removes devices, keeping the server's error codes", async () => {
  const sent: { query: string; variables: Record<string, unknown> }[] = [];
  const device = { id: "d1", name: "Phone", createdAt: "2030-01-15T09:00:00Z", lastDeliveryAt: null };
  setFetch(async (_input, init) => {
    const body = JSON.parse(String(init?.body)) as { query: string; variables: Record<string, unknown> };
    sent.push(body);
    if (body.query.includes("registerPushDevice")) {
      const input = body.variables["input"] as { endpoint: string };
      return json({
        data: {
          registerPushDevice: input.endpoint.startsWith("https:")
            ? { __typename: "PushDevice", ...device }
            : { __typename: "ValidationError", code: "invalid", message: "endpoint: not https" },
        },
      });
    }
    if (body.query.includes("removePushDevice")) {
      const id = body.variables["id"];
      return json({
        data: {
          removePushDevice:
            id === "d1" ? { __typename: "Removed", id } : { __typename: "NotFoundError", code: "not_found", message: "no such device" },
        },
      });
    }
    return json({ data: { pushDevices: [device] } });
  });

  expect(await registerPushDevice({ endpoint: "https://push.example/1", p256dh: "pk", auth: "au" }, "Phone")).toEqual(device);
  expect(sent[0]?.variables).toEqual({ input: { endpoint: "https://push.example/1", p256dh: "pk", auth: "au", name: "Phone" } });
  await expect(registerPushDevice({ endpoint: "http://x", p256dh: "pk", auth: "au" }, "Phone")).rejects.toMatchObject({
    code: "invalid",
  });
  expect(await pushDevices()).toEqual([device]);
  await removePushDevice("d1");
  await expect(removePushDevice("d2")).rejects.toMatchObject({ code: "not_found" });
});
