/**
 * The network side of the data layer: GraphQL over fetch with the session cookie and the CSRF
 * header (docs/adr/0003), sign-in and sign-out, and multipart uploads with progress.
 *
 * Errors: ApiError (a stable `code` from the server), SessionExpired (signed out or expired; the
 * app listens for the "session-expired" event on `sessionEvents`), Offline (no answer at all).
 * A device revoked by an administrator answers `device_revoked`: "device-revoked" fires instead,
 * and the app deletes its local data (docs/adr/0027).
 *
 * The session's request rules (CSRF and device headers, one CSRF refresh, what a 401 means) are
 * here once, for this client and the sync transport (sync/transport.ts) alike.
 */
import { deviceKey } from "./device";

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export class SessionExpired extends ApiError {
  constructor(message = "session expired") {
    super("session_expired", message);
    this.name = "SessionExpired";
  }
}

export class Offline extends Error {
  constructor() {
    super("offline");
    this.name = "Offline";
  }
}

export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  role: string;
  tenantId: string;
}

export interface Session {
  user: SessionUser;
  csrfToken: string;
}

/**
 * Fires "session-expired" whenever the server says the caller is not (or no longer) signed in,
 * and "device-revoked" when this device was revoked (the local data must go).
 */
export const sessionEvents = new EventTarget();

export const DEVICE_REVOKED = "device_revoked";
/** `session_device_mismatch`: the cookie was bound to another browser (a copy); sign in again here. */
const SIGNED_OUT_CODES = new Set(["unauthenticated", "session_expired", "session_device_mismatch", DEVICE_REVOKED]);

/** Tell the app the session is gone, and why. */
export function announceSignedOut(code: string): void {
  sessionEvents.dispatchEvent(new CustomEvent(code === DEVICE_REVOKED ? "device-revoked" : "session-expired"));
}

/**
 * The headers every request of the session carries: its CSRF token and this device's key
 * (`asDevice` false: no key, for a session bound to a key this browser has forgotten).
 */
export function sessionHeaders(extra: Record<string, string> = {}, asDevice = true): Record<string, string> {
  const headers: Record<string, string> = { ...extra };
  if (csrfToken) headers["x-csrf-token"] = csrfToken;
  const device = asDevice ? deviceKey() : null;
  if (device) headers["x-dossier-device"] = device;
  return headers;
}

/** The stable code of an error answer (`{error: {code}}` or a bare `{code}`), else `http_<status>`. */
export async function errorCodeOf(response: Response): Promise<{ code: string; message: string }> {
  try {
    const body = (await response.clone().json()) as { code?: unknown; message?: string; error?: { code: string; message: string } };
    if (body.error) return body.error;
    if (typeof body.code === "string") return { code: body.code, message: body.message ?? "" };
  } catch {
    /* not JSON */
  }
  return { code: `http_${response.status}`, message: response.statusText };
}

/**
 * Send once; when the server refuses the CSRF token (the app may have started offline), ask for
 * the session again (`refresh`, which sets the new token) and send once more. A refresh that finds
 * no session answers the refusal as it was.
 */
export async function withCsrfRefresh(send: () => Promise<Response>, refresh: () => Promise<unknown>): Promise<Response> {
  const response = await send();
  if (response.status !== 403 || (await errorCodeOf(response)).code !== "csrf_failed") return response;
  if ((await refresh()) === null) return response;
  return send();
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The token for other writers of the same session (the sync client). */
export function currentCsrfToken(): string | null {
  return csrfToken;
}

type Fetch = typeof fetch;
let fetchImpl: Fetch = (...args) => fetch(...args);

/** Tests replace the transport; the app never does. */
export function setFetch(impl: Fetch): void {
  fetchImpl = impl;
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchImpl(url, { credentials: "same-origin", ...init });
  } catch (error) {
    // A request the caller gave up on is not a lost connection.
    if (init.signal?.aborted) throw error;
    throw new Offline();
  }
}

function expired(message?: string, code = "session_expired"): SessionExpired {
  const error = new SessionExpired(message);
  announceSignedOut(code);
  return error;
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

function unwrap<T>(answer: GraphQLAnswer<T>): T {
  const first = answer.errors?.[0];
  if (first) {
    const code = first.extensions?.code ?? "internal_error";
    if (SIGNED_OUT_CODES.has(code)) throw expired(first.message, code);
    throw new ApiError(code, first.message);
  }
  if (answer.data == null) throw new ApiError("internal_error", "empty answer");
  return answer.data;
}

async function errorOf(response: Response): Promise<ApiError> {
  let code = "http_" + response.status;
  let message = response.statusText;
  try {
    const body = (await response.json()) as { error?: { code: string; message: string } };
    if (body.error) ({ code, message } = body.error);
  } catch {
    /* not JSON: keep the status */
  }
  if (response.status === 401 || SIGNED_OUT_CODES.has(code)) return expired(message, code);
  return new ApiError(code, message);
}

/**
 * One GraphQL operation; a CSRF failure refreshes the token once and retries. An aborted `signal`
 * rejects with the fetch's AbortError (a stale search the user typed past).
 */
export async function gql<T, V extends object = Record<string, never>>(
  query: string,
  variables?: V,
  signal?: AbortSignal,
): Promise<T> {
  const request = (): Promise<Response> =>
    send("/graphql", {
      method: "POST",
      headers: sessionHeaders({ "content-type": "application/json" }),
      body: JSON.stringify({ query, variables: variables ?? {} }),
      ...(signal ? { signal } : {}),
    });
  const response = await withCsrfRefresh(request, currentSession);
  // 401 and 403 are refusals of the whole request (device_revoked, csrf_failed), never GraphQL answers.
  if (response.status === 401 || response.status === 403) throw await errorOf(response);
  if (!response.ok && response.headers.get("content-type")?.includes("json") !== true) {
    throw await errorOf(response);
  }
  return unwrap((await response.json()) as GraphQLAnswer<T>);
}

export async function signIn(email: string, password: string, tenant?: string): Promise<Session> {
  const response = await send("/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(tenant ? { email, password, tenant } : { email, password }),
  });
  if (!response.ok) {
    const error = await errorOf(response);
    // A wrong password is not an expired session.
    throw error instanceof SessionExpired ? new ApiError("invalid_credentials", error.message) : error;
  }
  const session = (await response.json()) as Session;
  setCsrfToken(session.csrfToken);
  markSignOutPending(false); // a new session: the old one's sign-out no longer matters here
  return session;
}

/**
 * The current session, or null when signed out; refreshes the CSRF token. A revoked device
 * hears "device-revoked" as well.
 */
export async function currentSession(asDevice = true): Promise<Session | null> {
  const response = await send("/auth/session", { method: "GET", headers: sessionHeaders({}, asDevice) });
  if (response.status === 401) {
    if ((await errorCodeOf(response)).code === DEVICE_REVOKED) announceSignedOut(DEVICE_REVOKED);
    return null;
  }
  if (!response.ok) throw await errorOf(response);
  const session = (await response.json()) as Session;
  setCsrfToken(session.csrfToken);
  return session;
}

const SIGN_OUT_PENDING = "dossier.signOutPending";

function markSignOutPending(pending: boolean): void {
  try {
    if (pending) localStorage.setItem(SIGN_OUT_PENDING, "1");
    else localStorage.removeItem(SIGN_OUT_PENDING);
  } catch {
    /* storage blocked */
  }
}

/**
 * End the session on the server. Offline, the cookie (HttpOnly, out of the app's reach) would
 * sign the next start in again: the sign-out is remembered and finished by
 * `finishPendingSignOut` once there is a connection.
 */
export async function signOut(asDevice = true): Promise<void> {
  try {
    await send("/auth/logout", { method: "POST", headers: sessionHeaders({}, asDevice) });
    markSignOutPending(false);
  } catch (error) {
    if (error instanceof Offline) markSignOutPending(true);
    throw error;
  } finally {
    setCsrfToken(null);
  }
}

/** A sign-out made offline, finished now; answers whether one was pending (Offline: still is). */
export async function finishPendingSignOut(): Promise<boolean> {
  let pending = false;
  try {
    pending = localStorage.getItem(SIGN_OUT_PENDING) === "1";
  } catch {
    return false;
  }
  if (!pending) return false;
  // The wipe forgot the device key the session is bound to (a new key would be refused with
  // session_device_mismatch): these two requests go without one (docs/adr/0027).
  if (await currentSession(false)) await signOut(false);
  markSignOutPending(false);
  return true;
}

export interface UploadFile {
  /** Dotted variable path, e.g. "input.file". */
  path: string;
  file: Blob;
  name: string;
}

/**
 * A GraphQL multipart request (the spec Strawberry implements) sent with XMLHttpRequest, because
 * fetch cannot report upload progress. `onProgress` gets a fraction between 0 and 1.
 */
export function gqlUpload<T>(
  query: string,
  variables: Record<string, unknown>,
  files: UploadFile[],
  onProgress: (fraction: number) => void,
): Promise<T> {
  const form = new FormData();
  form.append("operations", JSON.stringify({ query, variables }));
  const map: Record<string, string[]> = {};
  files.forEach((f, i) => (map[String(i)] = ["variables." + f.path]));
  form.append("map", JSON.stringify(map));
  files.forEach((f, i) => form.append(String(i), f.file, f.name));
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/graphql");
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(sessionHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new Offline());
    xhr.onload = () => {
      onProgress(1);
      try {
        const body = JSON.parse(xhr.responseText) as GraphQLAnswer<T> & {
          error?: { code: string; message: string };
        };
        if (body.error) {
          reject(
            xhr.status === 401 ? expired(body.error.message, body.error.code) : new ApiError(body.error.code, body.error.message),
          );
          return;
        }
        resolve(unwrap(body));
      } catch (error) {
        reject(error instanceof Error ? error : new ApiError("internal_error", String(error)));
      }
    };
    xhr.send(form);
  });
}
