// Field-level three-way merge of a change made on this device (`mine`, made on `base`) onto the
// server's current fields (`theirs`). The same function as sync/merge.py on the server; both run
// the shared vectors in schema/sync-merge-vectors.json (merge.test.ts), so they agree.
//
// Per field of `mine`: the same value on both sides is nothing to do; only mine changed takes
// mine; only theirs changed keeps theirs; both changed differently is a conflict (theirs stays,
// mine is kept in the conflict). A field that is an object in mine and theirs (and in base, or
// missing or null there) merges per key by the same rules. A key missing from a side is "absent",
// a value of its own (not null). Values compare as JSON: 1 equals 1.0, true is not 1.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface FieldConflict {
  field: string;
  /** The key of a per-key field (index values), else null. */
  key: string | null;
  /** Missing when absent on that side. */
  base?: Json;
  mine?: Json;
  theirs?: Json;
}

export interface MergeResult {
  /** What to write: the fields whose server value changes (an object field as a whole). */
  patch: JsonObject;
  /** Ordered by field, then key. */
  conflicts: FieldConflict[];
  /** The server had changed something the base knew of. */
  merged: boolean;
}

const ABSENT: unique symbol = Symbol("absent");
type Side = Json | typeof ABSENT;

function get(object: JsonObject, key: string): Side {
  return Object.prototype.hasOwnProperty.call(object, key) ? (object[key] as Json) : ABSENT;
}

function isMap(value: Side): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON equality: numbers by value, booleans apart from numbers, absent equal to itself only. */
export function same(a: Side, b: Side): boolean {
  if (a === ABSENT || b === ABSENT) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i] as Json));
  }
  if (isMap(a) || isMap(b)) {
    if (!isMap(a) || !isMap(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => get(b, k) !== ABSENT && same(a[k] as Json, b[k] as Json));
  }
  return a === b;
}

function mergeValue(field: string, key: string | null, b: Side, m: Side, t: Side, conflicts: FieldConflict[]): [Side, boolean] {
  if (same(m, t)) return [t, !same(t, b)];
  if (same(t, b)) return [m, false];
  if (!same(m, b)) {
    const conflict: FieldConflict = { field, key };
    if (b !== ABSENT) conflict.base = b;
    if (m !== ABSENT) conflict.mine = m;
    if (t !== ABSENT) conflict.theirs = t;
    conflicts.push(conflict);
  }
  return [t, true];
}

function mergeMap(field: string, base: JsonObject, mine: JsonObject, theirs: JsonObject, conflicts: FieldConflict[]): [JsonObject, boolean] {
  const value: JsonObject = {};
  let merged = false;
  const keys = [...new Set([...Object.keys(base), ...Object.keys(mine), ...Object.keys(theirs)])].sort(byName);
  for (const key of keys) {
    const [taken, changed] = mergeValue(field, key, get(base, key), get(mine, key), get(theirs, key), conflicts);
    merged = merged || changed;
    if (taken !== ABSENT) value[key] = taken;
  }
  return [value, merged];
}

export function merge(base: JsonObject, mine: JsonObject, theirs: JsonObject): MergeResult {
  const patch: JsonObject = {};
  const conflicts: FieldConflict[] = [];
  let merged = false;
  for (const name of Object.keys(mine).sort(byName)) {
    const b = get(base, name);
    const m = get(mine, name);
    const t = get(theirs, name);
    let value: Side;
    let changed: boolean;
    if (isMap(m) && isMap(t) && (b === ABSENT || b === null || isMap(b))) {
      [value, changed] = mergeMap(name, isMap(b) ? b : {}, m, t, conflicts);
    } else {
      [value, changed] = mergeValue(name, null, b, m, t, conflicts);
    }
    merged = merged || changed;
    if (value !== ABSENT && !same(value, t)) patch[name] = value;
  }
  for (const name of Object.keys(base)) {
    if (!Object.prototype.hasOwnProperty.call(mine, name) && !same(base[name] as Json, get(theirs, name))) merged = true;
  }
  return { patch, conflicts, merged };
}
