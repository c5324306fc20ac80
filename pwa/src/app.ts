/**
 * The shell: top bar, bottom navigation, offline and update notices, the expired-session state,
 * and the screen of the current route. Screens are custom elements that read the local store.
 *
 * Sync (docs/adr/0027): on a device that opted in, the outbox strip sits under the top bar and
 * /outbox and /conflicts are routes; all of it loads lazily. Sign-out deletes the device's data;
 * a device the server says was revoked deletes it without asking and shows why.
 */
import { css, html, nothing, type TemplateResult } from "lit";
import { currentSession, finishPendingSignOut, Offline, sessionEvents, setCsrfToken, type SessionUser } from "./data/client";
import { wipeLocalData } from "./data/wipe";
import type { SyncClient } from "./sync/client";
import { syncSwitchedOff } from "./sync/hooks";
import { t } from "./i18n";
import { navigate, parseRoute, routeEvents, type Route } from "./router";
import { repo } from "./services";
import { LocalizedElement } from "./ui/localized";
import { updateEvents } from "./updates";
import { icon, type IconName } from "./ui/icons";
import { shared } from "./ui/styles";
import "./screens/login-screen";
import "./screens/search-screen";
import "./screens/dossier-screen";
import "./screens/document-screen";
import "./screens/capture-screen";
import "./screens/settings-screen";
import "./screens/feed-screen";

export class DossierApp extends LocalizedElement {
  static override properties = {
    user: { state: true },
    expired: { state: true },
    route: { state: true },
    online: { state: true },
    updateReady: { state: true },
    revoked: { state: true },
    syncClient: { state: true },
  };

  declare user: SessionUser | null | undefined;
  declare expired: boolean;
  declare route: Route;
  declare online: boolean;
  declare updateReady: boolean;
  /** The device was revoked and wiped: the sign-in screen says so. */
  declare revoked: boolean;
  declare syncClient: SyncClient | null;
  private wiping: Promise<void> | null = null;

  constructor() {
    super();
    this.user = undefined;
    this.expired = false;
    this.route = parseRoute(new URL(location.href));
    this.online = navigator.onLine;
    this.updateReady = false;
    this.revoked = false;
    this.syncClient = null;
  }

  private readonly onRoute = (): void => {
    const before = this.route;
    this.route = parseRoute(new URL(location.href));
    // Another tab of the same dossier keeps focus and scroll where the user is.
    const sameDossier =
      before.name === "dossier" && this.route.name === "dossier" && before.customerId === this.route.customerId;
    if (sameDossier) return;
    window.scrollTo(0, 0);
    queueMicrotask(() => this.focusMain());
  };
  private readonly onExpired = (): void => {
    this.expired = true;
    this.stopLive();
  };
  private readonly onOnline = (): void => {
    this.online = navigator.onLine;
  };
  private readonly onUpdate = (): void => {
    this.updateReady = true;
  };
  private readonly onRevoked = (): void => void this.wipe(true);

  override connectedCallback(): void {
    super.connectedCallback();
    routeEvents.addEventListener("change", this.onRoute);
    sessionEvents.addEventListener("session-expired", this.onExpired);
    sessionEvents.addEventListener("device-revoked", this.onRevoked);
    window.addEventListener("online", this.onOnline);
    window.addEventListener("offline", this.onOnline);
    updateEvents.addEventListener("ready", this.onUpdate);
    void this.restoreSession();
  }

  override disconnectedCallback(): void {
    routeEvents.removeEventListener("change", this.onRoute);
    sessionEvents.removeEventListener("session-expired", this.onExpired);
    sessionEvents.removeEventListener("device-revoked", this.onRevoked);
    window.removeEventListener("online", this.onOnline);
    window.removeEventListener("offline", this.onOnline);
    updateEvents.removeEventListener("ready", this.onUpdate);
    super.disconnectedCallback();
  }

  /** The stored user opens the app at once (offline too); the server then confirms or expires it. */
  private async restoreSession(): Promise<void> {
    try {
      // Signed out while offline: the session cookie must not sign this start in again.
      if (await finishPendingSignOut()) {
        this.user = null;
        return;
      }
    } catch (error) {
      if (!(error instanceof Offline)) console.warn(error);
      this.user = null; // still offline: signed out it stays
      return;
    }
    const stored = await repo().store.getMeta<SessionUser>("user");
    if (stored) this.user = stored;
    try {
      const session = await currentSession();
      if (session) {
        this.user = session.user;
        await repo().store.setMeta("user", session.user);
        void repo().refreshCatalog().catch(() => undefined);
        void this.startSyncUi();
        this.startLive();
      } else {
        if (stored) this.expired = true;
        this.user = null;
      }
    } catch (error) {
      if (!(error instanceof Offline)) console.warn(error);
      if (!stored) this.user = null;
      else {
        void this.startSyncUi(); // offline with a stored user: the outbox still shows
        this.startLive(); // connects once online; an expired session then shows the sign-in
      }
    }
  }

  /** Unless sync is switched off here: the sync client for the strip and the sync screens (lazily). */
  private async startSyncUi(): Promise<void> {
    if (syncSwitchedOff()) return;
    try {
      const [sync] = await Promise.all([import("./sync/index"), import("./sync/outbox-badge")]);
      const running = await sync.startSync();
      if (this.user) this.syncClient = running.client;
    } catch (error) {
      console.warn("offline sync could not start", error);
    }
  }

  /** Live updates for the open dossier and the pinned ones (docs/adr/0019), loaded lazily. */
  private startLive(): void {
    import("./live/index")
      .then((live) => {
        if (this.user && !this.expired) live.startLive();
      })
      .catch((error: unknown) => console.warn("live updates could not start", error));
  }

  private stopLive(): void {
    import("./live/index")
      .then((live) => live.stopLive())
      .catch(() => undefined);
  }

  /**
   * Delete everything the device keeps (data/wipe.ts) and show the sign-in screen; `revoked`: the
   * server revoked the device, and the sign-in screen says so. Several refusals in a row wipe once.
   */
  private wipe(revoked: boolean): Promise<void> {
    this.wiping ??= (async () => {
      setCsrfToken(null);
      this.stopLive();
      this.syncClient = null;
      void import("./notifications/forget").then((n) => n.forgetNotifications());
      try {
        await wipeLocalData(() => repo().forget());
      } catch (error) {
        console.warn("local data could not all be deleted", error);
      }
      this.user = null;
      this.expired = false;
      this.revoked = revoked;
      this.wiping = null;
      navigate("/", true);
    })();
    return this.wiping;
  }

  private async signedIn(event: CustomEvent<SessionUser>): Promise<void> {
    const user = event.detail;
    const previous = await repo().store.getMeta<SessionUser>("user");
    if (previous && previous.id !== user.id) await repo().forget();
    await repo().store.setMeta("user", user);
    this.user = user;
    this.expired = false;
    this.revoked = false;
    void repo().refreshCatalog().catch(() => undefined);
    void this.startSyncUi();
    this.startLive();
    if (this.route.name === "login") navigate("/", true);
  }

  private async signedOut(): Promise<void> {
    await this.wipe(false);
  }

  private focusMain(): void {
    const main = this.renderRoot.querySelector<HTMLElement>("main");
    main?.focus({ preventScroll: true });
  }

  private reload(): void {
    updateEvents.dispatchEvent(new Event("apply"));
  }

  private screen(): TemplateResult {
    const r = this.route;
    switch (r.name) {
      case "search":
      case "login":
        return html`<search-screen ?autofocus-search=${r.name === "search" && r.focus}></search-screen>`;
      case "dossier":
        return html`<dossier-screen .customerId=${r.customerId} .tab=${r.tab}></dossier-screen>`;
      case "document":
        return html`<document-screen .documentId=${r.documentId}></document-screen>`;
      case "capture":
        return html`<capture-screen .customerId=${r.customerId} .shared=${r.shared}></capture-screen>`;
      case "settings":
        return html`<settings-screen
          .user=${this.user ?? null}
          @signed-out=${() => void this.signedOut()}
        ></settings-screen>`;
      case "today":
      case "inbox":
        return html`<feed-screen .feed=${r.name}></feed-screen>`;
      case "documents":
        void import("./screens/document-search-screen");
        return html`<document-search-screen .search=${r.search}></document-search-screen>`;
      case "views":
      case "view":
        void import("./screens/views-screen");
        return html`<views-screen .viewId=${r.name === "view" ? r.viewId : null}></views-screen>`;
      case "map":
        void import("./map/map-screen");
        return html`<map-screen .mode=${r.mode}></map-screen>`;
      case "outbox":
        void import("./sync/outbox-screen");
        return html`<outbox-screen .client=${this.syncClient}></outbox-screen>`;
      case "conflicts":
        void import("./sync/conflict-screen");
        return html`<div class="page"><conflict-screen .client=${this.syncClient}></conflict-screen></div>`;
      case "notifications":
        void import("./notifications/notifications-screen");
        return html`<notifications-screen></notifications-screen>`;
      case "subscriptions":
        void import("./notifications/subscriptions-screen");
        return html`<subscriptions-screen></subscriptions-screen>`;
      case "not-found":
        return this.placeholder("404", location.pathname);
    }
  }

  /** The notification bell with the unread count (loaded after the first screen, off the critical path). */
  private bell(current: boolean): TemplateResult {
    void import("./notifications/notification-bell");
    return html`<notification-bell ?current=${current}></notification-bell>`;
  }

  private placeholder(title: string, text: string): TemplateResult {
    return html`<div class="page"><h1>${title}</h1><p class="muted">${text}</p></div>`;
  }

  private navLink(path: string, label: string, name: IconName, active: boolean): TemplateResult {
    return html`<a href=${path} aria-current=${active ? "page" : nothing}
      ><span class="nav-icon">${icon(name)}</span><span>${label}</span></a
    >`;
  }

  override render(): TemplateResult {
    if (this.user === undefined) {
      return html`<div class="bar" aria-hidden="true"></div>`;
    }
    if (this.user === null || this.expired) {
      return html`<div class="bar"><span class="brand">${t("app.name")}</span></div>
        <main id="main" tabindex="-1">
          <login-screen
            .expired=${this.expired}
            .revoked=${this.revoked}
            @signed-in=${(e: CustomEvent<SessionUser>) => void this.signedIn(e)}
          ></login-screen>
        </main>`;
    }
    const route = this.route.name;
    return html`
      <!-- A button, not a "#main" link: the target sits in this shadow root, where no fragment reaches. -->
      <button class="skip" @click=${() => this.focusMain()}>${t("app.skip")}</button>
      <div class="bar">
        <a class="brand" href="/">${t("app.name")}</a>
        <span class="user muted-on-bar">${this.user.displayName}</span>
        ${this.bell(route === "notifications")}
        <a
          class="find"
          href="/map"
          aria-label=${t("map.title")}
          title=${t("map.title")}
          aria-current=${route === "map" ? "page" : nothing}
          >${icon("map")}</a
        >
        <a
          class="find"
          href="/search"
          aria-label=${t("docs.title")}
          title=${t("docs.title")}
          aria-current=${route === "documents" ? "page" : nothing}
          >${icon("search")}</a
        >
      </div>
      ${this.syncClient ? html`<outbox-badge .client=${this.syncClient}></outbox-badge>` : nothing}
      ${this.online ? nothing : html`<p class="notice" role="status">${t("app.offline")}</p>`}
      ${this.updateReady
        ? html`<div class="notice update" role="alert">
            <span>${t("app.update")}</span>
            <button class="primary" @click=${this.reload}>${t("app.reload")}</button>
          </div>`
        : nothing}
      <main id="main" tabindex="-1">${this.screen()}</main>
      <nav aria-label=${t("nav.main")}>
        ${this.navLink(
          "/",
          t("nav.search"),
          "search",
          ["search", "dossier", "document", "documents", "views", "view"].includes(route),
        )}
        ${this.navLink("/today", t("nav.today"), "today", route === "today")}
        ${this.navLink("/capture", t("nav.capture"), "plus", route === "capture")}
        ${this.navLink("/inbox", t("nav.inbox"), "inbox", route === "inbox")}
        ${this.navLink("/settings", t("nav.settings"), "settings", route === "settings")}
      </nav>
    `;
  }

  static override styles = [
    shared,
    css`
      :host {
        display: block;
        min-height: 100vh;
        min-height: 100dvh;
        padding-bottom: calc(64px + env(safe-area-inset-bottom));
      }
      .bar {
        position: sticky;
        top: 0;
        z-index: 5;
        height: var(--bar-h);
        padding: 0 1rem;
        padding-top: env(safe-area-inset-top);
        display: flex;
        align-items: center;
        justify-content: space-between;
        background: var(--accent);
        color: var(--accent-text);
      }
      .brand {
        color: inherit;
        font-weight: 700;
        font-size: 1.15rem;
        text-decoration: none;
        min-height: 44px;
        display: inline-flex;
        align-items: center;
      }
      .find {
        color: inherit;
        width: 44px;
        height: 44px;
        display: inline-flex;
        align-items: center;
        justify-content: center;
        flex: none;
        margin-right: -0.5rem;
      }
      .user {
        margin-left: auto;
        font-size: 0.9rem;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        max-width: 55%;
      }
      .skip {
        position: absolute;
        left: -999px;
        z-index: 10;
        background: var(--bg);
        padding: 0.75rem 1rem;
      }
      .skip:focus {
        left: 0.5rem;
        top: 0.5rem;
      }
      main:focus {
        outline: none;
      }
      outbox-badge {
        display: block;
        position: sticky;
        top: var(--bar-h);
        z-index: 4;
      }
      .notice {
        margin: 0;
        padding: 0.6rem 1rem;
        background: var(--accent-soft);
        color: var(--text);
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 1rem;
      }
      nav {
        position: fixed;
        z-index: 5;
        bottom: 0;
        left: 0;
        right: 0;
        display: flex;
        background: var(--surface);
        border-top: 1px solid var(--border);
        padding-bottom: env(safe-area-inset-bottom);
      }
      nav a {
        flex: 1 1 0;
        min-width: 0;
        padding: 0 2px;
        text-align: center;
        min-height: 60px;
        display: flex;
        flex-direction: column;
        align-items: center;
        justify-content: center;
        font-size: 0.75rem;
        color: var(--muted);
        text-decoration: none;
      }
      nav a[aria-current="page"] {
        color: var(--accent);
        font-weight: 700;
      }
      nav a span:last-child {
        max-width: 100%;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .nav-icon {
        font-size: 1.3rem;
        line-height: 1.2;
      }
      @media (min-width: 900px) {
        :host {
          padding-bottom: 0;
          padding-left: 96px;
        }
        nav {
          top: var(--bar-h);
          right: auto;
          width: 96px;
          flex-direction: column;
          justify-content: flex-start;
          border-top: none;
          border-right: 1px solid var(--border);
        }
        nav a {
          flex: none;
          min-height: 72px;
        }
      }
    `,
  ];
}

customElements.define("dossier-app", DossierApp);
