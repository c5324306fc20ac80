/**
 * What a live event changes on this device: the open dossier reads its documents again (the
 * repository writes them to the store and says "changed", so the screen renders itself), an open
 * document reads itself again, and a pinned dossier is pulled (the sync layer projects what it
 * pulls into the store). A burst of events for one dossier costs one refresh running and at most
 * one more after it, never one per event.
 */
import type { LiveEvent } from "./live-client";

export interface LiveTargets {
  /** The customer whose dossier is on screen, or null. */
  openDossier(): string | null;
  /** The document on screen, or null. */
  openDocument(): string | null;
  refreshDossier(customerId: string): Promise<void>;
  refreshDocument(documentId: string): Promise<unknown>;
  /** Whether the dossier is pinned (false when offline sync does not run here). */
  isPinned(customerId: string): Promise<boolean>;
  /** Pull the pinned dossiers now. */
  pull(): Promise<void>;
}

/** Runs `task(key)` at most once at a time per key; calls meanwhile make one more run after it. */
class Coalesced {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(private readonly task: (key: string) => Promise<unknown>) {}

  run(key: string): Promise<void> {
    const busy = this.running.get(key);
    if (busy) {
      this.again.add(key);
      return busy;
    }
    const done = (async () => {
      try {
        do {
          this.again.delete(key);
          try {
            await this.task(key);
          } catch (error) {
            console.warn("live update not applied", error);
          }
        } while (this.again.has(key));
      } finally {
        this.running.delete(key);
      }
    })();
    this.running.set(key, done);
    return done;
  }
}

export class LiveRouter {
  private readonly dossiers: Coalesced;
  private readonly documents: Coalesced;
  private readonly pulls: Coalesced;

  constructor(private readonly targets: LiveTargets) {
    this.dossiers = new Coalesced((id) => targets.refreshDossier(id));
    this.documents = new Coalesced((id) => targets.refreshDocument(id));
    this.pulls = new Coalesced(() => targets.pull());
  }

  /** After a gap in the connection: what may have changed meanwhile is read again (the open
   * dossier or document, and the pinned dossiers by a sync). */
  async catchUp(): Promise<void> {
    const work: Promise<void>[] = [this.pulls.run("pinned")];
    const dossier = this.targets.openDossier();
    if (dossier) work.push(this.dossiers.run(dossier));
    const document = this.targets.openDocument();
    if (document) work.push(this.documents.run(document));
    await Promise.all(work);
  }

  /** Resolves when what the event caused is done (tests wait for it; the app does not). */
  async handle(event: LiveEvent): Promise<void> {
    const work: Promise<void>[] = [];
    if (this.targets.openDossier() === event.customerId) work.push(this.dossiers.run(event.customerId));
    if (this.targets.openDocument() === event.documentId) work.push(this.documents.run(event.documentId));
    let pinned = false;
    try {
      pinned = await this.targets.isPinned(event.customerId);
    } catch {
      pinned = false; // the sync database is closing: the next sync catches up
    }
    if (pinned) work.push(this.pulls.run("pinned"));
    await Promise.all(work);
  }
}
