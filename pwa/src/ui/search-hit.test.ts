import { render } from "lit";
import { expect, it } from "vitest";
import { doc } from "../data/fixtures";
import { hitRow } from "./search-hit";

it("marks the found words and keeps every snippet part as text", () => {
  const host = document.createElement("ul");
  const hit = {
    document: doc("d1", "c1", { title: "Angebot AN-1", documentDate: "2026-03-01" }),
    snippet: [
      { text: "unser ", highlighted: false },
      { text: "Angebot", highlighted: true },
      { text: " <img src=x onerror=alert(1)>", highlighted: false },
    ],
  };
  render(hitRow(hit, "Adler GmbH", "Offer"), host);
  const marks = [...host.querySelectorAll("mark")].map((m) => m.textContent);
  expect(marks).toEqual(["Angebot"]);
  expect(host.querySelector("img")).toBeNull();
  expect(host.querySelector(".snippet")?.textContent).toBe("unser Angebot <img src=x onerror=alert(1)>");
  expect(host.querySelector(".row-sub")?.textContent).toContain("Adler GmbH · Offer · ");
  expect(host.querySelector("a")?.getAttribute("href")).toBe("/documents/d1");
});
