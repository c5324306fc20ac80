/**
 * The tenant's register tree (registers may nest) in display order: each register after its
 * parent, siblings by position. A register whose parent is unknown (not readable, or a broken
 * reference) is shown at the top level rather than lost; a cycle cannot hide a register either.
 */

export interface RegisterLike {
  id: string;
  key: string;
  name: string;
  parentId: string | null;
  position: number;
}

export interface RegisterNode<R extends RegisterLike = RegisterLike> {
  register: R;
  /** 0 for a top-level register. */
  depth: number;
  /** The key of its top-level ancestor (itself at the top). */
  topKey: string;
  /** Keys from the top-level ancestor down to this register. */
  path: string[];
  childCount: number;
}

/** Depth-first, pre-order: the order tabs and the cover sheet's list show them in. */
export function registerTree<R extends RegisterLike>(registers: readonly R[]): RegisterNode<R>[] {
  const ids = new Set(registers.map((r) => r.id));
  const children = new Map<string | null, R[]>();
  for (const r of registers) {
    const parent = r.parentId && ids.has(r.parentId) && r.parentId !== r.id ? r.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  for (const list of children.values()) list.sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
  const out: RegisterNode<R>[] = [];
  const seen = new Set<string>();
  const visit = (r: R, path: string[]): void => {
    if (seen.has(r.id)) return;
    seen.add(r.id);
    const here = [...path, r.key];
    out.push({
      register: r,
      depth: path.length,
      topKey: here[0] ?? r.key,
      path: here,
      childCount: children.get(r.id)?.length ?? 0,
    });
    for (const child of children.get(r.id) ?? []) visit(child, here);
  };
  for (const r of children.get(null) ?? []) visit(r, []);
  // Registers only reachable through a cycle: at the top level, in their order.
  for (const r of [...registers].sort((a, b) => a.position - b.position)) visit(r, []);
  return out;
}
