/**
 * Live updates in the app (docs/adr/0019): the shell loads this lazily after sign-in and stops it
 * on sign-out; it is not on the critical path. Events go to the open dossier or document (read
 * from the address bar, so the screens need not register) and to the pinned dossiers' sync.
 */
import { createClient } from "graphql-ws";
import { announceSignedOut } from "../data/client";
import { parseRoute } from "../router";
import { repo } from "../services";
import { syncHooks } from "../sync/hooks";
import { LiveUpdates } from "./live-client";
import { LiveRouter } from "./routing";

let live: LiveUpdates | null = null;

function socketUrl(): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/graphql`;
}

function currentRoute() {
  return parseRoute(new URL(location.href));
}

/** Start once (sign-in, or a start with a session); a second call keeps the running one. */
export function startLive(): void {
  if (live) return;
  const router = new LiveRouter({
    openDossier: () => {
      const route = currentRoute();
      return route.name === "dossier" ? route.customerId : null;
    },
    openDocument: () => {
      const route = currentRoute();
      return route.name === "document" ? route.documentId : null;
    },
    refreshDossier: (customerId) => repo().refreshDossier(customerId),
    refreshDocument: (documentId) => repo().refreshDocument(documentId),
    isPinned: async (customerId) => (await syncHooks()?.isPinned?.(customerId)) ?? false,
    pull: async () => {
      await syncHooks()?.pull?.();
    },
  });
  live = new LiveUpdates({
    url: socketUrl(),
    createClient,
    onEvent: (event) => void router.handle(event),
    onReconnected: () => void router.catchUp(),
    onSignedOut: (code) => {
      live = null;
      announceSignedOut(code);
    },
  });
  live.start();
}

/** Sign-out, an expired session or a wiped device: close the connection. */
export function stopLive(): void {
  live?.stop();
  live = null;
}
