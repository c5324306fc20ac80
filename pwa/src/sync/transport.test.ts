import { afterEach, describe, expect, it } from "vitest";
import { sessionEvents, setCsrfToken } from "../data/client";
import { HttpTransport, SyncOffline, SyncRefusedError, SyncSignedOut, SyncUpdateRequired, BlobRefused } from "./transport";

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

function server(answers: ((seen: Seen) => Response)[]): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const body = init?.body;
    const entry: Seen = {
      url: String(input),
      method: init?.method ?? "GET",
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: typeof body === "string" ? JSON.parse(body) : body instanceof ArrayBuffer ? body.byteLength : body,
    };
    seen.push(entry);
    const answer = answers.shift();
    if (!answer) throw new TypeError("Failed to fetch");
    return answer(entry);
  }) as typeof fetch;
  return { fetch: fetchImpl, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): (() => Response) => () =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

afterEach(() => setCsrfToken(null));

describe("the HTTP transport", () => {
  it("posts the protocol's push body with the CSRF and device headers and reads the results", async () => {
    setCsrfToken("tok");
    const { fetch, seen } = server([json(200, { results: [{ id: 1, outcome: "applied", revision: 3, extra: "ignored" }] })]);
    const transport = new HttpTransport(fetch, () => "Anna's tablet");
    const request = { client_id: "c", protocol_version: 1, mutations: [{ id: 1, kind: "view" as const, entity: "document" as const, entity_id: "d1", customer_id: "c1" }] };
    const answer = await transport.push(request);
    expect(answer.results[0]).toMatchObject({ id: 1, outcome: "applied", revision: 3 });
    expect(seen[0]).toMatchObject({ url: "/sync/push", method: "POST", body: request });
    expect(seen[0]!.headers).toMatchObject({ "content-type": "application/json", "x-csrf-token": "tok", "x-dossier-device": "Anna's tablet" });
  });

  it("tells update_required, 401, other refusals and no connection apart", async () => {
    const { fetch } = server([
      json(426, { code: "update_required", message: "update", protocol_version: 2, min_supported_version: 2 }),
      json(401, { error: { code: "unauthenticated", message: "sign in" } }),
      json(422, { code: "invalid", message: "bad" }),
      json(503, {}),
    ]);
    const transport = new HttpTransport(fetch);
    const pull = () => transport.pull({ client_id: "c", protocol_version: 1, cursors: { c1: 0 } });
    await expect(pull()).rejects.toBeInstanceOf(SyncUpdateRequired);
    await expect(pull()).rejects.toBeInstanceOf(SyncSignedOut);
    await expect(pull()).rejects.toBeInstanceOf(SyncRefusedError);
    await expect(pull()).rejects.toBeInstanceOf(SyncOffline);
    await expect(pull()).rejects.toBeInstanceOf(SyncOffline);
  });

  it("refreshes the CSRF token once when the server refuses it", async () => {
    const { fetch, seen } = server([json(403, { error: { code: "csrf_failed", message: "csrf" } }), json(200, { changes: {}, cursors: {}, has_more: false })]);
    const transport = new HttpTransport(fetch, () => null, async () => {
      setCsrfToken("fresh");
      return {};
    });
    await transport.pull({ client_id: "c", protocol_version: 1, cursors: {} });
    expect(seen.map((s) => s.headers["x-csrf-token"])).toEqual([undefined, "fresh"]);
  });

  it("asks how much of a blob the server holds and sends chunks with Content-Range", async () => {
    const { fetch, seen } = server([
      () => new Response(JSON.stringify({ error: { code: "not_found", message: "none" } }), { status: 404 }),
      json(202, { sha256: "ab", size: 10, received: 4, complete: false }, { "upload-offset": "4" }),
      json(409, { error: { code: "upload_offset_mismatch", message: "at 6", received: 6 } }, { "upload-offset": "6" }),
      json(200, { sha256: "ab", size: 10, received: 10, complete: true }),
      json(422, { error: { code: "hash_mismatch", message: "no" } }),
    ]);
    const transport = new HttpTransport(fetch);
    expect(await transport.blobStatus("ab")).toBeNull();
    expect(await transport.putChunk("ab", 0, 10, new ArrayBuffer(4))).toEqual({ size: 10, received: 4, complete: false });
    expect(await transport.putChunk("ab", 8, 10, new ArrayBuffer(2))).toEqual({ size: 10, received: 6, complete: false });
    expect(await transport.putChunk("ab", 6, 10, new ArrayBuffer(4))).toEqual({ size: 10, received: 10, complete: true });
    await expect(transport.putChunk("ab", 0, 10, new ArrayBuffer(10))).rejects.toBeInstanceOf(BlobRefused);
    expect(seen.map((s) => [s.method, s.url, s.headers["content-range"] ?? null, s.body ?? null])).toEqual([
      ["GET", "/sync/blobs/ab", null, null],
      ["PUT", "/sync/blobs/ab", "bytes 0-3/10", 4],
      ["PUT", "/sync/blobs/ab", "bytes 8-9/10", 2],
      ["PUT", "/sync/blobs/ab", "bytes 6-9/10", 4],
      ["PUT", "/sync/blobs/ab", "bytes 0-9/10", 10],
    ]);
  });

  it("tells the app when the server says this device was revoked", async () => {
    const { fetch } = server([json(401, { error: { code: "device_revoked", message: "revoked" } })]);
    let told = 0;
    const listener = (): void => void (told += 1);
    sessionEvents.addEventListener("device-revoked", listener);
    try {
      const error = await new HttpTransport(fetch).pull({ client_id: "c", protocol_version: 1, cursors: {} }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SyncSignedOut);
      expect(error).toMatchObject({ code: "device_revoked" });
    } finally {
      sessionEvents.removeEventListener("device-revoked", listener);
    }
    expect(told).toBe(1);
  });
});
