/**
 * What the shell may ask of the running sync layer without loading it: a tiny module in the
 * entry chunk that sync/index.ts fills in when it starts (docs/adr/0027). Nothing registered
 * means sync is not running in this tab.
 */
export interface SyncHooks {
  /** Try to send what waits now (resolves when the attempt ends, sent or not). */
  flush(): Promise<void>;
  /** Stop and close the sync database, so it can be deleted. */
  stop(): void;
  /** Whether the dossier is pinned on this device (live updates ask, docs/adr/0019). */
  isPinned?(customerId: string): Promise<boolean>;
  /** Sync now, pulling the pinned dossiers (a live event says one changed). */
  pull?(): Promise<void>;
}

let hooks: SyncHooks | null = null;

export function setSyncHooks(next: SyncHooks | null): void {
  hooks = next;
}

export function syncHooks(): SyncHooks | null {
  return hooks;
}

/** Offline sync runs on every device unless switched off there (docs/adr/0026). */
export const SWITCH_KEY = "dossier.sync";

export function syncSwitchedOff(): boolean {
  try {
    return localStorage.getItem(SWITCH_KEY) === "off";
  } catch {
    return false; // storage blocked: sync stays on
  }
}
