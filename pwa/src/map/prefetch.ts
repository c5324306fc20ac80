/**
 * "Prepare this area for offline": fetches the tiles of an area through the service worker, whose
 * tile route keeps them (sw.ts). Only offered when the tile server's terms allow it.
 */
import { prefetchPlan, tileUrl, type Area } from "./tiles";
import type { MapSettings } from "./map-data";

export type PrefetchOutcome =
  | { kind: "too-large" }
  | { kind: "done"; count: number; failed: number; from: number; to: number };

export async function prefetchArea(
  settings: MapSettings,
  view: { area: Area; zoom: number },
  onProgress: (done: number, total: number) => void,
  fetcher: typeof fetch = (...a) => fetch(...a),
  parallel = 4,
): Promise<PrefetchOutcome> {
  const plan = prefetchPlan(view.area, view.zoom, settings.maxZoom, settings.prefetchMaxTiles);
  if (plan.deepest === null) return { kind: "too-large" };
  const urls = plan.tiles.map((tile) => tileUrl(settings.tileUrl, tile));
  let next = 0;
  let done = 0;
  let failed = 0;
  onProgress(0, urls.length);
  const worker = async (): Promise<void> => {
    while (next < urls.length) {
      const url = urls[next++]!;
      try {
        const response = await fetcher(url, { mode: "cors", credentials: "omit" });
        if (!response.ok) failed++;
        await response.arrayBuffer().catch(() => undefined);
      } catch {
        failed++;
      }
      done++;
      onProgress(done, urls.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, urls.length) }, worker));
  return { kind: "done", count: urls.length - failed, failed, from: Math.round(view.zoom), to: plan.deepest };
}
