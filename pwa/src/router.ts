/**
 * Client routes on the History API. Links are plain <a href>; a click anywhere (shadow roots
 * included) on a same-origin link is handled here unless it asks for a download or a new tab.
 */
import type { SearchForm } from "./data/document-search";
import { searchFromParams, searchPath } from "./data/search-address";

export type Route =
  | { name: "search"; focus: boolean }
  | { name: "login" }
  | { name: "dossier"; customerId: string; tab: string }
  | { name: "document"; documentId: string }
  | { name: "capture"; customerId: string | null; shared: boolean }
  | { name: "settings" }
  | { name: "today" }
  | { name: "inbox" }
  | { name: "documents"; search: SearchForm }
  | { name: "views" }
  | { name: "view"; viewId: string }
  | { name: "map"; mode: "all" | "near" | "route" }
  | { name: "outbox" }
  | { name: "conflicts" }
  | { name: "notifications" }
  | { name: "subscriptions" }
  | { name: "not-found" };

/** The tab of a dossier that shows a saved view (a virtual register). */
export const VIEW_TAB = "view:";

export function parseRoute(url: URL): Route {
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const [first, second, third, fourth] = parts;
  if (parts.length === 0) return { name: "search", focus: url.searchParams.has("focus") };
  if (first === "login" && parts.length === 1) return { name: "login" };
  if (first === "customers" && second) {
    if (parts.length === 2) return { name: "dossier", customerId: second, tab: "cover" };
    if (third === "all" && parts.length === 3) return { name: "dossier", customerId: second, tab: "all" };
    if (third === "r" && fourth && parts.length === 4) return { name: "dossier", customerId: second, tab: fourth };
    if (third === "v" && fourth && parts.length === 4) {
      return { name: "dossier", customerId: second, tab: VIEW_TAB + fourth };
    }
  }
  if (first === "documents" && second && parts.length === 2) return { name: "document", documentId: second };
  if (first === "capture" && parts.length === 1) {
    return {
      name: "capture",
      customerId: url.searchParams.get("customer"),
      shared: url.searchParams.has("shared"),
    };
  }
  if (first === "settings" && parts.length === 1) return { name: "settings" };
  if (first === "today" && parts.length === 1) return { name: "today" };
  if (first === "inbox" && parts.length === 1) return { name: "inbox" };
  if (first === "search" && parts.length === 1) {
    return { name: "documents", search: searchFromParams(url.searchParams) };
  }
  if (first === "map" && parts.length === 1) return { name: "map", mode: "all" };
  if (first === "map" && (second === "near" || second === "route") && parts.length === 2) return { name: "map", mode: second };
  if (first === "views" && parts.length === 1) return { name: "views" };
  if (first === "outbox" && parts.length === 1) return { name: "outbox" };
  if (first === "conflicts" && parts.length === 1) return { name: "conflicts" };
  if (first === "views" && second && parts.length === 2) return { name: "view", viewId: second };
  if (first === "notifications" && parts.length === 1) return { name: "notifications" };
  if (first === "notifications" && second === "subscriptions" && parts.length === 2) return { name: "subscriptions" };
  return { name: "not-found" };
}

export function dossierPath(customerId: string, tab = "cover"): string {
  const base = `/customers/${encodeURIComponent(customerId)}`;
  if (tab === "cover") return base;
  if (tab === "all") return base + "/all";
  if (tab.startsWith(VIEW_TAB)) return `${base}/v/${encodeURIComponent(tab.slice(VIEW_TAB.length))}`;
  return `${base}/r/${encodeURIComponent(tab)}`;
}

/** Document search, with the words typed and the customer it is narrowed to. */
/** The document search's address with its words and filters (see data/search-address). */
export const documentSearchPath = searchPath;

export function viewPath(viewId: string): string {
  return `/views/${encodeURIComponent(viewId)}`;
}

export const NOTIFICATIONS_PATH = "/notifications";
export const SUBSCRIPTIONS_PATH = "/notifications/subscriptions";

export function documentPath(documentId: string): string {
  return `/documents/${encodeURIComponent(documentId)}`;
}

export const routeEvents = new EventTarget();

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  routeEvents.dispatchEvent(new Event("change"));
}

export function startRouter(): void {
  window.addEventListener("popstate", () => routeEvents.dispatchEvent(new Event("change")));
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    const anchor = event.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!anchor || anchor.target || anchor.hasAttribute("download") || anchor.dataset["external"] !== undefined) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin) return;
    if (/^\/(files|renditions|graphql|auth|health)\b/.test(url.pathname)) return;
    event.preventDefault();
    if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search);
  });
}
