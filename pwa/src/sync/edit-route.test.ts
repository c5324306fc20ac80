import { describe, expect, it } from "vitest";
import { Offline } from "../data/client";
import { editThrough, type FindEdits } from "./edit-route";
import type { OfflineEdits } from "./offline-edits";

const outbox = {} as OfflineEdits;
const asked: [string, boolean][] = [];
const finder =
  (queues: boolean, syncOn = true): FindEdits =>
  async (customerId, force) => {
    asked.push([customerId, force]);
    return syncOn && (force || queues) ? outbox : null;
  };

describe("which way an edit goes", () => {
  it("pinned or offline: the outbox, GraphQL is not asked", async () => {
    asked.length = 0;
    const online = async (): Promise<string> => {
      throw new Error("GraphQL asked");
    };
    expect(await editThrough("c1", async (e) => (e === outbox ? "queued" : "?"), online, finder(true))).toBe("queued");
    expect(asked).toEqual([["c1", false]]);
  });

  it("online and not pinned: GraphQL", async () => {
    expect(await editThrough("c1", async () => "queued", async () => "saved", finder(false))).toBe("saved");
  });

  it("GraphQL finds no connection: the outbox after all; other errors stay errors", async () => {
    asked.length = 0;
    const offline = async (): Promise<string> => {
      throw new Offline();
    };
    expect(await editThrough("c1", async () => "queued", offline, finder(false))).toBe("queued");
    expect(asked).toEqual([
      ["c1", false],
      ["c1", true],
    ]);
    const broken = async (): Promise<string> => {
      throw new Error("boom");
    };
    await expect(editThrough("c1", async () => "queued", broken, finder(false))).rejects.toThrow("boom");
    // Sync switched off: the offline error is the screen's to show.
    await expect(editThrough("c1", async () => "queued", offline, finder(false, false))).rejects.toBeInstanceOf(Offline);
  });
});
