/**
 * This browser's Web Push subscription and the user's devices, over GraphQL.
 *
 * ``enablePush`` must run from a user gesture (a click): it asks for permission, subscribes with
 * the tenant's VAPID public key and registers the subscription as a device.
 */
import { ApiError, gql } from "../data/client";

export interface PushDevice {
  id: string;
  name: string;
  createdAt: string;
  lastDeliveryAt: string | null;
}

type Failure = { __typename: string; code: string; message: string };

const DEVICE_FIELDS = "id name createdAt lastDeliveryAt";

/** The VAPID public key (base64url, no padding) as ``applicationServerKey`` takes it. */
export function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (base64url.length % 4)) % 4);
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function device(result: PushDevice | Failure): PushDevice {
  if ("code" in result) throw new ApiError(result.code, result.message);
  return { id: result.id, name: result.name, createdAt: result.createdAt, lastDeliveryAt: result.lastDeliveryAt };
}

export async function pushDevices(): Promise<PushDevice[]> {
  return (await gql<{ pushDevices: PushDevice[] }>(`{ pushDevices { ${DEVICE_FIELDS} } }`)).pushDevices;
}

export async function removePushDevice(id: string): Promise<void> {
  const { removePushDevice: result } = await gql<{ removePushDevice: { __typename: string } | Failure }, { id: string }>(
    `mutation ($id: ID!) { removePushDevice(id: $id) { __typename ... on Removed { id } ... on Error { code message } } }`,
    { id },
  );
  if ("code" in result) throw new ApiError(result.code, result.message);
}

export interface SubscriptionKeys {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** The parts of a ``PushSubscription`` the server needs, or null if the browser left one out. */
export function subscriptionKeys(json: PushSubscriptionJSON): SubscriptionKeys | null {
  const p256dh = json.keys?.["p256dh"];
  const auth = json.keys?.["auth"];
  return json.endpoint && p256dh && auth ? { endpoint: json.endpoint, p256dh, auth } : null;
}

export async function registerPushDevice(keys: SubscriptionKeys, name: string): Promise<PushDevice> {
  const { registerPushDevice: result } = await gql<
    { registerPushDevice: PushDevice | Failure },
    { input: SubscriptionKeys & { name: string } }
  >(
    `mutation ($input: PushDeviceInput!) { registerPushDevice(input: $input) {
      __typename ... on PushDevice { ${DEVICE_FIELDS} } ... on Error { code message } } }`,
    { input: { ...keys, name } },
  );
  return device(result);
}

export type PushSupport = "unsupported" | "denied" | "ready";

export function pushSupport(): PushSupport {
  if (!("serviceWorker" in navigator) || !("PushManager" in globalThis) || !("Notification" in globalThis)) {
    return "unsupported";
  }
  return Notification.permission === "denied" ? "denied" : "ready";
}

/** Ask for permission, subscribe this browser and register it; call from a click. */
export async function enablePush(name: string): Promise<PushDevice> {
  if ((await Notification.requestPermission()) !== "granted") throw new ApiError("permission_denied", "notifications are blocked");
  const { vapidPublicKey } = await gql<{ vapidPublicKey: string }>("{ vapidPublicKey }");
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: applicationServerKey(vapidPublicKey),
  });
  const keys = subscriptionKeys(subscription.toJSON());
  if (keys === null) throw new ApiError("invalid_subscription", "the browser gave no keys");
  return registerPushDevice(keys, name);
}
