import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { merge, same, type FieldConflict, type JsonObject } from "./merge";

interface Vector {
  name: string;
  base: JsonObject;
  mine: JsonObject;
  theirs: JsonObject;
  expected: { patch: JsonObject; conflicts: FieldConflict[]; merged: boolean };
}

// The same file pytest runs against sync/merge.py (tests/sync/test_merge_vectors.py); Vitest runs in pwa/.
const vectors = JSON.parse(readFileSync(resolve(process.cwd(), "../schema/sync-merge-vectors.json"), "utf8")) as { cases: Vector[] };

describe("the shared merge vectors", () => {
  it("are there", () => {
    expect(vectors.cases.length).toBeGreaterThan(100);
  });

  it.each(vectors.cases.map((c) => [c.name, c] as const))("%s", (_, vector) => {
    const result = merge(vector.base, vector.mine, vector.theirs);
    expect(same(result.patch, vector.expected.patch)).toBe(true);
    expect(result.conflicts.length).toBe(vector.expected.conflicts.length);
    result.conflicts.forEach((conflict, i) => {
      const expected = vector.expected.conflicts[i] as FieldConflict;
      expect([conflict.field, conflict.key]).toEqual([expected.field, expected.key]);
      for (const side of ["base", "mine", "theirs"] as const) {
        expect(side in conflict, side).toBe(side in expected);
        if (side in expected) expect(same(conflict[side] as JsonObject, expected[side] as JsonObject), side).toBe(true);
      }
    });
    expect(result.merged).toBe(vector.expected.merged);
  });
});

it("tells null from absent and booleans from numbers", () => {
  expect(merge({}, { status: null }, {}).patch).toEqual({ status: null });
  expect(merge({ n: 0 }, { n: true }, { n: 1 }).conflicts).toEqual([{ field: "n", key: null, base: 0, mine: true, theirs: 1 }]);
  expect(same(1, 1.0)).toBe(true);
  expect(same(true, 1)).toBe(false);
});
