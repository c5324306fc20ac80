/**
 * Tile arithmetic (Web Mercator, the XYZ scheme every common tile server uses): which tiles cover
 * an area, and the URL Leaflet asks for each, so a prefetched tile is the one the map later shows.
 */

export interface TileCoord {
  z: number;
  x: number;
  y: number;
}

export interface Area {
  south: number;
  west: number;
  north: number;
  east: number;
}

const MAX_LAT = 85.0511287798;

function clampLat(lat: number): number {
  return Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
}

export function tileX(lon: number, z: number): number {
  const n = 2 ** z;
  return Math.min(n - 1, Math.max(0, Math.floor(((lon + 180) / 360) * n)));
}

export function tileY(lat: number, z: number): number {
  const n = 2 ** z;
  const r = (clampLat(lat) * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return Math.min(n - 1, Math.max(0, y));
}

/** The tiles of one zoom level that cover an area (west ≤ east; no antimeridian wrap). */
export function tilesAt(area: Area, z: number): TileCoord[] {
  const x0 = tileX(area.west, z);
  const x1 = tileX(area.east, z);
  const y0 = tileY(area.north, z);
  const y1 = tileY(area.south, z);
  const out: TileCoord[] = [];
  for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) out.push({ z, x, y });
  return out;
}

export function countAt(area: Area, z: number): number {
  return (tileX(area.east, z) - tileX(area.west, z) + 1) * (tileY(area.south, z) - tileY(area.north, z) + 1);
}

export interface PrefetchPlan {
  tiles: TileCoord[];
  /** The deepest zoom level included; null when even the current one has too many tiles. */
  deepest: number | null;
}

/**
 * The tiles to fetch to use an area offline: the current zoom level and up to `levels` deeper
 * ones, as many whole levels as fit in `maxTiles`.
 */
export function prefetchPlan(area: Area, zoom: number, maxZoom: number, maxTiles: number, levels = 2): PrefetchPlan {
  const tiles: TileCoord[] = [];
  let deepest: number | null = null;
  const z0 = Math.max(0, Math.round(zoom));
  for (let z = z0; z <= Math.min(maxZoom, z0 + levels); z++) {
    if (tiles.length + countAt(area, z) > maxTiles) break;
    tiles.push(...tilesAt(area, z));
    deepest = z;
  }
  return { tiles, deepest };
}

/** The URL Leaflet's TileLayer builds for a tile (same subdomain choice, no retina suffix). */
export function tileUrl(template: string, tile: TileCoord, subdomains = "abc"): string {
  const s = subdomains[Math.abs(tile.x + tile.y) % subdomains.length] ?? "";
  const values: Record<string, string> = {
    s,
    z: String(tile.z),
    x: String(tile.x),
    y: String(tile.y),
    "-y": String(2 ** tile.z - 1 - tile.y),
    r: "",
  };
  return template.replace(/\{ *([\w-]+) *\}/g, (whole, key: string) => values[key] ?? whole);
}
