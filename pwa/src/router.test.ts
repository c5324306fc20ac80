import { expect, it } from "vitest";
import { documentPath, dossierPath, parseRoute } from "./router";

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
  expect(route("/customers/c1/r").name).toBe("not-found");
  expect(route("/nowhere").name).toBe("not-found");
});
