/**
 * Deleting what this device keeps: on sign-out (after a warning when changes still wait) and,
 * without asking, when the server says the device was revoked (docs/adr/0027).
 *
 * What goes: the screens' store (data/store.ts), the sync database (outbox, pinned dossiers,
 * cursors, conflicts, captured files), every runtime cache of files (renditions, shared files,
 * map tiles) and the device key. What stays: the app shell's precache (it holds no data), the
 * language, theme and sync opt-in settings.
 */
import { openDB } from "idb";
import { SYNC_DB_NAME as SYNC_DB } from "../sync/db";
import { syncHooks } from "../sync/hooks";
import { forgetDeviceKey } from "./device";

const PENDING = new Set(["waiting", "sending"]);

async function syncDbExists(): Promise<boolean> {
  if (typeof indexedDB.databases !== "function") return true;
  return (await indexedDB.databases()).some((db) => db.name === SYNC_DB);
}

/**
 * How many changes of the outbox the server has not received; sends what it can first. Opens
 * the sync database only if it exists, and never creates it.
 */
export async function unsentChanges(): Promise<number> {
  await syncHooks()?.flush().catch(() => undefined);
  if (!(await syncDbExists())) return 0;
  const db = await openDB(SYNC_DB);
  try {
    if (!db.objectStoreNames.contains("outbox")) return 0;
    const items = (await db.getAll("outbox")) as { state?: string }[];
    return items.filter((item) => PENDING.has(item.state ?? "")).length;
  } finally {
    db.close();
  }
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error(`could not delete ${name}`));
    // Another tab still has it open: it closes on "versionchange" (sync/index.ts), then this ends.
    request.onblocked = () => undefined;
  });
}

/** Every cache but Workbox's precache of the app shell. */
export async function clearFileCaches(): Promise<string[]> {
  if (typeof caches === "undefined") return [];
  const names = (await caches.keys()).filter((name) => !name.startsWith("workbox-precache"));
  await Promise.all(names.map((name) => caches.delete(name)));
  return names;
}

/** `forgetScreens` empties the screens' store (Repository.forget). */
export async function wipeLocalData(forgetScreens: () => Promise<void>): Promise<void> {
  syncHooks()?.stop();
  await Promise.all([forgetScreens(), deleteDatabase(SYNC_DB), clearFileCaches()]);
  forgetDeviceKey();
}
