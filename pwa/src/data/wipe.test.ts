import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { openSyncDb, SYNC_DB_NAME } from "../sync/db";
import { setSyncHooks } from "../sync/hooks";
import { Outbox } from "../sync/outbox";
import { documentView } from "../sync/mutations";
import { deviceKey } from "./device";
import { unsentChanges, wipeLocalData } from "./wipe";

async function syncDbExists(): Promise<boolean> {
  return (await indexedDB.databases()).some((db) => db.name === SYNC_DB_NAME);
}

afterEach(() => setSyncHooks(null));

describe("deleting what the device keeps", () => {
  it("counts unsent changes without creating the sync database", async () => {
    expect(await unsentChanges()).toBe(0);
    expect(await syncDbExists()).toBe(false);
  });

  it("counts waiting changes after trying to send them, then deletes everything", async () => {
    const db = await openSyncDb();
    const outbox = new Outbox(db);
    await outbox.add(documentView("d1", "c1"));
    await outbox.add(documentView("d2", "c1"));
    await outbox.claim(1);
    await outbox.record([{ id: 1, outcome: "applied", revision: 1 }]);
    let flushed = 0;
    let stopped = 0;
    setSyncHooks({ flush: async () => void (flushed += 1), stop: () => void ((stopped += 1), db.close()) });
    expect(await unsentChanges()).toBe(1);
    expect(flushed).toBe(1);

    const key = deviceKey();
    let forgot = 0;
    await wipeLocalData(async () => void (forgot += 1));
    expect([stopped, forgot]).toEqual([1, 1]);
    expect(await syncDbExists()).toBe(false);
    expect(deviceKey()).not.toBe(key); // a wiped browser is a new device
  });
});
