import { expect, it } from "vitest";
import { EMPTY_FORM } from "./data/document-search";
import { documentPath, documentSearchPath, dossierPath, parseRoute, viewPath } from "./router";

const route = (path: string) => parseRoute(new URL(path, "https://dossier.example"));

it("parses every client route and round-trips the paths it makes", () => {
  expect(route("/")).toEqual({ name: "search", focus: false });
  expect(route("/?focus=search")).toEqual({ name: "search", focus: true });
  expect(route(dossierPath("c 1"))).toEqual({ name: "dossier", customerId: "c 1", tab: "cover" });
  expect(route(dossierPath("c1", "all"))).toEqual({ name: "dossier", customerId: "c1", tab: "all" });
  expect(route(dossierPath("c1", "invoices"))).toEqual({ name: "dossier", customerId: "c1", tab: "invoices" });
  expect(route(documentPath("d1"))).toEqual({ name: "document", documentId: "d1" });
  expect(route("/capture?customer=c1&shared=1")).toEqual({ name: "capture", customerId: "c1", shared: true });
  expect(route("/settings").name).toBe("settings");
  expect(route("/notifications").name).toBe("notifications");
  expect(route("/notifications/subscriptions").name).toBe("subscriptions");
  expect(route("/notifications/other").name).toBe("not-found");
  expect(route(documentSearchPath())).toEqual({ name: "documents", search: EMPTY_FORM });
  const full = { text: "offer & co", customerId: "c1", documentTypeId: "t1", status: "active", period: "months3", sort: "date" } as const;
  expect(route(documentSearchPath(full))).toEqual({ name: "documents", search: full });
  expect(route("/search?q=x&period=someday&sort=random")).toEqual({ name: "documents", search: { ...EMPTY_FORM, text: "x" } });
  expect(route("/views")).toEqual({ name: "views" });
  expect(route("/outbox")).toEqual({ name: "outbox" });
  expect(route("/conflicts")).toEqual({ name: "conflicts" });
  expect(route("/conflicts/k1").name).toBe("not-found");
  expect(route(viewPath("v 1"))).toEqual({ name: "view", viewId: "v 1" });
  expect(route(dossierPath("c1", "view:v1"))).toEqual({ name: "dossier", customerId: "c1", tab: "view:v1" });
  expect(route("/map")).toEqual({ name: "map", mode: "all" });
  expect(route("/map/near")).toEqual({ name: "map", mode: "near" });
  expect(route("/map/route")).toEqual({ name: "map", mode: "route" });
  expect(route("/map/elsewhere").name).toBe("not-found");
  expect(route("/customers/c1/r").name).toBe("not-found");
  expect(route("/nowhere").name).toBe("not-found");
});
