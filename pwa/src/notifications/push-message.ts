/**
 * What a Web Push message from the server says, and the notification the service worker shows
 * for it. The payload carries ids, the event and a short title only (docs/adr/0019); anything
 * else is fetched with the user's session when the document opens.
 */
import type { MessageKey } from "../i18n/en";
import { documentPath } from "../router";

/** Posted by the service worker to open windows when a push arrived. */
export const PUSH_ARRIVED_MESSAGE = "dossier-push-arrived";

export type PushEvent = "document_created" | "version_added" | "status_changed";

export interface PushPayload {
  type: PushEvent;
  documentId: string;
  customerId: string;
  title: string;
  versionId?: string;
}

const HEADINGS: Record<PushEvent, MessageKey> = {
  document_created: "push.documentCreated",
  version_added: "push.versionAdded",
  status_changed: "push.statusChanged",
};

function isText(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/** The payload, or null when it is not one of ours (never throws on a stranger's message). */
export function parsePushPayload(raw: unknown): PushPayload | null {
  let data: unknown = raw;
  if (typeof raw === "string") {
    try {
      data = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (typeof data !== "object" || data === null) return null;
  const d = data as Record<string, unknown>;
  const type = d["type"];
  if (typeof type !== "string" || !(type in HEADINGS)) return null;
  if (!isText(d["documentId"]) || !isText(d["customerId"]) || typeof d["title"] !== "string") return null;
  const payload: PushPayload = {
    type: type as PushEvent,
    documentId: d["documentId"],
    customerId: d["customerId"],
    title: d["title"],
  };
  if (isText(d["versionId"])) payload.versionId = d["versionId"];
  return payload;
}

export interface ShownNotification {
  title: string;
  options: { body: string; tag: string; data: { url: string }; lang: string };
}

/**
 * The notification for ``payload``: the event as heading, the document's title as body, tagged by
 * document so a newer event replaces an older one, opening the document when clicked.
 */
export function notificationFor(
  payload: PushPayload,
  translate: (key: MessageKey) => string,
  lang: string,
): ShownNotification {
  return {
    title: translate(HEADINGS[payload.type]),
    options: {
      body: payload.title,
      tag: `document:${payload.documentId}`,
      data: { url: documentPath(payload.documentId) },
      lang,
    },
  };
}

/** The app URL a clicked notification opens: its own, if it is a path of this app. */
export function clickTarget(data: unknown): string {
  const url = (data as { url?: unknown } | null)?.url;
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : "/";
}
