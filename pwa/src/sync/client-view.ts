/**
 * A view of the sync client's state (badge, outbox screen, conflict screen): it reads again
 * whenever the client says something changed, here or in another tab.
 */
import { LocalizedElement } from "../ui/localized";
import type { SyncClient } from "./client";

export abstract class ClientView extends LocalizedElement {
  static override properties = { client: { attribute: false } };

  declare client: SyncClient | null;
  private readonly reload = (): void => void this.refresh();

  constructor() {
    super();
    this.client = null;
  }

  /** Read what the view shows from the client. */
  abstract refresh(): Promise<void>;

  override connectedCallback(): void {
    super.connectedCallback();
    this.client?.events.addEventListener("changed", this.reload);
    void this.refresh();
  }

  override disconnectedCallback(): void {
    this.client?.events.removeEventListener("changed", this.reload);
    super.disconnectedCallback();
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has("client")) {
      (changed.get("client") as SyncClient | null | undefined)?.events.removeEventListener("changed", this.reload);
      if (this.isConnected) {
        this.client?.events.addEventListener("changed", this.reload);
        void this.refresh();
      }
    }
  }
}
