/// <reference lib="webworker" />
/**
 * The service worker: precaches the app shell (the list is injected at build time), answers every
 * client route with index.html so the app starts without network, keeps viewed preview images and
 * map tiles,
 * receives files shared from other apps (share_target), and shows Web Push notifications.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from "workbox-precaching";
import { NavigationRoute, registerRoute } from "workbox-routing";
import { CacheFirst, type Strategy } from "workbox-strategies";
import type { RouteHandlerCallbackOptions } from "workbox-core";
import { ExpirationPlugin } from "workbox-expiration";
import { SHARE_CACHE } from "./capture/shared-files";
import { de } from "./i18n/de";
import { en, type MessageKey } from "./i18n/en";
import { pl } from "./i18n/pl";
import { pickLanguage, type Language } from "./i18n/index";
import { clickTarget, notificationFor, parsePushPayload, PUSH_ARRIVED_MESSAGE } from "./notifications/push-message";
import { BACKGROUND_SYNC_TAG, SW_SYNC_MESSAGE } from "./sync/scheduler";
import { PIN_FETCH_HEADER, PINNED_CACHE } from "./sync/files";

declare const self: ServiceWorkerGlobalScope;

/** Server paths that are never the app shell. */
const SERVER_PATHS = [/^\/graphql/, /^\/auth\//, /^\/files\//, /^\/renditions\//, /^\/health/, /^\/audit\//, /^\/sync\//];

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

registerRoute(new NavigationRoute(createHandlerBoundToURL("/index.html"), { denylist: SERVER_PATHS }));

/** Files of pinned dossiers (sync/files.ts, PINNED_CACHE) first: kept on purpose, within the user's budget. */
function pinnedFirst(fallback: Strategy | null) {
  return async (options: RouteHandlerCallbackOptions): Promise<Response> => {
    const request = options.request as Request;
    const pinned = await caches.match(request, { cacheName: PINNED_CACHE, ignoreSearch: request.url.includes("/files/"), ignoreVary: true });
    if (pinned) return pinned;
    return fallback ? fallback.handle(options as Parameters<Strategy["handle"]>[0]) : fetch(request);
  };
}

/**
 * Same-origin GETs under `prefix`, except the page's own fetches for pinned files (sync/files.ts
 * marks them with PIN_FETCH_HEADER): the page keeps those itself, so they go straight to the
 * network instead of being matched and stored once more here.
 */
const sameOriginGet = (prefix: string) => ({ url, request }: { url: URL; request: Request }): boolean =>
  request.method === "GET" && url.origin === self.location.origin && url.pathname.startsWith(prefix) && !request.headers.has(PIN_FETCH_HEADER);

// Renditions are immutable (their id changes with the content): keep the ones the user has seen.
registerRoute(
  sameOriginGet("/renditions/"),
  pinnedFirst(
    new CacheFirst({
      cacheName: "dossier-renditions",
      plugins: [new ExpirationPlugin({ maxEntries: 500, maxAgeSeconds: 30 * 24 * 3600, purgeOnQuotaError: true })],
    }),
  ),
);

// A version's file (immutable by version id): from a pinned dossier's files, else the network.
registerRoute(sameOriginGet("/files/"), pinnedFirst(null));

// Map tiles the user has seen (or prepared for offline where the tile server allows it; ADR 0022):
// any other origin's /{z}/{x}/{y}.png|jpg|webp, a bounded cache whose least recently used tiles go
// first. Only CORS answers are kept (Leaflet asks with crossorigin): opaque ones cost megabytes of
// quota each.
const TILE_PATH = /\/\d{1,2}\/\d+\/\d+(@2x)?\.(png|jpe?g|webp)$/;
registerRoute(
  ({ url, request }) => request.method === "GET" && url.origin !== self.location.origin && TILE_PATH.test(url.pathname),
  new CacheFirst({
    cacheName: "dossier-tiles",
    plugins: [new ExpirationPlugin({ maxEntries: 3000, maxAgeSeconds: 60 * 24 * 3600, purgeOnQuotaError: true })],
  }),
);

async function receiveShare(request: Request): Promise<Response> {
  const form = await request.formData();
  const cache = await caches.open(SHARE_CACHE);
  let n = 0;
  for (const value of form.getAll("files")) {
    if (typeof value === "string") continue;
    n += 1;
    await cache.put(
      `/shared/${Date.now()}-${n}`,
      new Response(value, { headers: { "content-type": value.type, "x-filename": encodeURIComponent(value.name) } }),
    );
  }
  return Response.redirect("/capture?shared=1", 303);
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method === "POST" && url.origin === self.location.origin && url.pathname === "/share-target") {
    event.respondWith(receiveShare(event.request));
  }
});

self.addEventListener("message", (event) => {
  if ((event.data as { type?: string } | null)?.type === "SKIP_WAITING") void self.skipWaiting();
});

// -- Web Push: show the notification, open the document when it is clicked -----------------------

function translator(): { translate: (key: MessageKey) => string; lang: Language } {
  const lang = pickLanguage(self.navigator.languages ?? [], null);
  const catalog = { en, pl, de }[lang];
  return { translate: (key) => catalog[key], lang };
}

self.addEventListener("push", (event) => {
  let payload = null;
  try {
    payload = parsePushPayload(event.data?.text() ?? null);
  } catch {
    payload = null;
  }
  if (payload === null) return;
  const { translate, lang } = translator();
  const shown = notificationFor(payload, translate, lang);
  // Open windows read their unread count again (notifications/notification-bell.ts).
  const tellWindows = self.clients
    .matchAll({ type: "window" })
    .then((windows) => windows.forEach((client) => client.postMessage({ type: PUSH_ARRIVED_MESSAGE })));
  event.waitUntil(Promise.all([self.registration.showNotification(shown.title, shown.options), tellWindows]));
});

async function openApp(path: string): Promise<void> {
  const url = new URL(path, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) {
    if (new URL(client.url).origin !== self.location.origin) continue;
    const focused = await client.focus();
    await focused.navigate(url);
    return;
  }
  await self.clients.openWindow(url);
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openApp(clickTarget(event.notification.data)));
});

// -- Background Sync (Chromium): the open windows push the outbox (sync/scheduler.ts) --------------

self.addEventListener("sync", (event) => {
  const sync = event as ExtendableEvent & { tag?: string };
  if (sync.tag !== BACKGROUND_SYNC_TAG) return;
  sync.waitUntil(
    self.clients.matchAll({ type: "window" }).then((windows) => {
      for (const client of windows) client.postMessage({ type: SW_SYNC_MESSAGE });
    }),
  );
});
