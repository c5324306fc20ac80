/**
 * The sync layer's entry point (main.ts loads it lazily after start unless the device switched it
 * off with `localStorage["dossier.sync"] = "off"`; docs/adr/0026). Opens the sync database,
 * talks HTTP to /sync, and starts the scheduler. A 401 on sync tells the shell the session
 * expired (it shows the sign-in form, the outbox stays); `update_required` asks the service worker
 * to look for a new version (the shell's "Reload" prompt follows), the outbox stays.
 */
import { currentSession, sessionEvents } from "../data/client";
import { repo } from "../services";
import { SyncClient } from "./client";
import { openSyncDb } from "./db";
import { setSyncHooks, syncSwitchedOff } from "./hooks";
import { OfflineEdits } from "./offline-edits";
import { Pinning } from "./pinning";
import { SyncScheduler } from "./scheduler";
import { HttpTransport } from "./transport";

export { SWITCH_KEY, syncSwitchedOff } from "./hooks";

export interface RunningSync {
  client: SyncClient;
  scheduler: SyncScheduler;
  pinning: Pinning;
  /** The screens' edits through the outbox (pinned dossiers, or no connection). */
  edits: OfflineEdits;
  stop(): void;
}

let running: RunningSync | null = null;
let starting: Promise<RunningSync> | null = null;

/** Start once; later (and concurrent) calls answer the same instance. */
export function startSync(): Promise<RunningSync> {
  if (running) return Promise.resolve(running);
  starting ??= begin().finally(() => (starting = null));
  return starting;
}

async function begin(): Promise<RunningSync> {
  const db = await openSyncDb();
  const user = async (): Promise<string | null> => {
    try {
      return (await currentSession())?.user.id ?? null;
    } catch {
      return null; // offline: the push fails anyway, binding waits for the next sync
    }
  };
  const client = new SyncClient(db, new HttpTransport(), { user });
  const scheduler = new SyncScheduler(client);
  const expired = (): void => void sessionEvents.dispatchEvent(new CustomEvent("session-expired"));
  const update = (): void => void navigator.serviceWorker?.getRegistration().then((r) => r?.update());
  client.events.addEventListener("signed-out", expired);
  client.events.addEventListener("update-required", update);
  const pinning = new Pinning(client, repo());
  const edits = new OfflineEdits(client, repo(), pinning);
  void pinning.renewDue().then(() => pinning.refresh());
  scheduler.start();
  // A newer app in another tab upgrades the database: let it, this tab's next start catches up.
  db.addEventListener("versionchange", () => running?.stop());
  running = {
    client,
    scheduler,
    pinning,
    edits,
    stop() {
      setSyncHooks(null);
      scheduler.stop();
      client.events.removeEventListener("signed-out", expired);
      client.events.removeEventListener("update-required", update);
      client.close();
      db.close();
      running = null;
      starting = null;
    },
  };
  setSyncHooks({
    flush: async () => {
      await client.sync();
    },
    stop: () => running?.stop(),
    isPinned: (customerId) => pinning.isPinned(customerId),
    pull: async () => {
      await scheduler.run();
    },
  });
  return running;
}

export function runningSync(): RunningSync | null {
  return running;
}

/** Pinning, unless sync is switched off on this device (then null). */
export async function pinning(): Promise<Pinning | null> {
  if (syncSwitchedOff()) return null;
  return (await startSync()).pinning;
}

/**
 * Where the screens' edits of this dossier go: the outbox (answered here) when the dossier is
 * pinned or the device has no connection; null (GraphQL, as before) otherwise, or when sync is
 * switched off on this device.
 */
export async function offlineEdits(customerId: string, force = false): Promise<OfflineEdits | null> {
  if (syncSwitchedOff()) return null;
  const { edits } = await startSync();
  return force || (await edits.queues(customerId)) ? edits : null;
}
