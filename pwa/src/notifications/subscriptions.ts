/**
 * The user's notification subscriptions and preferences, over GraphQL (docs/adr/0019).
 *
 * One list of subscriptions is kept per page and shared by every subscribe button, the
 * subscriptions screen and settings: `subscriptions.load()` reads it once, and every change
 * fires "change" so all of them show the same state.
 */
import { ApiError, gql } from "../data/client";

export type NotificationEvent = "DOCUMENT_CREATED" | "VERSION_ADDED" | "STATUS_CHANGED";
export type NotificationChannel = "PUSH" | "EMAIL";
export type NotificationRhythm = "INSTANT" | "DIGEST";
export type SubscriptionTarget = "CUSTOMER" | "REGISTER" | "DOCUMENT_TYPE" | "VIEW";

export const EVENTS: readonly NotificationEvent[] = ["DOCUMENT_CREATED", "VERSION_ADDED", "STATUS_CHANGED"];
export const CHANNELS: readonly NotificationChannel[] = ["PUSH", "EMAIL"];

export interface Subscription {
  id: string;
  targetKind: SubscriptionTarget;
  targetId: string;
  /** A register subscription narrowed to one dossier. */
  customerId: string | null;
  events: NotificationEvent[];
  channels: NotificationChannel[];
  rhythm: NotificationRhythm;
  digestHour: number;
  createdAt: string;
}

export interface Target {
  kind: SubscriptionTarget;
  id: string;
  customerId?: string | null;
}

export interface SubscriptionChange {
  events: NotificationEvent[];
  channels: NotificationChannel[];
  rhythm: NotificationRhythm;
  digestHour: number;
}

/** What one tap subscribes to: new documents, at once, by push and e-mail. */
export const ONE_TAP: SubscriptionChange = {
  events: ["DOCUMENT_CREATED"],
  channels: ["PUSH", "EMAIL"],
  rhythm: "INSTANT",
  digestHour: 7,
};

type Failure = { __typename: string; code: string; message: string; issues?: { field: string; code: string }[] };

const FIELDS = "id targetKind targetId customerId events channels rhythm digestHour createdAt";

function failure(result: Failure): ApiError {
  const issue = result.issues?.[0];
  return new ApiError(issue ? issue.code : result.code, issue ? `${issue.field}: ${issue.code}` : result.message);
}

function subscription(result: Subscription | Failure): Subscription {
  if ("code" in result) throw failure(result);
  return result;
}

/** The subscription that follows exactly this target, if any. */
export function findSubscription(list: readonly Subscription[], target: Target): Subscription | undefined {
  return list.find(
    (s) => s.targetKind === target.kind && s.targetId === target.id && (s.customerId ?? null) === (target.customerId ?? null),
  );
}

/** Events in their usual order, without repeats. */
export function toggled<T extends string>(values: readonly T[], value: T, on: boolean, order: readonly T[]): T[] {
  const next = new Set(values);
  if (on) next.add(value);
  else next.delete(value);
  return order.filter((v) => next.has(v));
}

export async function fetchSubscriptions(): Promise<Subscription[]> {
  return (await gql<{ notificationSubscriptions: Subscription[] }>(`{ notificationSubscriptions { ${FIELDS} } }`))
    .notificationSubscriptions;
}

export class Subscriptions extends EventTarget {
  private list: Subscription[] | null = null;
  private loading: Promise<Subscription[]> | null = null;

  /** The list as last read (null before the first read). */
  current(): Subscription[] | null {
    return this.list;
  }

  /** Read once per page; `fresh` reads again. */
  load(fresh = false): Promise<Subscription[]> {
    if (this.list && !fresh) return Promise.resolve(this.list);
    this.loading ??= fetchSubscriptions()
      .then((list) => this.set(list))
      .finally(() => (this.loading = null));
    return this.loading;
  }

  private set(list: Subscription[]): Subscription[] {
    this.list = list;
    this.dispatchEvent(new Event("change"));
    return list;
  }

  async subscribe(target: Target, change: SubscriptionChange = ONE_TAP): Promise<Subscription> {
    const { subscribe: result } = await gql<{ subscribe: Subscription | Failure }, { input: Record<string, unknown> }>(
      `mutation ($input: SubscriptionInput!) { subscribe(input: $input) {
        __typename ... on NotificationSubscription { ${FIELDS} }
        ... on ValidationError { code message issues { field code } } ... on Error { code message } } }`,
      { input: { targetKind: target.kind, targetId: target.id, customerId: target.customerId ?? null, ...change } },
    );
    const added = subscription(result);
    this.set([...(this.list ?? []).filter((s) => s.id !== added.id), added]);
    return added;
  }

  async update(id: string, change: SubscriptionChange): Promise<Subscription> {
    const { updateSubscription: result } = await gql<
      { updateSubscription: Subscription | Failure },
      { id: string; input: SubscriptionChange }
    >(
      `mutation ($id: ID!, $input: SubscriptionChangeInput!) { updateSubscription(id: $id, input: $input) {
        __typename ... on NotificationSubscription { ${FIELDS} }
        ... on ValidationError { code message issues { field code } } ... on Error { code message } } }`,
      { id, input: change },
    );
    const updated = subscription(result);
    this.set((this.list ?? []).map((s) => (s.id === id ? updated : s)));
    return updated;
  }

  async remove(id: string): Promise<void> {
    const { unsubscribe: result } = await gql<{ unsubscribe: { __typename: string } | Failure }, { id: string }>(
      `mutation ($id: ID!) { unsubscribe(id: $id) { __typename ... on Error { code message } } }`,
      { id },
    );
    if ("code" in result && result.code !== "not_found") throw failure(result);
    this.set((this.list ?? []).filter((s) => s.id !== id));
  }

  /** Follow the target with the one-tap defaults, or stop following it. Returns whether it is followed now. */
  async toggle(target: Target): Promise<boolean> {
    const list = await this.load();
    const existing = findSubscription(list, target);
    if (existing) {
      await this.remove(existing.id);
      return false;
    }
    await this.subscribe(target);
    return true;
  }

  forget(): void {
    this.list = null;
  }
}

export const subscriptions = new Subscriptions();

// -- preferences -----------------------------------------------------------------------------

export interface Preferences {
  timeZone: string;
  quietStart: string | null;
  quietEnd: string | null;
  /** en, pl or de; null: the tenant's. */
  locale: string | null;
}

/** The preferences, and whether the user ever saved them (else they are the server's defaults). */
export async function fetchPreferences(): Promise<{ preferences: Preferences; saved: boolean }> {
  const { notificationPreferences: found } = await gql<{ notificationPreferences: Preferences & { saved: boolean } }>(
    "{ notificationPreferences { timeZone quietStart quietEnd locale saved } }",
  );
  const { saved, ...preferences } = found;
  return { preferences, saved };
}

export async function savePreferences(input: Preferences): Promise<Preferences> {
  const { setNotificationPreferences: result } = await gql<
    { setNotificationPreferences: Preferences | Failure },
    { input: Preferences }
  >(
    `mutation ($input: PreferencesInput!) { setNotificationPreferences(input: $input) {
      __typename ... on NotificationPreferences { timeZone quietStart quietEnd locale }
      ... on ValidationError { code message issues { field code } } ... on Error { code message } } }`,
    { input },
  );
  if ("code" in result) throw failure(result);
  return { timeZone: result.timeZone, quietStart: result.quietStart, quietEnd: result.quietEnd, locale: result.locale };
}

/** The browser's own time zone (IANA), or UTC when it gives none. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** Every time zone the browser knows, with UTC and the ones given always among them, sorted. */
export function timeZones(...always: string[]): string[] {
  let known: string[] = [];
  try {
    known = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];
  } catch {
    known = [];
  }
  return [...new Set([...known, "UTC", ...always.filter(Boolean)])].sort();
}

/**
 * Preferences the user never saved: the server answers the user's own zone, else UTC; for UTC
 * the browser knows better, so a first-time form starts from the browser's zone.
 */
export function withBrowserDefaults(found: Preferences, stored: boolean, zone = browserTimeZone()): Preferences {
  return stored || found.timeZone !== "UTC" ? found : { ...found, timeZone: zone };
}

/** Quiet hours need both ends (HH:MM) or neither; the issue's code, or null when fine. */
export function quietHoursIssue(start: string, end: string): "required" | "invalid_time" | null {
  if (!start && !end) return null;
  if (!start || !end) return "required";
  const time = /^([01]\d|2[0-3]):[0-5]\d$/;
  return time.test(start) && time.test(end) ? null : "invalid_time";
}
