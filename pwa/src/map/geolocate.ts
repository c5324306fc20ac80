/** The device's position, with a translated reason when there is none (denied, unavailable). */
import { t } from "../i18n";
import type { Point } from "./map-data";

export type Located = { ok: true; point: Point } | { ok: false; message: string };

export function locate(geo: Geolocation | undefined = globalThis.navigator?.geolocation): Promise<Located> {
  if (!geo) return Promise.resolve({ ok: false, message: t("near.unsupported") });
  return new Promise((resolve) => {
    geo.getCurrentPosition(
      (p) => resolve({ ok: true, point: { latitude: p.coords.latitude, longitude: p.coords.longitude } }),
      (e) =>
        resolve({
          ok: false,
          message: e.code === 1 ? t("near.denied") : t("near.unavailable", { message: e.message || String(e.code) }),
        }),
      { enableHighAccuracy: false, timeout: 15_000, maximumAge: 60_000 },
    );
  });
}

/** One decimal, the way distances are shown. */
export function km(value: number): number {
  return Math.round(value * 10) / 10;
}
