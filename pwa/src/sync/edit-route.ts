/**
 * Which way a screen's edit goes (docs/adr/0031): through the outbox when the dossier is pinned or
 * the device has no connection, else through GraphQL as before, and through the outbox after all
 * when GraphQL finds no connection. Small and in the screens' chunks: the sync code loads only
 * when the outbox is asked (it runs already on every device that did not switch it off).
 */
import { Offline } from "../data/client";
import { syncSwitchedOff } from "./hooks";
import type { OfflineEdits } from "./offline-edits";

async function edits(customerId: string, force: boolean): Promise<OfflineEdits | null> {
  if (syncSwitchedOff()) return null;
  try {
    return await (await import("./index")).offlineEdits(customerId, force);
  } catch (error) {
    console.warn("offline edits", error);
    return null; // no sync database (private mode, blocked storage): GraphQL as before
  }
}

/** Where the outbox is found: null means GraphQL (`force`: no connection, whatever the pin). */
export type FindEdits = (customerId: string, force: boolean) => Promise<OfflineEdits | null>;

export async function editThrough<Queued, Online>(
  customerId: string,
  queued: (edits: OfflineEdits) => Promise<Queued>,
  online: () => Promise<Online>,
  find: FindEdits = edits,
): Promise<Queued | Online> {
  const first = await find(customerId, false);
  if (first) return queued(first);
  try {
    return await online();
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    const outbox = await find(customerId, true);
    if (!outbox) throw error;
    return queued(outbox);
  }
}

/** A document shown without a connection: recorded for the audit trail (nothing when sync is off). */
export async function recordOfflineView(documentId: string, customerId: string): Promise<void> {
  const outbox = await edits(customerId, true);
  await outbox?.viewed(documentId, customerId);
}
