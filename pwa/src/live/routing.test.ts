import { describe, expect, it } from "vitest";
import type { LiveEvent } from "./live-client";
import { LiveRouter, type LiveTargets } from "./routing";

function event(customerId: string, documentId = "d1"): LiveEvent {
  return { event: "DOCUMENT_CREATED", documentId, customerId, versionId: null };
}

function targets(open: { dossier?: string; document?: string }, pinned: string[] = []) {
  const calls: string[] = [];
  const gates: (() => void)[] = [];
  const slow = (name: string) => () =>
    new Promise<void>((resolve) => {
      calls.push(name);
      gates.push(resolve);
    });
  const t: LiveTargets = {
    openDossier: () => open.dossier ?? null,
    openDocument: () => open.document ?? null,
    refreshDossier: async (id) => void calls.push(`dossier:${id}`),
    refreshDocument: async (id) => void calls.push(`document:${id}`),
    isPinned: async (id) => pinned.includes(id),
    pull: async () => void calls.push("pull"),
  };
  return { t, calls, gates, slow };
}

describe("LiveRouter", () => {
  it("refreshes the open dossier when the event is its customer's", async () => {
    const { t, calls } = targets({ dossier: "c1" });
    const router = new LiveRouter(t);
    await router.handle(event("c1"));
    await router.handle(event("c2"));
    expect(calls).toEqual(["dossier:c1"]);
  });

  it("pulls when the event's customer is pinned, whatever is on screen", async () => {
    const { t, calls } = targets({}, ["c2"]);
    const router = new LiveRouter(t);
    await router.handle(event("c1"));
    await router.handle(event("c2"));
    expect(calls).toEqual(["pull"]);
  });

  it("reads the open document again when the event is about it", async () => {
    const { t, calls } = targets({ document: "d7" });
    await new LiveRouter(t).handle(event("c1", "d7"));
    expect(calls).toEqual(["document:d7"]);
  });

  it("an open, pinned dossier is refreshed and pulled", async () => {
    const { t, calls } = targets({ dossier: "c1" }, ["c1"]);
    await new LiveRouter(t).handle(event("c1"));
    expect(calls.sort()).toEqual(["dossier:c1", "pull"]);
  });

  it("a burst of events runs one refresh and one more after it, not one per event", async () => {
    const { t, calls, gates, slow } = targets({ dossier: "c1" });
    t.refreshDossier = slow("dossier:c1");
    const router = new LiveRouter(t);
    const all = [1, 2, 3, 4].map((n) => router.handle(event("c1", `d${n}`)));
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toEqual(["dossier:c1"]);
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual(["dossier:c1", "dossier:c1"]);
    gates.shift()!();
    await Promise.all(all);
    expect(calls).toHaveLength(2);
  });

  it("a failed refresh is logged, not thrown, and the next event refreshes again", async () => {
    const { t, calls } = targets({ dossier: "c1" });
    let fail = true;
    t.refreshDossier = async (id) => {
      calls.push(`dossier:${id}`);
      if (fail) {
        fail = false;
        throw new Error("offline");
      }
    };
    const router = new LiveRouter(t);
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      await router.handle(event("c1"));
      await router.handle(event("c1"));
    } finally {
      console.warn = warn;
    }
    expect(calls).toEqual(["dossier:c1", "dossier:c1"]);
  });
});

describe("LiveRouter.catchUp", () => {
  it("reads the open dossier again and syncs the pinned ones after a gap", async () => {
    const { t, calls } = targets({ dossier: "c1" });
    await new LiveRouter(t).catchUp();
    expect(calls.sort()).toEqual(["dossier:c1", "pull"]);
  });
});
