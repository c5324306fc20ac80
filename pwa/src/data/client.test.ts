import { afterEach, expect, it } from "vitest";
import { ApiError, currentSession, finishPendingSignOut, gql, Offline, sessionEvents, SessionExpired, setCsrfToken, setFetch, signIn, signOut } from "./client";

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

afterEach(() => {
  setFetch((...args) => fetch(...args));
  setCsrfToken(null);
});

it("sends the CSRF token it got at sign-in with every operation", async () => {
  const seen: Headers[] = [];
  setFetch(async (input, init) => {
    seen.push(new Headers(init?.headers));
    return String(input) === "/auth/login"
      ? json({ user: { id: "u" }, csrfToken: "tok-1" })
      : json({ data: { me: { id: "u" } } });
  });
  await signIn("a@example.org", "pw");
  expect(await gql<{ me: { id: string } }>("{ me { id } }")).toEqual({ me: { id: "u" } });
  expect(seen[1]?.get("x-csrf-token")).toBe("tok-1");
});

it("turns a signed-out answer into SessionExpired and tells the app", async () => {
  setFetch(async () => json({ data: null, errors: [{ message: "sign in first", extensions: { code: "unauthenticated" } }] }));
  let told = 0;
  const listener = (): void => void (told += 1);
  sessionEvents.addEventListener("session-expired", listener);
  await expect(gql("{ me { id } }")).rejects.toBeInstanceOf(SessionExpired);
  sessionEvents.removeEventListener("session-expired", listener);
  expect(told).toBe(1);
});

it("keeps the server's stable code on other errors", async () => {
  setFetch(async () => json({ data: null, errors: [{ message: "no such document", extensions: { code: "not_found" } }] }));
  await expect(gql("{ document(id: 1) { id } }")).rejects.toMatchObject({ code: "not_found" });
  const error = await gql("{ x }").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
});

it("retries once with a fresh token after csrf_failed", async () => {
  let calls = 0;
  setFetch(async (input, init) => {
    calls += 1;
    if (String(input) === "/auth/session") return json({ user: { id: "u" }, csrfToken: "fresh" });
    if (new Headers(init?.headers).get("x-csrf-token") === "fresh") return json({ data: { ok: true } });
    return json({ error: { code: "csrf_failed", message: "missing token" } }, 403);
  });
  expect(await gql("mutation { ok }")).toEqual({ ok: true });
  expect(calls).toBe(3);
});

it("says Offline when there is no answer at all", async () => {
  setFetch(async () => {
    throw new TypeError("Failed to fetch");
  });
  await expect(gql("{ me { id } }")).rejects.toBeInstanceOf(Offline);
});

it("rejects with the abort, not Offline, when the caller gives up on a request", async () => {
  setFetch(async (_input, init) => {
    expect(init?.signal?.aborted).toBe(true);
    throw new DOMException("The operation was aborted.", "AbortError");
  });
  const request = new AbortController();
  request.abort();
  await expect(gql("{ me { id } }", {}, request.signal)).rejects.toMatchObject({ name: "AbortError" });
});

it("reports a wrong password as invalid credentials, not as an expired session", async () => {
  setFetch(async () => json({ error: { code: "unauthenticated", message: "wrong e-mail or password" } }, 401));
  await expect(signIn("a@example.org", "nope")).rejects.toMatchObject({ code: "invalid_credentials" });
});

it("names this device in every request, and a revoked device hears device-revoked, not expiry", async () => {
  const devices: (string | null)[] = [];
  setFetch(async (_input, init) => {
    devices.push(new Headers(init?.headers).get("x-dossier-device"));
    return json({ error: { code: "device_revoked", message: "revoked" } }, 401);
  });
  const told: string[] = [];
  const revoked = (): void => void told.push("device-revoked");
  const expired = (): void => void told.push("session-expired");
  sessionEvents.addEventListener("device-revoked", revoked);
  sessionEvents.addEventListener("session-expired", expired);
  try {
    await expect(gql("{ me { id } }")).rejects.toBeInstanceOf(SessionExpired);
    expect(await currentSession()).toBeNull();
  } finally {
    sessionEvents.removeEventListener("device-revoked", revoked);
    sessionEvents.removeEventListener("session-expired", expired);
  }
  expect(told).toEqual(["device-revoked", "device-revoked"]);
  expect(devices[0]).toMatch(/^[0-9a-f-]{32,36}$/);
  expect(devices[1]).toBe(devices[0]);
});

it("finishes a sign-out made offline at the next chance, so the cookie cannot sign in again", async () => {
  const seen: string[] = [];
  let online = false;
  setFetch(async (input, init) => {
    if (!online) throw new TypeError("Failed to fetch");
    // The wipe forgot the key the session is bound to: finishing goes without a device key.
    if (new Headers(init?.headers).has("x-dossier-device")) return json({ error: { code: "session_device_mismatch", message: "" } }, 401);
    seen.push(String(input));
    return String(input) === "/auth/session" ? json({ user: { id: "u" }, csrfToken: "tok" }) : new Response(null, { status: 204 });
  });
  await expect(signOut()).rejects.toBeInstanceOf(Offline);
  await expect(finishPendingSignOut()).rejects.toBeInstanceOf(Offline); // still offline: still pending
  online = true;
  expect(await finishPendingSignOut()).toBe(true);
  expect(seen).toEqual(["/auth/session", "/auth/logout"]);
  expect(await finishPendingSignOut()).toBe(false);
});
