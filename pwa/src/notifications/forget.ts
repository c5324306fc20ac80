/** Sign-out: the last user's subscriptions and unread count leave the page's memory. */
import { inbox } from "./inbox";
import { subscriptions } from "./subscriptions";

export function forgetNotifications(): void {
  subscriptions.forget();
  inbox.forget();
}
