/**
 * The in-app notification list and its unread count (docs/adr/0019): one row per event,
 * read up to the user's "seen up to" mark. `inbox` keeps the count for the top bar's badge and
 * fires "unread" when it changes.
 */
import { ApiError, gql } from "../data/client";
import type { NotificationChannel, NotificationEvent } from "./subscriptions";

export interface InboxItem {
  id: string;
  event: NotificationEvent;
  documentId: string;
  channels: NotificationChannel[];
  createdAt: string;
  read: boolean;
  /** Null when the user may no longer read the document. */
  document: { title: string; customerId: string } | null;
}

export interface InboxPage {
  items: InboxItem[];
  unreadCount: number;
  seenUpTo: string | null;
}

type Failure = { __typename: string; code: string; message: string };

export async function fetchInbox(first = 30): Promise<InboxPage> {
  const { notifications: result } = await gql<{ notifications: InboxPage | Failure }, { first: number }>(
    `query ($first: Int!) { notifications(first: $first) {
      __typename ... on NotificationList { unreadCount seenUpTo
        items { id event documentId channels createdAt read document { title customerId } } }
      ... on Error { code message } } }`,
    { first },
  );
  if ("code" in result) throw new ApiError(result.code, result.message);
  return { items: result.items, unreadCount: result.unreadCount, seenUpTo: result.seenUpTo };
}

export async function fetchUnreadCount(): Promise<number> {
  return (await gql<{ unreadNotificationCount: number }>("{ unreadNotificationCount }")).unreadNotificationCount;
}

/** Mark read up to `upTo` (the newest row shown, so one that arrived meanwhile stays unread). */
export async function markRead(upTo: string | null): Promise<number> {
  const { markNotificationsRead: result } = await gql<
    { markNotificationsRead: { unreadCount: number } | Failure },
    { upTo: string | null }
  >(
    `mutation ($upTo: DateTime) { markNotificationsRead(upTo: $upTo) {
      __typename ... on NotificationsRead { unreadCount } ... on Error { code message } } }`,
    { upTo },
  );
  if ("code" in result) throw new ApiError(result.code, result.message);
  return result.unreadCount;
}

/** The newest moment among the rows (ISO strings of one server compare as instants). */
export function newestCreatedAt(items: readonly InboxItem[]): string | null {
  let newest: string | null = null;
  let newestMs = -Infinity;
  for (const item of items) {
    const ms = Date.parse(item.createdAt);
    if (ms > newestMs) {
      newestMs = ms;
      newest = item.createdAt;
    }
  }
  return newest;
}

/** What the badge shows: nothing for none, the count up to 99, then "99+". */
export function badgeText(count: number): string {
  if (count <= 0) return "";
  return count > 99 ? "99+" : String(count);
}

export class Inbox extends EventTarget {
  unread = 0;

  private set(count: number): void {
    if (count === this.unread) return;
    this.unread = count;
    this.dispatchEvent(new Event("unread"));
  }

  async refresh(): Promise<number> {
    this.set(await fetchUnreadCount());
    return this.unread;
  }

  async page(first = 30): Promise<InboxPage> {
    const page = await fetchInbox(first);
    this.set(page.unreadCount);
    return page;
  }

  /** Signed out: nothing of the last user's count stays. */
  forget(): void {
    this.set(0);
  }

  async markRead(items: readonly InboxItem[]): Promise<void> {
    const newest = newestCreatedAt(items);
    if (newest === null) return;
    this.set(await markRead(newest));
  }
}

export const inbox = new Inbox();
