/** The register tree: parents before children, siblings by position, nothing lost. */
import { expect, it } from "vitest";
import { registerTree } from "./register-tree";

const reg = (id: string, parentId: string | null, position: number) => ({ id, key: id, name: id.toUpperCase(), parentId, position });

it("orders each register after its parent, siblings by position, with depth and path", () => {
  const tree = registerTree([
    reg("orders", null, 2),
    reg("correspondence", null, 1),
    reg("delivery", "orders", 2),
    reg("confirmations", "orders", 1),
    reg("signed", "delivery", 1),
  ]);
  expect(tree.map((n) => [n.register.key, n.depth, n.topKey, n.childCount])).toEqual([
    ["correspondence", 0, "correspondence", 0],
    ["orders", 0, "orders", 2],
    ["confirmations", 1, "orders", 0],
    ["delivery", 1, "orders", 1],
    ["signed", 2, "orders", 0],
  ]);
  expect(tree.at(-1)?.path).toEqual(["orders", "delivery", "signed"]);
});

it("keeps registers with an unknown parent or in a cycle at the top level", () => {
  const tree = registerTree([reg("a", "missing", 1), reg("b", "c", 2), reg("c", "b", 3), reg("d", "d", 4)]);
  expect(tree.map((n) => n.register.key).sort()).toEqual(["a", "b", "c", "d"]);
  expect(tree.find((n) => n.register.key === "a")?.depth).toBe(0);
  expect(tree.find((n) => n.register.key === "d")?.depth).toBe(0);
});
