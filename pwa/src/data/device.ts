/**
 * This browser's device key, sent as `X-Dossier-Device` by the GraphQL client and the sync
 * transport so the server can list the device and revoke it (docs/adr/0027). Made once, kept in
 * localStorage, and forgotten by a wipe, so a wiped browser registers as a new device.
 */
const KEY = "dossier.device";

function newKey(): string {
  return typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The key, made on first use; null where storage is blocked (the server then registers nothing). */
export function deviceKey(): string | null {
  try {
    let key = localStorage.getItem(KEY);
    if (!key) {
      key = newKey();
      localStorage.setItem(KEY, key);
    }
    return key;
  } catch {
    return null;
  }
}

export function forgetDeviceKey(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    /* storage blocked: nothing kept */
  }
}
