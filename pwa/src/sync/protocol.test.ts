/**
 * The client speaks the protocol of schema/sync-protocol.schema.json (exported from sync/protocol.py):
 * the same version and enums, and every request body it puts on the wire fits the schema, which
 * refuses unknown fields as the server does.
 */
import "fake-indexeddb/auto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { SyncClient } from "./client";
import { openSyncDb } from "./db";
import * as drafts from "./mutations";
import { CHANGE_OPS, CHOICES, ENTITIES, MUTATION_KINDS, OUTCOMES, PROTOCOL_VERSION, type ConflictRecord } from "./protocol";
import { HttpTransport } from "./transport";

type Schema = { [key: string]: unknown };
const schema = JSON.parse(readFileSync(resolve(process.cwd(), "../schema/sync-protocol.schema.json"), "utf8")) as Schema & {
  protocolVersion: number;
  $defs: Record<string, Schema>;
};

function def(name: string): Schema {
  return schema.$defs[name] as Schema;
}

/** The few JSON Schema keywords the exported schema uses; answers the problems found. */
function check(value: unknown, node: Schema, path: string): string[] {
  if (typeof node["$ref"] === "string") return check(value, def((node["$ref"] as string).split("/").pop()!), path);
  if (Array.isArray(node["anyOf"])) {
    const tries = (node["anyOf"] as Schema[]).map((n) => check(value, n, path));
    return tries.some((p) => p.length === 0) ? [] : (tries[0] ?? []);
  }
  if (Array.isArray(node["enum"])) return (node["enum"] as unknown[]).includes(value) ? [] : [`${path}: ${String(value)} not in enum`];
  switch (node["type"]) {
    case "null":
      return value === null ? [] : [`${path}: not null`];
    case "string":
      return typeof value === "string" ? [] : [`${path}: not a string`];
    case "integer":
      return Number.isInteger(value) ? [] : [`${path}: not an integer`];
    case "array":
      return Array.isArray(value) ? value.flatMap((v, i) => check(v, node["items"] as Schema, `${path}[${i}]`)) : [`${path}: not an array`];
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${path}: not an object`];
      const props = (node["properties"] ?? {}) as Record<string, Schema>;
      const required = (node["required"] ?? []) as string[];
      const extra = node["additionalProperties"];
      const problems = required.filter((k) => !(k in value)).map((k) => `${path}.${k}: missing`);
      for (const [k, v] of Object.entries(value)) {
        if (props[k]) problems.push(...check(v, props[k], `${path}.${k}`));
        else if (extra === false) problems.push(`${path}.${k}: unknown field`);
        else if (typeof extra === "object" && extra !== null) problems.push(...check(v, extra as Schema, `${path}.${k}`));
      }
      return problems;
    }
    default:
      return [];
  }
}

describe("the client and the protocol schema", () => {
  it("agree on the version and every enum", () => {
    expect(PROTOCOL_VERSION).toBe(schema.protocolVersion);
    const sorted = (values: readonly string[]): string[] => [...values].sort();
    expect(sorted(ENTITIES)).toEqual(sorted(def("Entity")["enum"] as string[]));
    expect(sorted(MUTATION_KINDS)).toEqual(sorted(def("MutationKind")["enum"] as string[]));
    expect(sorted(CHOICES)).toEqual(sorted(def("Choice")["enum"] as string[]));
    expect(sorted(OUTCOMES)).toEqual(sorted(def("Outcome")["enum"] as string[]));
    expect(sorted(CHANGE_OPS)).toEqual(sorted(def("ChangeOp")["enum"] as string[]));
  });

  it("finds what it does not fit", () => {
    expect(check({ client_id: "c", protocol_version: 1, cursors: {}, since: 3 }, def("PullRequest"), "pull")).toEqual(["pull.since: unknown field"]);
  });

  it("puts only bodies on the wire that fit the schema", async () => {
    const bodies: { url: string; body: unknown }[] = [];
    const fetchImpl = (async (url: RequestInfo | URL, init?: RequestInit) => {
      const body = JSON.parse(String(init?.body)) as { mutations?: { id: number }[] };
      bodies.push({ url: String(url), body });
      const results = (body.mutations ?? []).map((m) => ({ id: m.id, outcome: "applied" }));
      const answer = String(url).endsWith("/push") ? { results } : { changes: {}, cursors: { c1: 0 }, has_more: false };
      return new Response(JSON.stringify(answer), { status: 200, headers: { "content-type": "application/json" } });
    }) as typeof fetch;
    const client = new SyncClient(await openSyncDb("protocol-wire"), new HttpTransport(fetchImpl), { lock: { tryRun: (t) => t() }, channel: null });
    const conflict = { id: "k1", customer_id: "c1" } as ConflictRecord;
    const made = [
      drafts.customerEdit("c1", { name: "A", key_data: { segment: "A" } }, { name: "B", key_data: { segment: "B" } }),
      drafts.indexValueEdit("d1", "c1", { amount: 1 }, "amount", null),
      drafts.documentEdit("d1", "c1", { title: "T", document_date: "2026-11-01" }, { title: "U", document_date: "2026-11-02" }),
      drafts.assignRegister("d1", "r1", "c1"),
      drafts.unassignRegister("d1", "r1", "c1"),
      drafts.newDocument({ documentId: "d2", customerId: "c1", sha256: "ab".repeat(32), fileName: "a.pdf", mediaType: "application/pdf", title: "A", documentTypeId: "t1", documentDate: "2026-11-29", indexValues: { n: 1 } }),
      drafts.resolution(conflict, "keep_mine"),
      drafts.resolution(conflict, "new_value", 5),
      drafts.resolution(conflict, "new_value"),
      drafts.checkout("c1", 3600),
      drafts.renew("c1", 3600),
      drafts.checkin("c1"),
      drafts.documentView("d1", "c1"),
    ];
    for (const draft of made) await client.change(draft);
    await client.track("c1");
    const report = await client.sync();
    expect(report).toMatchObject({ ran: true, sent: made.length });
    expect(bodies.map((b) => b.url)).toEqual(["/sync/push", "/sync/pull"]);
    expect(check(bodies[0]!.body, def("PushRequest"), "push")).toEqual([]);
    expect(check(bodies[1]!.body, def("PullRequest"), "pull")).toEqual([]);
    const sentIds = (bodies[0]!.body as { mutations: { id: number }[] }).mutations.map((m) => m.id);
    expect(sentIds).toEqual(made.map((_, i) => i + 1));
  });
});
