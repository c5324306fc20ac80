import { describe, expect, it } from "vitest";
import { countAt, prefetchPlan, tileUrl, tileX, tileY, tilesAt } from "./tiles";

describe("tiles", () => {
  it("finds the tile of a place", () => {
    // Berlin at zoom 10 is tile 550/335 (as OpenStreetMap numbers it).
    expect(tileX(13.405, 10)).toBe(550);
    expect(tileY(52.52, 10)).toBe(335);
    expect(tileX(180, 2)).toBe(3);
    expect(tileY(-90, 2)).toBe(3);
  });

  it("covers an area", () => {
    const area = { south: 52.4, west: 13.2, north: 52.6, east: 13.6 };
    const tiles = tilesAt(area, 12);
    expect(tiles.length).toBe(countAt(area, 12));
    expect(new Set(tiles.map((t) => `${t.x}/${t.y}`)).size).toBe(tiles.length);
  });

  it("plans whole zoom levels within the limit", () => {
    const area = { south: 52.4, west: 13.2, north: 52.6, east: 13.6 };
    const all = prefetchPlan(area, 11, 19, 10_000);
    expect(all.deepest).toBe(13);
    const some = prefetchPlan(area, 11, 19, countAt(area, 11) + countAt(area, 12));
    expect(some.deepest).toBe(12);
    expect(some.tiles.length).toBe(countAt(area, 11) + countAt(area, 12));
    expect(prefetchPlan(area, 11, 19, 1)).toEqual({ tiles: [], deepest: null });
    const street = { south: 52.52, west: 13.4, north: 52.521, east: 13.401 };
    expect(prefetchPlan(street, 18, 18, 10_000).deepest).toBe(18);
  });

  it("builds the URL Leaflet builds", () => {
    expect(tileUrl("https://{s}.tiles.example/{z}/{x}/{y}{r}.png", { z: 3, x: 4, y: 2 })).toBe(
      "https://a.tiles.example/3/4/2.png",
    );
    expect(tileUrl("http://127.0.0.1:9/{z}/{x}/{-y}.png", { z: 2, x: 1, y: 0 })).toBe("http://127.0.0.1:9/2/1/3.png");
  });
});
