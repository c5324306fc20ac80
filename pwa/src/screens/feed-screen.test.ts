/** The in-tray as a component: the stored feed at once, the server's answer after, by day. */
import { afterEach, expect, it } from "vitest";
import { customer, doc } from "../data/fixtures";
import { Repository, type Gql } from "../data/repository";
import { MemoryStore } from "../data/store";
import { setRepository } from "../services";
import { byDay, type FeedScreen } from "./feed-screen";
import "./feed-screen";

afterEach(() => document.body.replaceChildren());

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

const titles = (screen: FeedScreen): string[] =>
  [...screen.shadowRoot!.querySelectorAll(".row-title")].map((n) => n.textContent ?? "");

it("groups documents by the day they were filed, keeping the order", () => {
  const days = byDay([
    doc("3", "a", { createdAt: "2026-11-29T12:00:00" }),
    doc("2", "a", { createdAt: "2026-11-29T08:00:00" }),
    doc("1", "a", { createdAt: "2026-11-27T08:00:00" }),
  ]);
  expect(days.map((d) => [d.day, d.documents.map((x) => x.id)])).toEqual([
    ["2026-11-29", ["3", "2"]],
    ["2026-11-27", ["1"]],
  ]);
});

it("shows the stored in-tray, then the server's newer answer with customer names", async () => {
  let answer = [{ document: { ...doc("1", "a", { title: "Stored letter" }), customer: customer("a", "Adler GmbH") } }];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  let calls = 0;
  const gql = (async () => {
    if (calls++ > 0) await gate;
    return { search: { total: answer.length, totalExact: true, hits: answer } };
  }) as Gql;
  const repository = new Repository(new MemoryStore(), gql);
  await repository.refreshFeed("inbox");
  setRepository(repository);
  answer = [
    { document: { ...doc("2", "b", { title: "New invoice" }), customer: customer("b", "Bergmann KG") } },
    ...answer,
  ];
  const screen = document.createElement("feed-screen") as FeedScreen;
  screen.feed = "inbox";
  document.body.append(screen);
  await until(() => titles(screen).length === 1);
  expect(titles(screen)).toEqual(["Stored letter"]);
  release();
  await until(() => titles(screen).length === 2);
  expect(titles(screen)).toEqual(["New invoice", "Stored letter"]);
  expect(screen.shadowRoot!.textContent).toContain("Bergmann KG");
  expect(screen.shadowRoot!.querySelector("h1")?.textContent).toBe("In-tray");
});
