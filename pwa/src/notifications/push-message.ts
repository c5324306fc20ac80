/**
 * What a Web Push message from the server says, and the notification the service worker shows
 * for it. The payload carries ids, the event and a short title only (docs/adr/0019); anything
 * else is fetched with the user's session when the document opens. "A conflict waits" names the
 * dossier and opens the conflicts screen.
 */
import type { MessageKey } from "../i18n/en";
import { documentPath } from "../router";

/** Posted by the service worker to open windows when a push arrived. */
export const PUSH_ARRIVED_MESSAGE = "dossier-push-arrived";

export type PushEvent = "document_created" | "version_added" | "status_changed";

export interface DocumentPushPayload {
  type: PushEvent;
  documentId: string;
  customerId: string;
  title: string;
  versionId?: string;
}

export interface ConflictPushPayload {
  type: "conflict_waiting";
  conflictId: string;
  customerId: string;
  /** The dossier's name. */
  title: string;
}

export type PushPayload = DocumentPushPayload | ConflictPushPayload;

const HEADINGS: Record<PushPayload["type"], MessageKey> = {
  document_created: "push.documentCreated",
  version_added: "push.versionAdded",
  status_changed: "push.statusChanged",
  conflict_waiting: "push.conflictWaiting",
};

const CONFLICTS_PATH = "/conflicts";

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
  if (!isText(d["customerId"]) || typeof d["title"] !== "string") return null;
  if (type === "conflict_waiting") {
    if (!isText(d["conflictId"])) return null;
    return { type, conflictId: d["conflictId"], customerId: d["customerId"], title: d["title"] };
  }
  if (!isText(d["documentId"])) return null;
  const payload: DocumentPushPayload = {
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
 * document so a newer event replaces an older one, opening the document when clicked; a conflict
 * names its dossier, is tagged by dossier and opens the conflicts screen.
 */
export function notificationFor(
  payload: PushPayload,
  translate: (key: MessageKey) => string,
  lang: string,
): ShownNotification {
  if (payload.type === "conflict_waiting") {
    return {
      title: translate(HEADINGS[payload.type]),
      options: { body: payload.title, tag: `conflict:${payload.customerId}`, data: { url: CONFLICTS_PATH }, lang },
    };
  }
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
