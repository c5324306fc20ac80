/**
 * How the sync client reaches the server: a port with the HTTP implementation here and an
 * in-process fake in the tests (fake-server.test-util.ts), so the client's policy is tested
 * against a server that follows the protocol, not against mocks.
 *
 * Failures, as the client tells them apart:
 *
 *     SyncTransportError
 *      ├── SyncOffline          no answer at all (no connection, server down, 5xx): try later
 *      ├── SyncSignedOut        401: sign in again; the outbox stays (`device_revoked`: the
 *      │                        app wipes the device, outbox included; docs/adr/0027)
 *      ├── SyncUpdateRequired   426 update_required: update the app; the outbox stays
 *      └── SyncRefusedError     another refusal of the whole request (invalid, forbidden)
 */
import { announceSignedOut, currentSession, DEVICE_REVOKED, errorCodeOf, sessionHeaders, withCsrfRefresh } from "../data/client";
import { deviceKey } from "../data/device";
import type { PullRequest, PullResponse, PushRequest, PushResponse, SyncErrorBody } from "./protocol";

export class SyncTransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "SyncTransportError";
  }
}
export class SyncOffline extends SyncTransportError {
  constructor(message = "offline") {
    super("offline", message);
    this.name = "SyncOffline";
  }
}
export class SyncSignedOut extends SyncTransportError {
  constructor(message = "signed out", code = "unauthenticated") {
    super(code, message);
    this.name = "SyncSignedOut";
  }
}
export class SyncUpdateRequired extends SyncTransportError {
  constructor(message = "update required") {
    super("update_required", message);
    this.name = "SyncUpdateRequired";
  }
}
export class SyncRefusedError extends SyncTransportError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = "SyncRefusedError";
  }
}

/** What the server holds of a blob (GET /sync/blobs/{sha256}). */
export interface BlobStatus {
  size: number;
  received: number;
  complete: boolean;
}

export interface SyncTransport {
  push(request: PushRequest): Promise<PushResponse>;
  pull(request: PullRequest): Promise<PullResponse>;
  /** null: the server holds nothing of it. */
  blobStatus(sha256: string): Promise<BlobStatus | null>;
  /**
   * Send bytes [first, first + chunk.byteLength) of `total`. Answers what the server holds after
   * it; an offset mismatch answers the server's offset (not an error: the client resumes there).
   */
  putChunk(sha256: string, first: number, total: number, chunk: ArrayBuffer): Promise<BlobStatus>;
}

/** A refusal of an upload that sending again cannot fix (hash_mismatch, upload_too_large, …). */
export class BlobRefused extends SyncTransportError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = "BlobRefused";
  }
}

type Fetch = typeof fetch;

/**
 * The real thing: same origin, session cookie, and the session's headers and CSRF refresh as the
 * GraphQL client has them (data/client.ts); the device key is the one the server registers.
 */
export class HttpTransport implements SyncTransport {
  constructor(
    private readonly fetchImpl: Fetch = (...args) => fetch(...args),
    private readonly device: () => string | null = deviceKey,
    private readonly refreshSession: () => Promise<unknown> = currentSession,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers = sessionHeaders(extra);
    const device = this.device();
    if (device) headers["x-dossier-device"] = device;
    else delete headers["x-dossier-device"];
    return headers;
  }

  /** One request; a CSRF refusal refreshes the token once (the app may have started offline). */
  private async send(url: string, init: () => RequestInit): Promise<Response> {
    const once = async (): Promise<Response> => {
      try {
        return await this.fetchImpl(url, { credentials: "same-origin", ...init() });
      } catch {
        throw new SyncOffline();
      }
    };
    const refresh = async (): Promise<unknown> => {
      let session: unknown;
      try {
        session = await this.refreshSession();
      } catch {
        throw new SyncOffline();
      }
      if (session === null) throw new SyncSignedOut();
      return session;
    };
    const response = await withCsrfRefresh(once, refresh);
    if (response.status >= 500) throw new SyncOffline(`server answered ${response.status}`);
    if (response.status === 401) {
      const { code, message } = await errorCodeOf(response);
      if (code === DEVICE_REVOKED) {
        announceSignedOut(code);
        throw new SyncSignedOut(message, code);
      }
      throw new SyncSignedOut();
    }
    return response;
  }

  private async post<T>(url: string, body: unknown): Promise<T> {
    const response = await this.send(url, () => ({
      method: "POST",
      headers: this.headers({ "content-type": "application/json" }),
      body: JSON.stringify(body),
    }));
    if (response.ok) return (await response.json()) as T;
    const error = await errorBody(response);
    if (response.status === 426 || error.code === "update_required") throw new SyncUpdateRequired(error.message);
    throw new SyncRefusedError(error.code, error.message);
  }

  push(request: PushRequest): Promise<PushResponse> {
    return this.post("/sync/push", request);
  }

  pull(request: PullRequest): Promise<PullResponse> {
    return this.post("/sync/pull", request);
  }

  async blobStatus(sha256: string): Promise<BlobStatus | null> {
    const response = await this.send(`/sync/blobs/${sha256}`, () => ({ method: "GET", headers: this.headers() }));
    if (response.status === 404) return null;
    if (!response.ok) {
      const error = await errorBody(response);
      throw new SyncRefusedError(error.code, error.message);
    }
    const body = (await response.json()) as BlobStatus;
    return { size: body.size, received: body.received, complete: body.complete };
  }

  async putChunk(sha256: string, first: number, total: number, chunk: ArrayBuffer): Promise<BlobStatus> {
    const last = first + chunk.byteLength - 1;
    const response = await this.send(`/sync/blobs/${sha256}`, () => ({
      method: "PUT",
      headers: this.headers({ "content-type": "application/octet-stream", "content-range": `bytes ${first}-${last}/${total}` }),
      body: chunk,
    }));
    if (response.status === 409) {
      const offset = Number(response.headers.get("upload-offset") ?? "NaN");
      if (Number.isFinite(offset)) return { size: total, received: offset, complete: false };
    }
    if (!response.ok) {
      const error = await errorBody(response);
      throw new BlobRefused(error.code, error.message);
    }
    const body = (await response.json()) as BlobStatus;
    return { size: body.size, received: body.received, complete: body.complete };
  }
}

/** Sync refusals are a bare SyncError; the rest of the API wraps errors in {error: {...}}. */
function errorBody(response: Response): Promise<SyncErrorBody> {
  return errorCodeOf(response);
}
