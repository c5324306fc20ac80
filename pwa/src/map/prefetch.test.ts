import { expect, it } from "vitest";
import { prefetchArea } from "./prefetch";
import type { MapSettings } from "./map-data";

const settings: MapSettings = {
  tileUrl: "http://tiles.test/{z}/{x}/{y}.png",
  attribution: "Test",
  attributionUrl: null,
  maxZoom: 19,
  prefetchAllowed: true,
  prefetchMaxTiles: 50,
};
const view = { area: { south: 52.5, west: 13.3, north: 52.55, east: 13.45 }, zoom: 12 };

it("fetches whole zoom levels within the limit and counts failures", async () => {
  const urls: string[] = [];
  const progress: number[] = [];
  const outcome = await prefetchArea(
    settings,
    view,
    (done) => progress.push(done),
    async (input) => {
      urls.push(String(input));
      return new Response("x", { status: urls.length === 3 ? 500 : 200 });
    },
  );
  expect(outcome.kind).toBe("done");
  if (outcome.kind !== "done") return;
  expect(urls.length).toBeLessThanOrEqual(50);
  expect(new Set(urls).size).toBe(urls.length);
  expect(urls.every((u) => /^http:\/\/tiles\.test\/1[2-4]\/\d+\/\d+\.png$/.test(u))).toBe(true);
  expect(outcome.failed).toBe(1);
  expect(outcome.count + outcome.failed).toBe(urls.length);
  expect(progress.at(-1)).toBe(urls.length);
});

it("refuses an area larger than the limit", async () => {
  const wide = { area: { south: 40, west: 0, north: 55, east: 20 }, zoom: 9 };
  expect(await prefetchArea(settings, wide, () => undefined, () => Promise.reject(new Error("no")))).toEqual({ kind: "too-large" });
});
