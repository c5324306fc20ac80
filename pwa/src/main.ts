/** Start-up: theme and language before the first paint, the store, the router, the service worker. */
import "./styles.css";
import { Workbox } from "workbox-window";
import { Repository } from "./data/repository";
import { IdbStore, MemoryStore, type LocalStore } from "./data/store";
import { language, setLanguage } from "./i18n";
import { startRouter } from "./router";
import { setRepository } from "./services";
import { syncSwitchedOff } from "./sync/hooks";
import { applyTheme, savedTheme } from "./theme";
import { updateEvents } from "./updates";

applyTheme(savedTheme());
setLanguage(language());

async function openStore(): Promise<LocalStore> {
  try {
    return await IdbStore.open();
  } catch (error) {
    console.warn("IndexedDB unavailable, keeping data in memory", error);
    return new MemoryStore();
  }
}

function registerServiceWorker(updates: EventTarget): void {
  if (!("serviceWorker" in navigator) || import.meta.env.DEV) return;
  const wb = new Workbox("/sw.js", { scope: "/" });
  // A new version waits until the user agrees, so a form being filled is never reloaded away.
  wb.addEventListener("waiting", () => updates.dispatchEvent(new Event("ready")));
  updates.addEventListener("apply", () => {
    wb.addEventListener("controlling", () => location.reload());
    wb.messageSkipWaiting();
  });
  void wb.register();
}

async function start(): Promise<void> {
  setRepository(new Repository(await openStore()));
  startRouter();
  await import("./app"); // defines <dossier-app>, which then renders
  registerServiceWorker(updateEvents);
  // Offline sync (docs/adr/0025, 0026) runs by default; it sends nothing until something is
  // queued or pinned, so a signed-out device stays quiet. `dossier.sync = "off"` switches it off.
  if (!syncSwitchedOff()) {
    import("./sync/index")
      .then((sync) => sync.startSync())
      .catch((error: unknown) => console.warn("offline sync could not start", error));
  }
}

void start();
